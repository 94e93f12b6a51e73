// libFuzzer entry point for the lenient readers of LM output: repairJson, pythonLiteral,
// parseValue over several field types, and the three adapters' parse of a fixed signature.
// Any crash, sanitizer report or hang is a bug; results are only checked for self-consistency.

#include "adapters/chatadapter.h"
#include "adapters/jsonadapter.h"
#include "adapters/jsonrepair.h"
#include "adapters/parsevalue.h"
#include "adapters/xmladapter.h"
#include "signature/signature.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

const QList<dspy::TypeSpec>& fuzzTypes()
{
    using dspy::TypeSpec;
    static const QList<TypeSpec> types = {
        TypeSpec::integer(),
        TypeSpec::floating(),
        TypeSpec::boolean(),
        TypeSpec::any(),
        TypeSpec::list(TypeSpec::str()),
        TypeSpec::dict(TypeSpec::integer(), TypeSpec::list(TypeSpec::floating())),
        TypeSpec::tuple({TypeSpec::integer(), TypeSpec::str()}),
        TypeSpec::literal({dspy::Value("yes"), dspy::Value(2)}),
        TypeSpec::optional(TypeSpec::integer()),
        TypeSpec::unionOf({TypeSpec::integer(), TypeSpec::list(TypeSpec::str())}),
    };
    return types;
}

const dspy::Signature& fuzzSignature()
{
    static const dspy::Signature sig =
        dspy::Signature::fromString(u"question -> answer: int, tags: list[str], ok: bool");
    return sig;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));

    const dspy::Value repaired = dspy::repairJson(text);
    (void)repaired.toJson();
    if (auto lit = dspy::pythonLiteral(text))
        (void)lit->toPythonRepr();

    for (const dspy::TypeSpec& type : fuzzTypes()) {
        const auto parsed = dspy::parseValue(text, type);
        // A parsed value must itself be valid for its type.
        if (parsed && !dspy::validateValue(parsed.value(), type))
            std::abort();
    }

    static const dspy::ChatAdapter chat(false);
    static const dspy::JSONAdapter json;
    static const dspy::XMLAdapter xml;
    (void)chat.parse(fuzzSignature(), text);
    (void)json.parse(fuzzSignature(), text);
    (void)xml.parse(fuzzSignature(), text);
    return 0;
}
