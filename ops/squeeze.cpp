// Squeeze (opsets 1, 11, 13): removes the size-1 dims named by `axes`
// (attribute before opset 13, optional input from it), or every size-1 dim.
#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::optional<SymShape> squeezed_shape(const SymShape& in, const std::vector<int64_t>* axes) {
  std::vector<bool> squeezed(in.size(), false);
  if (axes) {
    for (int64_t a : normalize_axes(*axes, static_cast<int64_t>(in.size()))) {
      const Dim& d = in[static_cast<size_t>(a)];
      if (d.is_known() && d.value != 1)
        throw Error("cannot squeeze axis " + std::to_string(a) + " of size " + std::to_string(d.value) +
                    " in shape " + sym_shape_str(in));
      squeezed[static_cast<size_t>(a)] = true;
    }
  } else {
    for (size_t i = 0; i < in.size(); ++i) {
      // A symbolic dim might be 1 or not: the output rank is unknown.
      if (!in[i].is_known()) return std::nullopt;
      squeezed[i] = in[i].value == 1;
    }
  }
  SymShape out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!squeezed[i]) out.push_back(in[i]);
  }
  return out;
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  return infer_axes_edit(node, inputs, /*axes_required=*/false, /*rank_change_per_axis=*/-1, squeezed_shape);
}

}  // namespace

extern const OpSchema kSqueezeOp{"", "Squeeze", 1, infer, copy_first_input};

}  // namespace xenc
