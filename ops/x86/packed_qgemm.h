// Integer products for int8 MatMuls: C (int32, M x N) = A (uint8, M x K) *
// B (int8, K x N), with B packed once into panels of 16 columns whose
// depth runs in groups of 4 (the operand layout of vpdpbusd): group g of
// panel p holds, column by column, B's 4 values of rows 4g..4g+3 (64
// bytes). Columns are zero-padded, so a panel is whole, and so is depth, to
// whole blocks of 64 (an AMX tile's depth: 16 groups of one panel make a
// tile, read in place).
//
// Integer sums are exact, so every path gives the same int32 results, and
// zero points and scales are the caller's (ops/fast/ applies them).
#pragma once

#include <cstdint>

#include "ops/common/isa.h"
#include "ops/x86/packed_gemm_block.h"

namespace xenc {

constexpr int64_t kQPanelWidth = 16;
constexpr int64_t kQDepthGroup = 4;
constexpr int64_t kQDepthBlock = 64;
// The deepest product whose results fit in int32: the kernel's sums
// (|qA qB| <= 255 * 128 per term) and the zero-point-corrected ones
// (|(qA - zA)(qB - zB)| <= 255 * 255).
constexpr int64_t kQgemmMaxDepth = 32768;

// Depth rounded up to whole blocks.
int64_t qgemm_padded_depth(int64_t k);
int64_t qgemm_panel_count(int64_t n);
// Bytes of B packed: panels x padded depth x 16.
int64_t qgemm_packed_bytes(int64_t k, int64_t n);

// Writes B (k x n int8, row-major, leading dimension n) in the packed layout.
void pack_qgemm_weights(const int8_t* b, int64_t k, int64_t n, int8_t* packed);

using PackedQgemmBlock = PackedGemmBlock<uint8_t, int8_t, int32_t>;  // A, B and C values

using PackedQgemmFn = void (*)(const PackedQgemmBlock& block);

// The paths: portable C++; AVX2 (uint8 and int8 widened to int16 for
// vpmaddwd, so no vpmaddubsw saturation); AVX-512 VNNI (vpdpbusd); AMX
// tiles (tdpbusd).
enum class QgemmPath { scalar, avx2, avx512_vnni, amx };

void packed_qgemm_scalar(const PackedQgemmBlock& block);
void packed_qgemm_avx2(const PackedQgemmBlock& block);
void packed_qgemm_avx512_vnni(const PackedQgemmBlock& block);
void packed_qgemm_amx(const PackedQgemmBlock& block);

bool qgemm_path_supported(QgemmPath path);
const char* qgemm_path_name(QgemmPath path);
// The kernel of `path`, which the CPU must support.
PackedQgemmFn packed_qgemm_kernel(QgemmPath path);
// The best path within selected_isa() (XENC_ISA=avx512 forces the VNNI
// path, XENC_ISA=avx2 the AVX2 one, XENC_ISA=scalar the portable one).
QgemmPath selected_qgemm_path();
PackedQgemmFn packed_qgemm_kernel();

}  // namespace xenc
