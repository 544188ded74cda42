// Which vector instruction set the fast kernels use. Detected once from
// CPUID plus XGETBV (the CPU having AVX-512 is not enough: the OS must also
// save the wider register state across context switches), then capped by
// the environment variable XENC_ISA=scalar|avx2|avx512|amx to force a
// slower path for comparisons. Tests call each ISA's kernels directly.
#pragma once

#include <optional>
#include <string_view>

namespace xenc {

// Ordered from least to most capable; a CPU supporting one supports those before it.
enum class Isa {
  scalar,  // portable C++, the exact fallback
  avx2,    // AVX2 + FMA
  avx512,  // AVX-512 F + BW + DQ + VL
  amx,     // avx512 plus AMX tiles for int8 and bf16 products (the vector kernels stay avx512's)
};

struct CpuFeatures {
  Isa best = Isa::scalar;    // the most capable Isa the CPU and OS support
  bool avx512_vnni = false;  // vpdpbusd on 512-bit registers (int8 GEMM)
  bool avx_vnni = false;     // vpdpbusd on 256-bit registers, VEX encoded
  bool avx512_bf16 = false;  // vdpbf16ps (bf16 GEMM)
  // AMX-TILE, -INT8 and -BF16, their tile state saved by the OS, and this
  // process granted its use (Linux asks each process to request it; xenc
  // asks unless XENC_ISA is set below amx, and is false then).
  bool amx = false;
};

// Read once, on first use.
const CpuFeatures& cpu_features();

// cpu_features().best, lowered to XENC_ISA when that is set. An invalid
// XENC_ISA is reported once on stderr and otherwise ignored.
Isa selected_isa();

// True when this CPU (and OS) can run code compiled for `isa`.
bool isa_supported(Isa isa);

const char* isa_name(Isa isa);
std::optional<Isa> parse_isa(std::string_view name);

}  // namespace xenc
