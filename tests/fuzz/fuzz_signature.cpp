// libFuzzer entry point for the signature grammar: Signature::parse and parseTypeAnnotation on
// arbitrary UTF-8. Beyond "no crash, no sanitizer report, no hang", every accepted signature
// must survive toString() -> parse unchanged, and every error must point inside the text.

#include "signature/signature.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void checkError(const dspy::SignatureError& e, qsizetype size)
{
    check(!e.message.isEmpty());
    check(e.position >= 0 && e.length >= 0 && e.position + e.length <= size);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));

    dspy::SignatureError error;
    const std::optional<dspy::Signature> sig = dspy::Signature::parse(text, {}, &error);
    if (sig) {
        const QString printed = sig->toString();
        dspy::SignatureError again;
        const std::optional<dspy::Signature> round = dspy::Signature::parse(printed, {}, &again);
        check(round.has_value());
        check(round->equals(*sig));
        check(round->toString() == printed);
        // Everything an adapter asks of the types must be computable.
        for (const dspy::Field& f : sig->fields()) {
            (void)f.type.displayName();
            (void)f.type.outputHint();
        }
        (void)sig->instructions();
    } else {
        checkError(error, text.size());
    }

    dspy::SignatureError typeError;
    const std::optional<dspy::TypeSpec> type = dspy::parseTypeAnnotation(text, &typeError);
    if (type) {
        const std::optional<dspy::TypeSpec> round = dspy::parseTypeAnnotation(type->annotation());
        check(round.has_value() && *round == *type);
    } else {
        checkError(typeError, text.size());
    }

    (void)dspy::cleandoc(text);
    (void)dspy::inferPrefix(text);
    return 0;
}
