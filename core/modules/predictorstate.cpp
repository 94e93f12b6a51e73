#include "modules/predictorstate.h"

namespace dspy {

Signature PredictorState::apply(const Signature& base) const
{
    Signature s = instructions ? base.withInstructions(*instructions) : base;
    if (fieldText.isEmpty())
        return s;
    for (const Field& f : base.fields()) {
        auto it = fieldText.constFind(f.name);
        if (it == fieldText.cend())
            continue;
        Field updated = f;
        updated.prefix = it->prefix;
        updated.description = it->description;
        s = s.withUpdatedField(f.name, updated);
    }
    return s;
}

} // namespace dspy
