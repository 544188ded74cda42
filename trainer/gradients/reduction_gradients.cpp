// ReduceSum and ReduceMean: every input element reaches exactly one output
// element, once, so dX is dY broadcast back over the folded dims, divided by
// the number of elements folded into each output for the mean.
#include "ops/common/dispatch.h"
#include "ops/common/reduce.h"
#include "ops/common/shape_util.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

template <int AxesInputSince, bool kMean>
std::vector<Gradient> reduce_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& x = *args.inputs[0];
  const Tensor& dy = *args.output_grads[0];
  const std::vector<bool> reduced = reduced_dims(args.node, args.inputs, AxesInputSince);
  // dY seen with keepdims (1 on each folded dim, which does not move its
  // elements) broadcasts to X's shape.
  Shape kept = x.shape();
  int64_t count = 1;
  for (size_t d = 0; d < kept.size(); ++d) {
    if (!reduced[d]) continue;
    count *= kept[d];
    kept[d] = 1;
  }
  const std::vector<int64_t> strides[1] = {broadcast_strides(kept, x.shape())};
  Tensor dx(dy.dtype(), x.shape());
  dispatch_float(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T scale = kMean ? T(1) / static_cast<T>(count) : T(1);
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    for_each_broadcast(x.shape(), strides, [&](int64_t i, const int64_t* off) { pdx[i] = pdy[off[0]] * scale; });
  });
  grads[0] = dense_gradient(dx);
  return grads;
}

}  // namespace

// The opsets from which `axes` is an input rather than an attribute.
extern const GradientRule kReduceSumGradient{"", "ReduceSum", 0b1, reduce_backward<13, false>};
extern const GradientRule kReduceMeanGradient{"", "ReduceMean", 0b1, reduce_backward<18, true>};

}  // namespace xenc
