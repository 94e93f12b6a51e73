#include "graph/projectevaluation.h"

#include "datasets/dataset.h"
#include "evaluate/jsmetric.h"
#include "evaluate/metrics.h"

namespace dspy {

Expected<ProjectEvaluation, QString>
loadProjectEvaluation(const Project& project, const QString& projectPath, const QString& program,
                      const QString& dataset, const QString& metric)
{
    const ProgramGraph* graph = project.program(program);
    if (!graph)
        return unexpected(QStringLiteral("the project has no program '%1'").arg(program));
    if (!graph->programSignature())
        return unexpected(QStringLiteral("program '%1' has no valid signature").arg(program));
    const Signature& sig = *graph->programSignature();

    const DatasetRef* data =
        dataset.isEmpty() ? (project.datasets.isEmpty() ? nullptr : &project.datasets.first())
                          : project.dataset(dataset);
    if (!data)
        return unexpected(dataset.isEmpty()
                              ? QStringLiteral("the project has no dataset")
                              : QStringLiteral("the project has no dataset '%1'").arg(dataset));
    LoadOptions options;
    if (!data->inputKeys.isEmpty()) {
        options.inputKeys = data->inputKeys;
    } else {
        for (const Field& f : sig.inputFields())
            options.inputKeys.append(f.name);
    }
    const QString file = Project::resolvePath(projectPath, data->path);
    auto rows = file.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)
                    ? loadCsv(file, options)
                    : loadJsonl(file, options);
    if (!rows)
        return unexpected(QStringLiteral("dataset '%1' (%2): %3")
                              .arg(data->name, data->path, rows.error().message));

    ProjectEvaluation out;
    out.datasetName = data->name;
    out.devset = std::move(rows.value());

    const MetricEntry* entry =
        metric.isEmpty() ? (project.metrics.isEmpty() ? nullptr : &project.metrics.first())
                         : project.metric(metric);
    if (!metric.isEmpty() && !entry)
        return unexpected(QStringLiteral("the project has no metric '%1'").arg(metric));
    QString kind = QStringLiteral("exact_match");
    QString field;
    if (entry) {
        kind = entry->spec.value(u"kind").toString();
        field = entry->spec.value(u"field").toString();
        out.metricName = entry->name;
    }
    if (field.isEmpty()) { // the compared field (shown as prediction and gold)
        for (const Field& f : sig.outputFields()) {
            if (f.name != u"reasoning") {
                field = f.name;
                break;
            }
        }
    }
    out.goldField = field;
    if (kind == u"js") {
        const QString source = entry->spec.value(u"source").toString();
        if (source.isEmpty())
            return unexpected(QStringLiteral("metric '%1' is a js metric without a \"source\" file")
                                  .arg(entry->name));
        auto js = JsMetric::fromFile(Project::resolvePath(projectPath, source));
        if (!js)
            return unexpected(QStringLiteral("metric '%1': %2").arg(entry->name, js.error()));
        out.metric = std::move(js.value());
        return out;
    }
    auto builtin = builtinMetric(kind, field);
    if (!builtin)
        return unexpected(
            QStringLiteral("metric '%1': unknown kind '%2' (known: %3, js)")
                .arg(out.metricName, kind, builtinMetricNames().join(QStringLiteral(", "))));
    if (out.metricName.isEmpty())
        out.metricName = kind;
    out.metric = std::move(*builtin);
    return out;
}

} // namespace dspy
