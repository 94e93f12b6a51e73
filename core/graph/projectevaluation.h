#pragma once

// What evaluating a project's program needs from the project: a dataset's examples (its
// input_keys marked, or the program's inputs) and a metric (a builtin kind with its field, or a
// JavaScript file relative to the project), as `dspy-run evaluate --project` takes them.
// Reads files: call it off the GUI thread.

#include "evaluate/metric.h"
#include "graph/projectfile.h"

namespace dspy {

struct ProjectEvaluation
{
    QString datasetName;
    QString metricName; // the project metric's name, or the builtin's
    QString goldField;  // the field compared (a JavaScript metric: the first non-reasoning output)
    QList<Example> devset;
    Metric metric;
};

// `dataset` / `metric` name the project's entries; empty: the first one. Without a project
// metric: exact_match on the program's first output that is not "reasoning". Errors name the
// dataset file and line, the metric's script and line, or the missing entry.
Expected<ProjectEvaluation, QString>
loadProjectEvaluation(const Project& project, const QString& projectPath, const QString& program,
                      const QString& dataset = {}, const QString& metric = {});

} // namespace dspy
