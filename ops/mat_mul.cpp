// MatMul (opsets 1, 9, 13): numpy matmul; a 1-D A is a row and a 1-D B a
// column (the added dim is dropped again), leading dims are broadcast batches.
#include <algorithm>

#include "ops/common/gemm.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

// Batch dims of an operand: all but its last two (none for rank 1 or 2).
template <class S>
S batch_dims(const S& shape) {
  return S(shape.begin(), shape.end() - static_cast<std::ptrdiff_t>(std::min<size_t>(shape.size(), 2)));
}

SymShape matmul_shape(const SymShape& a, const SymShape& b) {
  if (a.empty() || b.empty()) throw Error("inputs must have rank >= 1, got scalars");
  const Dim& k_a = a.back();
  const Dim& k_b = b.size() == 1 ? b[0] : b[b.size() - 2];
  if (k_a.is_known() && k_b.is_known() && k_a.value != k_b.value)
    throw Error("inner dimensions differ: A " + sym_shape_str(a) + ", B " + sym_shape_str(b));
  SymShape out = broadcast_shapes(batch_dims(a), batch_dims(b));
  if (a.size() >= 2) out.push_back(a[a.size() - 2]);
  if (b.size() >= 2) out.push_back(b.back());
  return out;
}

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 2);
  const ShapeInput& a = required_input(inputs, 0, "A");
  const ShapeInput& b = required_input(inputs, 1, "B");
  const DType dtype = common_dtype(inputs, kGemmTypes);
  if (!a.type.shape || !b.type.shape) return {ValueType{dtype, std::nullopt}};
  return {ValueType{dtype, matmul_shape(*a.type.shape, *b.type.shape)}};
}

void run(const Node&, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Shape& a_shape = in[0]->shape();
  const Shape& b_shape = in[1]->shape();
  const int64_t m = a_shape.size() >= 2 ? a_shape[a_shape.size() - 2] : 1;
  const int64_t k = a_shape.back();
  const int64_t n = b_shape.size() >= 2 ? b_shape.back() : 1;
  // The output's leading dims are the broadcast batch; each batch index
  // maps to one M x K matrix of A and one K x N matrix of B.
  const Shape& out_shape = out[0]->shape();
  const size_t matrix_dims = (a_shape.size() >= 2) + (b_shape.size() >= 2);
  const Shape batch(out_shape.begin(), out_shape.end() - static_cast<std::ptrdiff_t>(matrix_dims));
  const std::vector<int64_t> strides[2] = {broadcast_strides(batch_dims(a_shape), batch),
                                           broadcast_strides(batch_dims(b_shape), batch)};
  dispatch_gemm(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* a = in[0]->data<T>();
    const T* b = in[1]->data<T>();
    T* y = out[0]->data<T>();
    for_each_broadcast(batch, strides, [&](int64_t o, const int64_t* off) {
      gemm<T>(false, false, m, n, k, T(1), a + off[0] * m * k, b + off[1] * k * n, T(0), y + o * m * n);
    });
  });
}

}  // namespace

extern const OpSchema kMatMulOp{"", "MatMul", 1, infer, run, fast_or_reference<fast_mat_mul, run>};

}  // namespace xenc
