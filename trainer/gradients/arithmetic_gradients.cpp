// Add, Sub, Mul, Div, Pow: broadcasting binary ops. Each input's gradient is
// computed at the output's shape, then summed down to the input's shape.
#include <cmath>

#include "ops/common/dispatch.h"
#include "ops/common/elementwise.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

// dY * f(a, b, y) at the output's shape, summed to input i's shape.
template <class T, class F>
Gradient chain(const BackwardArgs& args, size_t i, F local) {
  const Tensor& dy = *args.output_grads[0];
  const Tensor& a = *args.inputs[0];
  const Tensor& b = *args.inputs[1];
  Tensor full(dy.dtype(), dy.shape());
  binary_map<T, T, T>(a, b, full, local);  // the local derivative at each output element
  T* pf = full.data<T>();
  const T* pd = dy.data<T>();
  for (int64_t e = 0; e < dy.numel(); ++e) pf[e] *= pd[e];
  return dense_gradient(sum_to_shape(full, args.inputs[i]->shape()));
}

// dY (times a constant sign) summed to input i's shape.
template <class T>
Gradient pass_through(const BackwardArgs& args, size_t i, T sign) {
  const Tensor& dy = *args.output_grads[0];
  if (sign == T(1)) return dense_gradient(sum_to_shape(dy, args.inputs[i]->shape()));
  Tensor negated(dy.dtype(), dy.shape());
  const T* pd = dy.data<T>();
  T* pn = negated.data<T>();
  for (int64_t e = 0; e < dy.numel(); ++e) pn[e] = sign * pd[e];
  return dense_gradient(sum_to_shape(negated, args.inputs[i]->shape()));
}

template <class Rule>
std::vector<Gradient> dispatch(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  dispatch_float(args.output_grads[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (size_t i = 0; i < 2; ++i)
      if (wants(args, i)) grads[i] = Rule::template input_gradient<T>(args, i);
  });
  return grads;
}

struct Add {
  template <class T>
  static Gradient input_gradient(const BackwardArgs& args, size_t i) {
    return pass_through<T>(args, i, T(1));
  }
};
struct Sub {
  template <class T>
  static Gradient input_gradient(const BackwardArgs& args, size_t i) {
    return pass_through<T>(args, i, i == 0 ? T(1) : T(-1));
  }
};
struct Mul {
  // d(a b)/da = b, d(a b)/db = a.
  template <class T>
  static Gradient input_gradient(const BackwardArgs& args, size_t i) {
    if (i == 0) return chain<T>(args, i, [](T, T b) { return b; });
    return chain<T>(args, i, [](T a, T) { return a; });
  }
};
struct Div {
  // d(a / b)/da = 1 / b, d(a / b)/db = -a / b^2.
  template <class T>
  static Gradient input_gradient(const BackwardArgs& args, size_t i) {
    if (i == 0) return chain<T>(args, i, [](T, T b) { return T(1) / b; });
    return chain<T>(args, i, [](T a, T b) { return -a / (b * b); });
  }
};
struct Pow {
  // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b ln a (a > 0; 0 elsewhere, where
  // the real power is not differentiable in b).
  template <class T>
  static Gradient input_gradient(const BackwardArgs& args, size_t i) {
    if (i == 0) return chain<T>(args, i, [](T a, T b) { return b == T(0) ? T(0) : b * std::pow(a, b - T(1)); });
    return chain<T>(args, i, [](T a, T b) { return a > T(0) ? std::pow(a, b) * std::log(a) : T(0); });
  }
};

}  // namespace

extern const GradientRule kAddGradient{"", "Add", 0b11, dispatch<Add>};
extern const GradientRule kSubGradient{"", "Sub", 0b11, dispatch<Sub>};
extern const GradientRule kMulGradient{"", "Mul", 0b11, dispatch<Mul>};
extern const GradientRule kDivGradient{"", "Div", 0b11, dispatch<Div>};
extern const GradientRule kPowGradient{"", "Pow", 0b11, dispatch<Pow>};

}  // namespace xenc
