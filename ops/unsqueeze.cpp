// Unsqueeze (opsets 1, 11, 13): inserts size-1 dims at `axes`, positions in
// the output (attribute before opset 13, required input from it).
#include "ops/common/data_movement.h"

namespace xenc {
namespace {

std::optional<SymShape> unsqueezed_shape(const SymShape& in, const std::vector<int64_t>* axes) {
  const auto out_rank = static_cast<int64_t>(in.size() + axes->size());
  std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
  for (int64_t a : normalize_axes(*axes, out_rank)) inserted[static_cast<size_t>(a)] = true;
  SymShape out;
  auto next_input_dim = in.begin();
  for (size_t i = 0; i < inserted.size(); ++i) out.push_back(inserted[i] ? Dim::known(1) : *next_input_dim++);
  return out;
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  return infer_axes_edit(node, inputs, /*axes_required=*/true, /*rank_change_per_axis=*/1, unsqueezed_shape);
}

}  // namespace

extern const OpSchema kUnsqueezeOp{"", "Unsqueeze", 1, infer, copy_first_input};

}  // namespace xenc
