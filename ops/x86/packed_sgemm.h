// Float products against a weight matrix packed once, when a session is
// built: C = A * B with B (K x N) stored as panels of 16 columns, each
// panel K rows of 16 consecutive floats, the last one zero-padded. The
// kernels read A in place (rows of K floats, lda apart) and stream each
// panel from cache once per block of rows.
//
// Every element of C is one sum over k in increasing order, started from
// zero, whichever tile, block or thread computes it: results do not depend
// on M, on the row or panel range a call covers, or on the thread count.
// So a whole batch is one product, and equal sequences still get equal bits.
#pragma once

#include <cstdint>

#include "ops/common/isa.h"
#include "ops/x86/packed_gemm_block.h"

namespace xenc {

constexpr int64_t kPackedPanelWidth = 16;

int64_t packed_panel_count(int64_t n);

// Writes B (k x n, row-major, leading dimension n) as packed_panel_count(n)
// panels of k x kPackedPanelWidth floats.
void pack_sgemm_weights(const float* b, int64_t k, int64_t n, float* packed);
// The same for any layout: element (p, j) of B is b[p * row_stride + j * column_stride]
// (attention packs K^T and V of one head this way).
void pack_sgemm_panels(const float* b, int64_t row_stride, int64_t column_stride, int64_t k, int64_t n,
                       float* packed);

using PackedSgemmBlock = PackedGemmBlock<float, float, float>;  // A, B and C values

using PackedSgemmFn = void (*)(const PackedSgemmBlock& block);

// The kernel of each ISA (packed_sgemm__<isa>.cpp).
void packed_sgemm_scalar(const PackedSgemmBlock& block);
void packed_sgemm_avx2(const PackedSgemmBlock& block);
void packed_sgemm_avx512(const PackedSgemmBlock& block);

// The kernel for `isa`, which the CPU must support (isa_supported).
PackedSgemmFn packed_sgemm_kernel(Isa isa);
// The kernel for selected_isa().
PackedSgemmFn packed_sgemm_kernel();

}  // namespace xenc
