#include "retrieve/retriever.h"

namespace dspy {

Retriever::~Retriever() = default;

} // namespace dspy
