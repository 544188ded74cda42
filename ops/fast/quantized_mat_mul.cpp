// QuantizedMatMul on the int8 GEMM kernels (ops/x86/packed_qgemm.h): A is
// quantized to uint8 by the row kernels in parallel, the integer product
// runs in the tasks of ops/fast/packed_product_split.h into a per-thread
// int32 block, and each block is dequantized (plus bias and GELU, in
// registers) while it is still in cache. The integer sums are exact and the
// dequantization is the reference kernel's expression, so both give the
// same floats (up to the vector GELU's rounding). A quantized output is
// quantized row by row as the next product would quantize the floats, so
// that linking two products changes no bits.
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

#include "ops/common/quantized_mat_mul_attributes.h"
#include "ops/fast/fast_kernels.h"
#include "ops/fast/packed_product_split.h"
#include "ops/fast/quantized_rows.h"
#include "ops/x86/f32_row_kernels.h"
#include "ops/x86/packed_qgemm.h"

namespace xenc {
namespace {

// A quantized to uint8, row by row, with each row's parameters and sum.
struct QuantizedRows {
  std::vector<uint8_t> values;  // m x k
  std::vector<Uint8Quantization> quantization;
  std::vector<int32_t> sums;
};

void quantize_rows(const float* a, int64_t m, int64_t k, const QuantizedMatMulAttributes& attributes,
                   QuantizedRows& rows) {
  const F32RowKernels& kernels = f32_row_kernels();
  rows.values.resize(static_cast<size_t>(m * k));
  rows.quantization.assign(static_cast<size_t>(m), attributes.a_fixed);
  rows.sums.resize(static_cast<size_t>(m));
  const auto each_row = [&](auto body) {
    parallel_chunks(m, k, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) body(i);
    });
  };
  const auto quantize = [&](int64_t i) {
    rows.sums[i] = static_cast<int32_t>(
        kernels.quantize_uint8(a + i * k, static_cast<size_t>(k), rows.quantization[i], rows.values.data() + i * k));
  };
  // Per row: each row's range, then the row at once, while it is in L1.
  if (attributes.a_mode == AQuantization::per_row) {
    each_row([&](int64_t i) {
      const QuantizedRow row = quantize_row_by_its_range(kernels, a + i * k, k, rows.values.data() + i * k);
      rows.quantization[i] = row.quantization;
      rows.sums[i] = row.sum;
    });
    return;
  }
  // Per tensor: the ranges of all rows, combined, before any row.
  if (attributes.a_mode == AQuantization::per_tensor) {
    std::vector<FloatRange> ranges(static_cast<size_t>(m));
    each_row([&](int64_t i) { ranges[i] = kernels.min_max(a + i * k, static_cast<size_t>(k)); });
    FloatRange all{0, 0};
    for (const FloatRange& r : ranges) all = {std::min(all.min, r.min), std::max(all.max, r.max)};
    std::fill(rows.quantization.begin(), rows.quantization.end(), dynamic_uint8_quantization(all.min, all.max));
  }
  each_row(quantize);
}

// QLinearMatMul's output levels, returned dequantized.
void requantize(float* y, size_t n, Uint8Quantization q) {
  for (size_t j = 0; j < n; ++j)
    y[j] = static_cast<float>(saturate_rounded<uint8_t>(y[j], q.zero_point) - q.zero_point) * q.scale;
}

}  // namespace

