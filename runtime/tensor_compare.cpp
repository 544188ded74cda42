#include "runtime/tensor_compare.h"

#include <cmath>

#include "ops/common/dispatch.h"

namespace xenc {

namespace {
double as_double(const Tensor& t, int64_t i) {
  double v = 0;
  dispatch_any(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T x = static_cast<const T*>(t.raw())[i];
    if constexpr (std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>)
      v = to_float(x);
    else
      v = static_cast<double>(x);
  });
  return v;
}

bool is_floating(DType t) {
  return t == DType::kFloat || t == DType::kDouble || t == DType::kFloat16 || t == DType::kBFloat16;
}
}  // namespace

std::optional<std::string> compare_tensors(const Tensor& expected, const Tensor& actual, Tolerance tol) {
  if (expected.dtype() != actual.dtype())
    return "dtype " + dtype_name(actual.dtype()) + ", expected " + dtype_name(expected.dtype());
  if (expected.shape() != actual.shape())
    return "shape " + shape_str(actual.shape()) + ", expected " + shape_str(expected.shape());
  const bool floating = is_floating(expected.dtype());
  int64_t mismatches = 0, first = -1;
  double worst = 0;
  for (int64_t i = 0; i < expected.numel(); ++i) {
    const double e = as_double(expected, i), a = as_double(actual, i);
    bool ok;
    if (floating) {
      ok = (std::isnan(e) && std::isnan(a)) || e == a || std::fabs(a - e) <= tol.atol + tol.rtol * std::fabs(e);
      if (!std::isnan(e) && !std::isnan(a)) worst = std::max(worst, std::fabs(a - e));
    } else {
      ok = e == a;
    }
    if (!ok && mismatches++ == 0) first = i;
  }
  if (mismatches == 0) return std::nullopt;
  return std::to_string(mismatches) + " of " + std::to_string(expected.numel()) + " elements differ; first at " +
         std::to_string(first) + ": got " + std::to_string(as_double(actual, first)) + ", expected " +
         std::to_string(as_double(expected, first)) + " (max abs error " + std::to_string(worst) + ")";
}

}  // namespace xenc
