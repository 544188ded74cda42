// The element-wise unary ops: dX = dY * f'(x). Where f' is cheaper from the
// forward output y = f(x) than from x, the rule reads y.
#include <cmath>
#include <numbers>

#include "ops/common/dispatch.h"
#include "ops/fast/parallel.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

// Each op's f'(x) given x and y = f(x).
struct Erf {
  // d erf(x)/dx = 2 / sqrt(pi) e^(-x^2).
  template <class T>
  static T derivative(T x, T) {
    return T(2) * std::numbers::inv_sqrtpi_v<T> * std::exp(-x * x);
  }
};
struct Tanh {
  template <class T>
  static T derivative(T, T y) {
    return T(1) - y * y;
  }
};
struct Sqrt {
  // d sqrt(x)/dx = 1 / (2 sqrt(x)).
  template <class T>
  static T derivative(T, T y) {
    return T(0.5) / y;
  }
};
struct Sigmoid {
  template <class T>
  static T derivative(T, T y) {
    return y * (T(1) - y);
  }
};
struct Relu {
  // 0 at x = 0, where Relu has no derivative (the subgradient PyTorch picks).
  template <class T>
  static T derivative(T x, T) {
    return x > T(0) ? T(1) : T(0);
  }
};
struct Neg {
  template <class T>
  static T derivative(T, T) {
    return T(-1);
  }
};
struct Exp {
  template <class T>
  static T derivative(T, T y) {
    return y;
  }
};
struct Reciprocal {
  // d(1/x)/dx = -1/x^2 = -y^2.
  template <class T>
  static T derivative(T, T y) {
    return -y * y;
  }
};
struct Log {
  template <class T>
  static T derivative(T x, T) {
    return T(1) / x;
  }
};
struct Abs {
  // sign(x), 0 at x = 0.
  template <class T>
  static T derivative(T x, T) {
    return x > T(0) ? T(1) : x < T(0) ? T(-1) : T(0);
  }
};

template <class Op>
std::vector<Gradient> unary_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& x = *args.inputs[0];
  const Tensor& y = *args.outputs[0];
  const Tensor& dy = *args.output_grads[0];
  Tensor dx(dy.dtype(), x.shape());
  dispatch_float(dy.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = x.data<T>();
    const T* py = y.data<T>();
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    // Work per element: a multiply, or a few operations more where f' has an exp.
    parallel_chunks(dx.numel(), 8, [&](int64_t begin, int64_t end) {
      for (int64_t e = begin; e < end; ++e) pdx[e] = pdy[e] * Op::derivative(px[e], py[e]);
    });
  });
  grads[0] = dense_gradient(dx);
  return grads;
}

}  // namespace

extern const GradientRule kErfGradient{"", "Erf", 0b1, unary_backward<Erf>};
extern const GradientRule kTanhGradient{"", "Tanh", 0b1, unary_backward<Tanh>};
extern const GradientRule kSqrtGradient{"", "Sqrt", 0b1, unary_backward<Sqrt>};
extern const GradientRule kSigmoidGradient{"", "Sigmoid", 0b1, unary_backward<Sigmoid>};
extern const GradientRule kReluGradient{"", "Relu", 0b1, unary_backward<Relu>};
extern const GradientRule kNegGradient{"", "Neg", 0b1, unary_backward<Neg>};
extern const GradientRule kExpGradient{"", "Exp", 0b1, unary_backward<Exp>};
extern const GradientRule kReciprocalGradient{"", "Reciprocal", 0b1, unary_backward<Reciprocal>};
extern const GradientRule kLogGradient{"", "Log", 0b1, unary_backward<Log>};
extern const GradientRule kAbsGradient{"", "Abs", 0b1, unary_backward<Abs>};

}  // namespace xenc
