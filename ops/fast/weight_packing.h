// Sessions that use the fast kernels rewrite each float MatMul whose B is a
// 2-D initializer into xenc's PackedMatMul (ops/packed_mat_mul.cpp), with B
// packed once here instead of by every call. The packed copy replaces the
// original unless something else still reads it (then both stay). A GELU
// (com.microsoft Gelu or BiasGelu) that alone reads the product's output
// is folded in (PackedMatMul's bias input and activation attribute).
#pragma once

#include "graph/ir.h"
#include "graph/op_schema.h"

namespace xenc {

// Returns true when it rewrote anything. Has the signature of a graph pass.
bool pack_mat_mul_weights(Graph& graph, const OpResolver& ops);

}  // namespace xenc
