// ShapeFn checks of the contrib ops, whose inputs have fixed ranks and
// dims that must agree.
#pragma once

#include <cstddef>

#include "graph/op_schema.h"

namespace xenc {

// Throws unless `in` has rank `rank` (when present and its shape is known).
void expect_rank(const ShapeInput& in, size_t rank, const char* what);
// Throws "what: a vs b" when both dims are known and differ.
void expect_same_dim(const Dim& a, const Dim& b, const char* what);

}  // namespace xenc
