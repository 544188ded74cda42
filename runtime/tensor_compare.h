// Element-wise comparison of a computed tensor against a reference, with the
// tolerance rule |actual - expected| <= atol + rtol * |expected| for floats
// (NaN equals NaN) and exact equality otherwise.
#pragma once

#include <optional>
#include <string>

#include "graph/tensor.h"

namespace xenc {

struct Tolerance {
  double atol = 1e-7;
  double rtol = 1e-3;
};

// nullopt when equal within tolerance; otherwise what differs first and the largest error.
std::optional<std::string> compare_tensors(const Tensor& expected, const Tensor& actual, Tolerance tol);

}  // namespace xenc
