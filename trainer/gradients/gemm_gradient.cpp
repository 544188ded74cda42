// Gemm: Y = alpha op(A) op(B) + beta C, op(A) [M,K], op(B) [K,N].
//   d op(A) = alpha dY op(B)^T, so dA = alpha dY op(B)^T, or its transpose
//   alpha op(B) dY^T under transA; likewise d op(B) = alpha op(A)^T dY, so
//   dB = alpha op(A)^T dY, or alpha dY^T op(A) under transB.
//   dC = beta dY summed over the dims C was broadcast along.
#include "ops/common/dispatch.h"
#include "trainer/gradients/gradient_util.h"
#include "trainer/gradients/products.h"

namespace xenc {
namespace {

// t * factor, or t itself when the factor is 1.
template <class T>
Tensor times(const Tensor& t, T factor) {
  if (factor == T(1)) return t;
  Tensor out(t.dtype(), t.shape());
  const T* in = t.data<T>();
  T* o = out.data<T>();
  for (int64_t e = 0; e < t.numel(); ++e) o[e] = in[e] * factor;
  return out;
}

template <class T>
std::vector<Gradient> backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  const Node& node = args.node;
  const Tensor& a = *args.inputs[0];
  const Tensor& b = *args.inputs[1];
  const Tensor& dy = *args.output_grads[0];
  const bool trans_a = node.attr_int("transA", 0) != 0;
  const bool trans_b = node.attr_int("transB", 0) != 0;
  const int64_t m = dy.dim(0), n = dy.dim(1);
  const int64_t k = a.dim(trans_a ? 0 : 1);
  if (wants(args, 0) || wants(args, 1)) {
    const Tensor g = times(dy, static_cast<T>(node.attr_float("alpha", 1.0f)));  // alpha dY
    const T* pg = g.data<T>();
    if (wants(args, 0)) {
      Tensor da(a.dtype(), a.shape());
      if (trans_a) {
        product<T>(trans_b, true, k, m, n, b.data<T>(), pg, da.data<T>(), false);
      } else {
        product<T>(false, !trans_b, m, k, n, pg, b.data<T>(), da.data<T>(), false);
      }
      grads[0] = dense_gradient(da);
    }
    if (wants(args, 1)) {
      Tensor db(b.dtype(), b.shape());
      if (trans_b) {
        product<T>(true, trans_a, n, k, m, pg, a.data<T>(), db.data<T>(), false);
      } else {
        product<T>(!trans_a, false, k, n, m, a.data<T>(), pg, db.data<T>(), false);
      }
      grads[1] = dense_gradient(db);
    }
  }
  if (wants(args, 2))
    grads[2] = dense_gradient(
        times(sum_to_shape(dy, args.inputs[2]->shape()), static_cast<T>(node.attr_float("beta", 1.0f))));
  return grads;
}

std::vector<Gradient> gemm_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads;
  dispatch_float(args.output_grads[0]->dtype(), [&](auto tag) { grads = backward<typename decltype(tag)::type>(args); });
  return grads;
}

}  // namespace

extern const GradientRule kGemmGradient{"", "Gemm", 0b111, gemm_backward};

}  // namespace xenc
