#include "ops/common/elementwise.h"

namespace xenc {

const std::initializer_list<DType> kFloatTypes = {DType::kFloat, DType::kDouble};
const std::initializer_list<DType> kNumericTypes = {DType::kFloat, DType::kDouble, DType::kInt8,   DType::kUint8,
                                                    DType::kInt16, DType::kUint16, DType::kInt32,  DType::kUint32,
                                                    DType::kInt64, DType::kUint64};
const std::initializer_list<DType> kSignedTypes = {DType::kFloat, DType::kDouble, DType::kInt8,
                                                   DType::kInt16, DType::kInt32,  DType::kInt64};
const std::initializer_list<DType> kOrderedTypes = {DType::kFloat, DType::kDouble, DType::kInt8,    DType::kUint8,
                                                    DType::kInt16, DType::kUint16, DType::kInt32,   DType::kUint32,
                                                    DType::kInt64, DType::kUint64, DType::kFloat16, DType::kBFloat16};
const std::initializer_list<DType> kStoredTypes = {DType::kFloat, DType::kDouble, DType::kInt8,    DType::kUint8,
                                                   DType::kInt16, DType::kUint16, DType::kInt32,   DType::kUint32,
                                                   DType::kInt64, DType::kUint64, DType::kFloat16, DType::kBFloat16,
                                                   DType::kBool};
const std::initializer_list<DType> kBoolTypes = {DType::kBool};

std::vector<ValueType> infer_unary(std::span<const ShapeInput> inputs, std::initializer_list<DType> allowed) {
  if (inputs.size() != 1) throw Error("expects 1 input, got " + std::to_string(inputs.size()));
  const ShapeInput& x = required_input(inputs, 0, "X");
  expect_dtype(x, allowed, "X");
  return {x.type};
}

std::vector<ValueType> infer_broadcast(std::span<const ShapeInput> inputs, std::initializer_list<DType> allowed,
                                       DType out_dtype) {
  DType dtype = DType::kUndefined;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ShapeInput& in = required_input(inputs, i, "operand");
    expect_dtype(in, allowed, "operand");
    if (in.type.dtype == DType::kUndefined) continue;
    if (dtype != DType::kUndefined && in.type.dtype != dtype)
      throw Error("operands have different dtypes: " + dtype_name(dtype) + " and " + dtype_name(in.type.dtype));
    dtype = in.type.dtype;
  }
  return {ValueType{out_dtype == DType::kUndefined ? dtype : out_dtype, broadcast_inputs(inputs)}};
}

int64_t repeated_block(const Shape& x, const Shape& out) {
  size_t lead = 0;
  while (lead < x.size() && x[lead] == 1) ++lead;
  const size_t kept = x.size() - lead;
  if (kept > out.size() || !std::equal(x.begin() + static_cast<std::ptrdiff_t>(lead), x.end(),
                                       out.end() - static_cast<std::ptrdiff_t>(kept)))
    return 0;
  const int64_t block = shape_numel(x);
  return block > 0 && shape_numel(out) % block == 0 ? block : 0;
}

}  // namespace xenc
