// Gemm (opsets 1, 6, 7, 9, 11, 13): Y = alpha * op(A) * op(B) + beta * C,
// op transposing when transA/transB is set, C optional and broadcast
// unidirectionally to (M, N). The `broadcast` attribute of opsets 1-6 is
// accepted and ignored: a C valid without broadcasting broadcasts trivially.
#include "ops/common/gemm.h"
#include "ops/common/shape_util.h"
#include "ops/fast/fast_kernels.h"

namespace xenc {
namespace {

std::vector<ValueType> infer(const Node& node, std::span<const ShapeInput> inputs) {
  expect_input_count(node, inputs, 2, 3);
  const ShapeInput& a = required_input(inputs, 0, "A");
  const ShapeInput& b = required_input(inputs, 1, "B");
  const bool has_c = inputs.size() == 3 && inputs[2].present;
  const DType dtype = common_dtype(inputs, kGemmTypes);
  if (!a.type.shape || !b.type.shape) return {ValueType{dtype, unknown_dims(2)}};
  const SymShape& as = *a.type.shape;
  const SymShape& bs = *b.type.shape;
  if (as.size() != 2 || bs.size() != 2)
    throw Error("A and B must be 2-D, got " + sym_shape_str(as) + " and " + sym_shape_str(bs));
  const bool trans_a = node.attr_int("transA", 0) != 0;
  const bool trans_b = node.attr_int("transB", 0) != 0;
  const Dim m = as[trans_a ? 1 : 0], k_a = as[trans_a ? 0 : 1];
  const Dim k_b = bs[trans_b ? 1 : 0], n = bs[trans_b ? 0 : 1];
  if (k_a.is_known() && k_b.is_known() && k_a.value != k_b.value)
    throw Error("inner dimensions differ: op(A) is " + m.str() + "x" + k_a.str() + ", op(B) is " + k_b.str() + "x" +
                n.str());
  const SymShape out = {m, n};
  if (has_c && inputs[2].type.shape) expect_broadcastable_to(*inputs[2].type.shape, out, "C");
  return {ValueType{dtype, out}};
}

void run(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const bool trans_a = node.attr_int("transA", 0) != 0;
  const bool trans_b = node.attr_int("transB", 0) != 0;
  const Tensor* c = in.size() == 3 ? in[2] : nullptr;
  Tensor& y = *out[0];
  const int64_t m = y.dim(0), n = y.dim(1);
  const int64_t k = in[0]->dim(trans_a ? 0 : 1);
  dispatch_gemm(y.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T alpha = static_cast<T>(node.attr_float("alpha", 1.0f));
    // Without C the product is written over Y, as with beta = 0.
    const T beta = c ? static_cast<T>(node.attr_float("beta", 1.0f)) : T(0);
    T* py = y.data<T>();
    if (beta != T(0)) {
      const T* pc = c->data<T>();
      const std::vector<int64_t> strides[1] = {broadcast_strides(c->shape(), y.shape())};
      for_each_broadcast(y.shape(), strides, [&](int64_t o, const int64_t* off) { py[o] = pc[off[0]]; });
    }
    gemm<T>(trans_a, trans_b, m, n, k, alpha, in[0]->data<T>(), in[1]->data<T>(), beta, py);
  });
}

}  // namespace

extern const OpSchema kGemmOp{"", "Gemm", 1, infer, run, fast_or_reference<fast_gemm, run>};

}  // namespace xenc
