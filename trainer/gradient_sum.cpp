#include "trainer/gradient_sum.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "ops/common/dispatch.h"
#include "ops/fast/parallel.h"

namespace xenc {
namespace {

int64_t row_width(const RowGradient& r) {
  return r.rows.empty() ? 0 : r.values.numel() / static_cast<int64_t>(r.rows.size());
}

template <class T>
Tensor dense_sum(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape())
    throw Error("gradients of one value have shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()));
  Tensor sum(a.dtype(), a.shape());
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* ps = sum.data<T>();
  parallel_chunks(a.numel(), 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) ps[i] = pa[i] + pb[i];
  });
  return sum;
}

// dense + the rows, as a new tensor.
template <class T>
Tensor scatter_sum(const Tensor& dense, const RowGradient& rows) {
  Tensor sum = dense.clone();
  const int64_t width = row_width(rows);
  const T* v = rows.values.data<T>();
  T* ps = sum.data<T>();
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    T* row = ps + rows.rows[r] * width;
    const T* add = v + static_cast<int64_t>(r) * width;
    for (int64_t j = 0; j < width; ++j) row[j] += add[j];
  }
  return sum;
}

template <class T>
RowGradient concatenate(const RowGradient& a, const RowGradient& b) {
  const int64_t width = std::max(row_width(a), row_width(b));
  RowGradient out;
  out.rows = a.rows;
  out.rows.insert(out.rows.end(), b.rows.begin(), b.rows.end());
  out.values = Tensor(a.values.dtype(), {static_cast<int64_t>(out.rows.size()), width});
  std::memcpy(out.values.raw(), a.values.raw(), a.values.nbytes());
  std::memcpy(static_cast<char*>(out.values.raw()) + a.values.nbytes(), b.values.raw(), b.values.nbytes());
  return out;
}

}  // namespace

void add_gradient(Gradient& into, Gradient g) {
  if (!g.present()) return;
  if (!into.present()) {
    into = std::move(g);
    return;
  }
  const DType dtype = into.is_rows() ? into.by_rows.values.dtype() : into.dense.dtype();
  dispatch_float(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (!into.is_rows() && !g.is_rows()) {
      into.dense = dense_sum<T>(into.dense, g.dense);
    } else if (into.is_rows() && g.is_rows()) {
      into.by_rows = concatenate<T>(into.by_rows, g.by_rows);
    } else if (!into.is_rows()) {
      into.dense = scatter_sum<T>(into.dense, g.by_rows);
    } else {
      into = Gradient{scatter_sum<T>(g.dense, into.by_rows), {}};
    }
  });
}

Gradient coalesce_rows(const Gradient& g) {
  if (!g.is_rows()) return g;
  const RowGradient& in = g.by_rows;
  std::vector<size_t> order(in.rows.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::ranges::stable_sort(order, {}, [&](size_t i) { return in.rows[i]; });
  RowGradient out;
  for (size_t i : order)
    if (out.rows.empty() || out.rows.back() != in.rows[i]) out.rows.push_back(in.rows[i]);
  const int64_t width = row_width(in);
  out.values = Tensor(in.values.dtype(), {static_cast<int64_t>(out.rows.size()), width});
  dispatch_float(in.values.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* v = in.values.data<T>();
    T* o = out.values.data<T>();
    size_t slot = 0;
    for (size_t k = 0; k < order.size(); ++k) {
      if (k > 0 && in.rows[order[k]] != in.rows[order[k - 1]]) ++slot;
      const T* add = v + static_cast<int64_t>(order[k]) * width;
      T* row = o + static_cast<int64_t>(slot) * width;
      for (int64_t j = 0; j < width; ++j) row[j] += add[j];
    }
  });
  return Gradient{{}, std::move(out)};
}

}  // namespace xenc
