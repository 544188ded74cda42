// The GELU activations of ONNX Runtime's contrib ops (Gelu, BiasGelu,
// FastGelu) as scalar rules, and the ShapeFn and KernelFn of
// y = rule(x + bias) with an optional 1-D bias.
#pragma once

#include <cmath>
#include <span>
#include <vector>

#include "graph/op_schema.h"
#include "ops/common/dispatch.h"
#include "ops/common/elementwise.h"

namespace xenc {

// x * Phi(x) with the exact normal CDF: 0.5 * x * (1 + erf(x / sqrt(2))).
struct ErfGelu {
  template <class T>
  T operator()(T x) const {
    const double v = x;
    return static_cast<T>(0.5 * v * (1.0 + std::erf(v * 0.70710678118654752440)));
  }
};

// The tanh approximation: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
struct TanhGelu {
  template <class T>
  T operator()(T x) const {
    const double v = x;
    return static_cast<T>(0.5 * v * (1.0 + std::tanh(0.79788456080286535588 * (v + 0.044715 * v * v * v))));
  }
};

// X and an optional 1-D bias (inputs `min_inputs` to 2); Y has the broadcast
// shape of the two (ONNX Runtime requires the bias length to be X's last
// dim, which gives X's shape; a last dim of 1 broadcasting to the bias is
// accepted as numpy would).
std::vector<ValueType> infer_bias_activation(std::span<const ShapeInput> inputs, size_t min_inputs);

// Y = Rule(X + bias), or Rule(X) without a bias.
template <class Rule>
void run_bias_activation(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  dispatch_float(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (in.size() < 2 || !in[1]) return unary_map<T, T>(*in[0], *out[0], Rule());
    binary_map<T, T, T>(*in[0], *in[1], *out[0], [](T x, T bias) { return Rule()(static_cast<T>(x + bias)); });
  });
}

}  // namespace xenc
