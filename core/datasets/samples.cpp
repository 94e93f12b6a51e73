#include "datasets/samples.h"

#include <QHash>

namespace dspy::samples {

namespace {

const QList<SampleInfo>& all()
{
    static const QList<SampleInfo> infos = {
        {QStringLiteral("arithmetic"),
         QStringLiteral("question -> answer: int"),
         {QStringLiteral("question")},
         QStringLiteral("answer"),
         QStringLiteral("Synthetic arithmetic word problems with integer answers.")},
        {QStringLiteral("tickets"),
         QStringLiteral("ticket -> label: Literal['billing', 'technical', 'account', 'shipping', "
                        "'refund', 'other']"),
         {QStringLiteral("ticket")},
         QStringLiteral("label"),
         QStringLiteral("Synthetic support tickets to triage into six labels.")},
        {QStringLiteral("rag_qa"),
         QStringLiteral("context: list[str], question -> answer"),
         {QStringLiteral("question")},
         QStringLiteral("answer"),
         QStringLiteral("Synthetic questions over the bundled corpus of invented passages; the "
                        "answer is a span of the gold passage.")},
    };
    return infos;
}

} // namespace

QString resourcePath(const QString& file)
{
    return QStringLiteral(":/dspy/datasets/") + file;
}

QStringList names()
{
    QStringList out;
    for (const SampleInfo& i : all())
        out.append(i.name);
    return out;
}

std::optional<SampleInfo> info(const QString& name)
{
    for (const SampleInfo& i : all()) {
        if (i.name == name)
            return i;
    }
    return std::nullopt;
}

std::optional<Signature> signature(const QString& name)
{
    const auto i = info(name);
    if (!i)
        return std::nullopt;
    return Signature::parse(i->signature);
}

Expected<QList<Example>, DatasetError> load(const QString& name)
{
    const auto i = info(name);
    if (!i)
        return unexpected(DatasetError{
            QStringLiteral("unknown sample '%1' (known: %2)").arg(name, names().join(u", ")),
            0,
            {}});
    LoadOptions options;
    options.inputKeys = i->inputs;
    return loadJsonl(resourcePath(name + QStringLiteral(".jsonl")), options);
}

Expected<QList<Example>, DatasetError> corpus()
{
    return loadJsonl(resourcePath(QStringLiteral("corpus.jsonl")));
}

Expected<QList<Example>, DatasetError> withGoldContext(const QList<Example>& ragExamples)
{
    auto passages = corpus();
    if (!passages)
        return unexpected(passages.error());
    QHash<QString, QString> textById;
    for (const Example& p : *passages)
        textById.insert(p.get(u"id").toString(), p.get(u"text").toString());
    QList<Example> out;
    out.reserve(ragExamples.size());
    for (qsizetype n = 0; n < ragExamples.size(); ++n) {
        const Example& e = ragExamples[n];
        Array context;
        for (const Value& id : e.get(u"gold_passage_ids").toArray()) {
            const auto it = textById.constFind(id.toString());
            if (it == textById.constEnd())
                return unexpected(DatasetError{
                    QStringLiteral("example %1: column 'gold_passage_ids': no passage '%2' in the "
                                   "corpus")
                        .arg(n + 1)
                        .arg(id.toString()),
                    0, QStringLiteral("gold_passage_ids")});
            context.append(*it);
        }
        Object o{{QStringLiteral("context"), Value(std::move(context))}};
        for (const auto& [k, v] : e.store()) {
            if (k != u"context")
                o.insert(k, v);
        }
        out.append(Example(std::move(o))
                       .withInputs({QStringLiteral("context"), QStringLiteral("question")}));
    }
    return out;
}

} // namespace dspy::samples
