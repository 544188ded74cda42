// Which kernels OpenBLAS runs. It picks them from the CPU model once, while
// the library loads, and a release older than the CPU falls back to its SSE3
// kernels ("Prescott"): Debian 12's OpenBLAS 0.3.21 does so on Sapphire and
// Emerald Rapids, where its AVX-512 kernels are 2-3x faster. The variable
// OPENBLAS_CORETYPE overrides the choice, but only when set before the
// library loads, so the xenc command restarts itself with it set
// (tools/xenc/main.cpp); a program linking xenc sets it itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ops/common/isa.h"

namespace xenc {

// The OPENBLAS_CORETYPE to ask for when OpenBLAS runs `current_core`'s
// kernels, older than AVX2, on a CPU that supports `best` ("SkylakeX" for
// AVX-512, "Haswell" for AVX2); nullopt when its kernels use AVX2 or more,
// or the CPU has neither.
std::optional<std::string> blas_core_for(std::string_view current_core, Isa best);

// The kernels OpenBLAS chose in this process (openblas_get_corename()).
std::string blas_core();

// blas_core_for(blas_core(), the CPU's best Isa), or nullopt when
// OPENBLAS_CORETYPE is already set (the user's choice, or a restart's).
std::optional<std::string> better_blas_core();

}  // namespace xenc
