// bf16 products for bf16 MatMuls: C (float, M x N) = A (bf16, M x K) *
// B (bf16, K x N), bf16 held as its 16 bits (the upper half of a float's),
// with B packed once into panels of 16 columns whose depth runs in pairs
// (the operand layout of vdpbf16ps): pair g of panel p holds, column by
// column, B's 2 values of rows 2g and 2g + 1 (64 bytes). Columns are
// zero-padded, so a panel is whole, and so is depth, to whole blocks of 32
// (an AMX tile's depth: 16 pairs of one panel make a tile, read in place).
//
// Every path computes each element of C the same way, whichever tile, block
// or thread it falls in: from zero, over the pairs in increasing order,
// acc = fma(a[2g+1], b[2g+1], acc) and then acc = fma(a[2g], b[2g], acc),
// the order vdpbf16ps documents. A product of two bf16 values is exact in
// float, so each step rounds once, and the emulated paths (scalar, avx2,
// avx512) give the same bits. The native paths (avx512_bf16, amx) read
// denormal inputs as zero and flush denormal results, and a CPU may round
// inside a pair differently; they agree within the rounding of the sums.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ops/common/isa.h"
#include "ops/x86/packed_gemm_block.h"

namespace xenc {

constexpr int64_t kBPanelWidth = 16;
constexpr int64_t kBDepthPair = 2;
constexpr int64_t kBDepthBlock = 32;

// Depth rounded up to whole blocks.
int64_t bgemm_padded_depth(int64_t k);
int64_t bgemm_panel_count(int64_t n);
// bf16 values of B packed: panels x padded depth x 16.
int64_t bgemm_packed_elements(int64_t k, int64_t n);

// Writes B (k x n floats, row-major, leading dimension n) in the packed
// layout, rounded to bf16 (to nearest even).
void pack_bgemm_weights(const float* b, int64_t k, int64_t n, uint16_t* packed);
// The same from bf16 values already rounded (attention packs each head's
// operands at run time this way): B's rows k x n, ld apart; or B given
// transposed, as n rows of k values ld apart (keys, for scores Q K^T).
void pack_bgemm_rows(const uint16_t* b, int64_t ld, int64_t k, int64_t n, uint16_t* packed);
void pack_bgemm_transposed(const uint16_t* b_t, int64_t ld, int64_t k, int64_t n, uint16_t* packed);

using PackedBgemmBlock = PackedGemmBlock<uint16_t, uint16_t, float>;  // A, B and C values

using PackedBgemmFn = void (*)(const PackedBgemmBlock& block);
using Bf16ConvertFn = void (*)(const float* src, uint16_t* dst, size_t count);

// The paths: portable C++; AVX2 and AVX-512 widening bf16 to float (a
// shift by 16) for FMA; AVX-512 BF16 (vdpbf16ps); AMX tiles (tdpbf16ps).
enum class BgemmPath { scalar, avx2, avx512, avx512_bf16, amx };

void packed_bgemm_scalar(const PackedBgemmBlock& block);
void packed_bgemm_avx2(const PackedBgemmBlock& block);
void packed_bgemm_avx512(const PackedBgemmBlock& block);
void packed_bgemm_avx512_bf16(const PackedBgemmBlock& block);
void packed_bgemm_amx(const PackedBgemmBlock& block);

// Rounds floats to bf16, to nearest even, as to_bfloat16 (graph/dtype.h)
// does (NaN stays NaN, quieted). The portable one serves the emulated
// paths; avx512_bf16 and amx have vcvtne2ps2bf16.
void convert_to_bf16_scalar(const float* src, uint16_t* dst, size_t count);
void convert_to_bf16_avx512_bf16(const float* src, uint16_t* dst, size_t count);

bool bgemm_path_supported(BgemmPath path);
const char* bgemm_path_name(BgemmPath path);
// The kernel and the conversion of `path`, which the CPU must support.
PackedBgemmFn packed_bgemm_kernel(BgemmPath path);
Bf16ConvertFn bf16_converter(BgemmPath path);
// The best path within selected_isa() (XENC_ISA=avx512 forces the AVX-512
// BF16 path where there is one, XENC_ISA=avx2 the AVX2 one, XENC_ISA=scalar
// the portable one).
BgemmPath selected_bgemm_path();
PackedBgemmFn packed_bgemm_kernel();
// Rounds with the selected path's conversion.
void convert_to_bf16(const float* src, uint16_t* dst, size_t count);

}  // namespace xenc
