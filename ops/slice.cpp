// Slice (opsets 1, 10, 11, 13): data[starts:ends:steps] on the given axes,
// with negative positions counted from the end and clamped as the spec says
// (attributes starts/ends/axes before opset 10, inputs with steps from 10).
#include <algorithm>
#include <limits>

#include "ops/common/data_movement.h"
#include "ops/common/shape_util.h"
#include "ops/common/slice_axis.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

// Exporters write INT64_MAX or INT32_MAX for "to the end"; no real dim reaches that.
bool runs_to_end(int64_t end) { return end >= std::numeric_limits<int32_t>::max(); }

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  const bool args_are_inputs = node.opset >= 10;
  expect_input_count(node, inputs, args_are_inputs ? 3 : 1, args_are_inputs ? 5 : 1);
  const ShapeInput& data = required_input(inputs, 0, "data");
  expect_storable(data, "data");
  const Tensor* tensors[4] = {};
  bool args_known = true;
  if (args_are_inputs) {
    static const char* const kNames[4] = {"starts", "ends", "axes", "steps"};
    for (size_t i = 0; i < 4; ++i) {
      const size_t k = i + 1;
      if (i < 2) required_input(inputs, k, kNames[i]);
      if (k >= inputs.size() || !inputs[k].present) continue;
      expect_dtype(inputs[k], {DType::kInt32, DType::kInt64}, kNames[i]);
      const DType want = inputs[1].type.dtype;
      if (want != DType::kUndefined && inputs[k].type.dtype != DType::kUndefined && inputs[k].type.dtype != want)
        throw Error(std::string("'") + kNames[i] + "' and 'starts' have different dtypes");
      tensors[i] = inputs[k].value;
      args_known = args_known && tensors[i];
    }
  }
  const DType dtype = data.type.dtype;
  if (!data.type.shape) return {ValueType{dtype, std::nullopt}};
  SymShape out = *data.type.shape;
  const auto rank = static_cast<int64_t>(out.size());
  if (!args_known) return {ValueType{dtype, unknown_dims(rank)}};
  const SliceArgs args = read_slice_args(node, tensors);
  const std::vector<int64_t> axes = normalize_axes(args.axes, rank);
  for (size_t i = 0; i < axes.size(); ++i) {
    Dim& dim = out[static_cast<size_t>(axes[i])];
    if (dim.is_known()) {
      dim = Dim::known(resolve_slice_axis(args.starts[i], args.ends[i], args.steps[i], dim.value).length);
    } else if (!(args.starts[i] == 0 && args.steps[i] == 1 && runs_to_end(args.ends[i]))) {
      dim = Dim::unknown();
    }
  }
  return {ValueType{dtype, out}};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& data = *in[0];
  const Tensor* tensors[4] = {};
  for (size_t i = 0; i < 4 && i + 1 < in.size(); ++i) tensors[i] = in[i + 1];
  const SliceArgs args = read_slice_args(node, tensors);
  const std::vector<int64_t> axes = normalize_axes(args.axes, data.rank());
  // Sliced axes start somewhere and stride by step; the others are taken whole.
  const std::vector<int64_t> in_strides = row_major_strides(data.shape());
  std::vector<int64_t> strides = in_strides;
  int64_t base = 0;
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto axis = static_cast<size_t>(axes[i]);
    const SliceAxis r = resolve_slice_axis(args.starts[i], args.ends[i], args.steps[i], data.shape()[axis]);
    base += r.start * in_strides[axis];
    strides[axis] = r.step * in_strides[axis];
  }
  strided_copy(data, base, strides, *out[0]);
}

}  // namespace

extern const OpSchema kSliceOp{"", "Slice", 1, infer, run, fast_or_reference<fast_slice, run>};

}  // namespace xenc
