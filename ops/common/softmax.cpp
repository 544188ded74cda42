#include "ops/common/softmax.h"

#include <algorithm>
#include <cmath>

#include "ops/common/elementwise.h"

namespace xenc {
namespace {

// The normalised axis; before opset 13 it may equal the rank (one element per row).
int64_t softmax_axis(const Node& node, int64_t rank) {
  if (node.opset >= 13) return normalize_axis(node.attr_int("axis", -1), rank);
  const int64_t axis = node.attr_int("axis", 1);
  if (axis < -rank || axis > rank)
    throw Error("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

template <class T>
void softmax_slices(const SoftmaxLayout& layout, const T* x, T* y, bool log) {
  if (layout.n == 0) return;
  for (int64_t o = 0; o < layout.outer; ++o) {
    for (int64_t i = 0; i < layout.inner; ++i) {
      const int64_t base = o * layout.n * layout.inner + i;
      const auto at = [&](int64_t j) { return base + j * layout.inner; };
      double max = x[at(0)];
      for (int64_t j = 1; j < layout.n; ++j) max = std::max<double>(max, x[at(j)]);
      double sum = 0;
      for (int64_t j = 0; j < layout.n; ++j) sum += std::exp(x[at(j)] - max);
      const double log_sum = std::log(sum);
      for (int64_t j = 0; j < layout.n; ++j) {
        const double shifted = x[at(j)] - max;
        y[at(j)] = static_cast<T>(log ? shifted - log_sum : std::exp(shifted) / sum);
      }
    }
  }
}

// Writes softmax(x), or log(softmax(x)) computed as x - max - log(sum exp(x - max)).
void softmax_tensor(const Node& node, const Tensor& in, Tensor& out, bool log) {
  const SoftmaxLayout layout = softmax_layout(node, in.shape());
  dispatch_float(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    softmax_slices(layout, in.data<T>(), out.data<T>(), log);
  });
}

}  // namespace

SoftmaxLayout softmax_layout(const Node& node, const Shape& shape) {
  const size_t axis = static_cast<size_t>(softmax_axis(node, static_cast<int64_t>(shape.size())));
  SoftmaxLayout layout;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (d < axis) {
      layout.outer *= shape[d];
    } else if (d == axis || node.opset < 13) {
      layout.n *= shape[d];
    } else {
      layout.inner *= shape[d];
    }
  }
  return layout;
}

std::vector<ValueType> infer_softmax(const Node& node, std::span<const ShapeInput> inputs) {
  std::vector<ValueType> out = infer_unary(inputs, kFloatTypes);
  if (out[0].shape) softmax_axis(node, static_cast<int64_t>(out[0].shape->size()));
  return out;
}

void run_softmax(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs) {
  softmax_tensor(node, *inputs[0], *outputs[0], /*log=*/false);
}

void run_log_softmax(const Node& node, std::span<const Tensor* const> inputs, std::span<Tensor* const> outputs) {
  softmax_tensor(node, *inputs[0], *outputs[0], /*log=*/true);
}

}  // namespace xenc
