// MatMulInteger (opset 10): Y = (A - a_zero_point) x (B - b_zero_point) as
// int32, numpy matmul broadcasting. A and B are uint8 or int8 (each its own);
// the optional zero points have their operand's dtype and are one value, one
// per row of A ([M] for a 2-D A, [..., M, 1]) or one per column of B ([N],
// [..., 1, N]). Sums wrap modulo 2^32 (ops/common/quantize.h).
#include "ops/common/quantize.h"
#include "ops/fast/fast_kernels.h"
#include "ops/common/shape_util.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 4);
  const ShapeInput& a = required_input(inputs, 0, "A");
  const ShapeInput& b = required_input(inputs, 1, "B");
  expect_dtype(a, kQuantizedTypes, "A");
  expect_dtype(b, kQuantizedTypes, "B");
  if (inputs.size() > 2) {
    expect_zero_point_dtype(inputs[2], a.type.dtype, "a_zero_point", "A");
    expect_matmul_param(inputs[2], a, MatMulSide::kRowsOfA, "a_zero_point");
  }
  if (inputs.size() > 3) {
    expect_zero_point_dtype(inputs[3], b.type.dtype, "b_zero_point", "B");
    expect_matmul_param(inputs[3], b, MatMulSide::kColumnsOfB, "b_zero_point");
  }
  if (!a.type.shape || !b.type.shape) return {ValueType{DType::kInt32, std::nullopt}};
  return {ValueType{DType::kInt32, matmul_result_shape(*a.type.shape, *b.type.shape)}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const MatMulViews views = matmul_views(*in[0], *in[1]);
  Tensor acc = out[0]->reshaped(views.result);
  integer_product(views, in.size() > 2 ? in[2] : nullptr, in.size() > 3 ? in[3] : nullptr, acc);
}

}  // namespace

extern const OpSchema kMatMulIntegerOp{"", "MatMulInteger", 10, infer, run, fast_or_reference<fast_mat_mul_integer, run>};

}  // namespace xenc