bool fast_quantized_mat_mul(const Node& node, std::span<const Tensor* const> in, std::span<Tensor* const> out) {
  const Tensor& a = *in[0];
  const QuantizedMatMulAttributes attributes = quantized_mat_mul_attributes(node);
  const int64_t k = a.shape().back(), n = attributes.n;
  if (k == 0) return false;
  if (out[0]->numel() == 0) return true;
  const int64_t m = a.numel() / k;
  const float* b_scale = in[2]->data<float>();
  const int32_t* b_sums = in[3]->data<int32_t>();
  const int8_t* b_zero = in.size() > 4 && in[4] ? in[4]->data<int8_t>() : nullptr;
  const float* bias = in.size() > 5 && in[5] ? in[5]->data<float>() : nullptr;
  // A already quantized per row (by the product before, output_quantization).
  const float* row_params = in.size() > kRowParamsInput && in[kRowParamsInput] ? in[kRowParamsInput]->data<float>() : nullptr;
  const bool gelu = attributes.gelu;
  // Y's column ranges, one per output.
  const int64_t whole_width[] = {n};
  const std::span<const int64_t> widths =
      attributes.output_widths.empty() ? std::span<const int64_t>(whole_width) : attributes.output_widths;

  // Kept by the calling thread for its next products, so that a run
  // allocates (and page-faults) these only while they grow; the tasks below
  // read it through this name (inside them, thread_local would mean each
  // worker's own). Isolated: while it waits for its tasks, the calling
  // thread takes no other task, which could be another product reusing
  // this buffer.
  thread_local QuantizedRows calling_thread_rows;
  QuantizedRows& rows = calling_thread_rows;
  tbb::this_task_arena::isolate([&] {
    if (!row_params) quantize_rows(a.data<float>(), m, k, attributes, rows);
    const uint8_t* a_values = row_params ? a.data<uint8_t>() : rows.values.data();
    // Row i's quantization and the sum of its values.
    const auto row_quantization = [&](int64_t i) {
      if (!row_params) return std::pair{rows.quantization[i], rows.sums[i]};
      const float* p = row_params + i * kRowParams;
      return std::pair{Uint8Quantization{p[0], static_cast<uint8_t>(p[1])}, static_cast<int32_t>(p[2])};
    };
    // A requantized output (QLinearMatMul's) needs sum * (sA * sB[j] / y_scale),
    // with sA fixed: the dequantize kernel computes it from sA = 1 and these.
    std::vector<float> multipliers;
    if (attributes.y) {
      for (int64_t j = 0; j < n; ++j) multipliers.push_back(attributes.a_fixed.scale * b_scale[j] / attributes.y->scale);
      b_scale = multipliers.data();
    }

    const PackedQgemmFn kernel = packed_qgemm_kernel();
    const PackedQgemmBlock whole{a_values, k, in[1]->data<int8_t>(), k, n, nullptr, 0, m, 0, in[1]->dim(0)};
    const F32RowKernels& kernels = f32_row_kernels();
    const auto task_body = [&](const PackedProductTask& task) {
      const int64_t first = task.first_panel * kQPanelWidth;
      const int64_t width = std::min(n, (task.first_panel + task.panels) * kQPanelWidth) - first;
      // The task's panels as a product of their own, written to `products`
      // a few tiles of rows at a time, which are dequantized while in L1.
      constexpr int64_t kRowsPerStep = 48;
      thread_local std::vector<int32_t> products;
      thread_local std::vector<float> float_row;  // a row of a quantized output, before its quantization
      products.resize(static_cast<size_t>(std::min(kRowsPerStep, task.rows) * width));
      if (attributes.quantized_output) float_row.resize(static_cast<size_t>(n));
      PackedQgemmBlock block = whole;
      block.packed += task.first_panel * qgemm_padded_depth(k) * kQPanelWidth;
      block.n = width;
      block.c = products.data();
      block.ldc = width;
      block.panels = task.panels;
      for (int64_t step = 0; step < task.rows; step += kRowsPerStep) {
        block.a = whole.a + (task.first_row + step) * k;
        block.rows = std::min(kRowsPerStep, task.rows - step);
        kernel(block);
        for (int64_t r = 0; r < block.rows; ++r) {
          const int64_t i = task.first_row + step + r;
          const auto [q, a_sum] = row_quantization(i);
          DequantizeRow row;
          row.gelu = gelu;
          row.a_zero = q.zero_point;
          row.a_offset = static_cast<int32_t>(a_sum - k * q.zero_point);
          row.a_scale = attributes.y ? 1.0f : q.scale;
          // The task's columns [first, first + width), output by output.
          int64_t output_first = 0;
          for (size_t o = 0; o < widths.size(); output_first += widths[o], ++o) {
            const int64_t begin = std::max(first, output_first);
            const int64_t end = std::min(first + width, output_first + widths[o]);
            if (begin >= end) continue;
            row.product = products.data() + r * width + (begin - first);
            row.b_sums = b_sums + begin;
            row.b_zero = b_zero ? b_zero + begin : nullptr;
            row.b_scale = b_scale + begin;
            row.bias = bias ? bias + begin : nullptr;
            row.y = attributes.quantized_output ? float_row.data()
                                                : out[o]->data<float>() + i * widths[o] + (begin - output_first);
            row.n = static_cast<size_t>(end - begin);
            kernels.dequantize(row);
            if (attributes.y) requantize(row.y, row.n, *attributes.y);
          }
          // The whole row (the task has every panel), quantized as the next
          // product's quantize_rows would quantize it.
          if (attributes.quantized_output)
            quantize_row_with_params(kernels, float_row.data(), n, out[0]->data<uint8_t>() + i * n,
                                     out[1]->data<float>() + i * kRowParams);
        }
      }
    };
    for_each_packed_product_task(m, whole.panels, k, m * n * k, task_body, attributes.quantized_output);
  });
  return true;
}

}  // namespace xenc
