// MatMul: Y = A B (numpy matmul). dA = dY B^T and dB = A^T dY per batch
// matrix, summed over the batch dims broadcasting stretched.
#include <algorithm>

#include "ops/common/dispatch.h"
#include "ops/common/shape_util.h"
#include "trainer/gradients/gradient_util.h"
#include "trainer/gradients/products.h"

namespace xenc {
namespace {

// Operands as batches of matrices: a 1-D A is one row, a 1-D B one column.
struct MatrixView {
  Shape batch;
  int64_t rows, cols;
};

MatrixView matrix_view(const Shape& shape, bool is_a) {
  if (shape.size() == 1) return is_a ? MatrixView{{}, 1, shape[0]} : MatrixView{{}, shape[0], 1};
  return MatrixView{Shape(shape.begin(), shape.end() - 2), shape[shape.size() - 2], shape.back()};
}

template <class T>
std::vector<Gradient> backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  const Tensor& a = *args.inputs[0];
  const Tensor& b = *args.inputs[1];
  const Tensor& dy = *args.output_grads[0];
  const MatrixView va = matrix_view(a.shape(), true);
  const MatrixView vb = matrix_view(b.shape(), false);
  const int64_t m = va.rows, k = va.cols, n = vb.cols;

  // A weight (2-D B) under a stack of rows: all of A's rows are one M x K
  // matrix, so each gradient is one product.
  if (b.rank() == 2 && a.rank() >= 2) {
    const int64_t rows = a.numel() / std::max<int64_t>(k, 1);
    if (wants(args, 0)) {
      Tensor da(a.dtype(), a.shape());
      product<T>(false, true, rows, k, n, dy.data<T>(), b.data<T>(), da.data<T>(), false);
      grads[0] = dense_gradient(da);
    }
    if (wants(args, 1)) {
      Tensor db(b.dtype(), b.shape());
      product<T>(true, false, k, n, rows, a.data<T>(), dy.data<T>(), db.data<T>(), false);
      grads[1] = dense_gradient(db);
    }
    return grads;
  }

  // General case: the product per output batch index, into full-batch
  // gradients that are then summed down to each operand's batch shape.
  const Shape out_batch = Shape(dy.shape().begin(), dy.shape().end() - static_cast<std::ptrdiff_t>(
                                                                            (a.rank() >= 2) + (b.rank() >= 2)));
  const int64_t count = shape_numel(out_batch);
  const bool same_batches = va.batch == out_batch && vb.batch == out_batch;
  const auto full_shape = [&](const MatrixView& v) {
    Shape s = out_batch;
    s.push_back(v.rows);
    s.push_back(v.cols);
    return s;
  };
  const auto reshape_back = [](Tensor full, const Shape& batch, const MatrixView& v, const Shape& original) {
    Shape s = batch;
    s.push_back(v.rows);
    s.push_back(v.cols);
    return sum_to_shape(full, s).reshaped(original);
  };
  const std::vector<int64_t> strides[2] = {broadcast_strides(va.batch, out_batch), broadcast_strides(vb.batch, out_batch)};
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  const T* pdy = dy.data<T>();
  if (wants(args, 0)) {
    Tensor da(a.dtype(), full_shape(va));
    if (same_batches) {
      batched_product<T>(false, true, m, k, n, pdy, m * n, pb, k * n, da.data<T>(), m * k, count, false);
    } else {
      for_each_broadcast(out_batch, strides, [&](int64_t o, const int64_t* off) {
        product<T>(false, true, m, k, n, pdy + o * m * n, pb + off[1] * k * n, da.data<T>() + o * m * k, false);
      });
    }
    grads[0] = dense_gradient(reshape_back(da, va.batch, va, a.shape()));
  }
  if (wants(args, 1)) {
    Tensor db(b.dtype(), full_shape(vb));
    if (same_batches) {
      batched_product<T>(true, false, k, n, m, pa, m * k, pdy, m * n, db.data<T>(), k * n, count, false);
    } else {
      for_each_broadcast(out_batch, strides, [&](int64_t o, const int64_t* off) {
        product<T>(true, false, k, n, m, pa + off[0] * m * k, pdy + o * m * n, db.data<T>() + o * k * n, false);
      });
    }
    grads[1] = dense_gradient(reshape_back(db, vb.batch, vb, b.shape()));
  }
  return grads;
}

std::vector<Gradient> mat_mul_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads;
  dispatch_float(args.inputs[0]->dtype(), [&](auto tag) { grads = backward<typename decltype(tag)::type>(args); });
  return grads;
}

}  // namespace

extern const GradientRule kMatMulGradient{"", "MatMul", 0b11, mat_mul_backward};

}  // namespace xenc
