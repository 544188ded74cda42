#include "ops/common/convert.h"

#include "ops/common/elementwise.h"

namespace xenc {

void convert_tensor(const Tensor& in, Tensor& out) {
  dispatch_any(in.dtype(), [&](auto from_tag) {
    using From = typename decltype(from_tag)::type;
    dispatch_any(out.dtype(), [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      unary_map<From, To>(in, out, convert_value<To, From>);
    });
  });
}

}  // namespace xenc
