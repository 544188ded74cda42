#include "ops/common/shape_checks.h"

#include <string>

namespace xenc {

void expect_rank(const ShapeInput& in, size_t rank, const char* what) {
  if (in.present && in.type.shape && in.type.shape->size() != rank)
    throw Error(std::string(what) + " must be " + std::to_string(rank) + "-D, got shape " +
                sym_shape_str(*in.type.shape));
}

void expect_same_dim(const Dim& a, const Dim& b, const char* what) {
  if (a.is_known() && b.is_known() && a.value != b.value)
    throw Error(std::string(what) + ": " + std::to_string(a.value) + " vs " + std::to_string(b.value));
}

}  // namespace xenc
