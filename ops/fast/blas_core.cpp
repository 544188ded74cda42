#include "ops/fast/blas_core.h"

#include <cblas.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace xenc {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// OpenBLAS's x86-64 core names (lower case) whose sgemm uses AVX-512, and those using AVX2 + FMA.
constexpr std::array<std::string_view, 3> kAvx512Cores = {"skylakex", "cooperlake", "sapphirerapids"};
constexpr std::array<std::string_view, 3> kAvx2Cores = {"haswell", "zen", "excavator"};

bool one_of(const auto& names, const std::string& core) { return std::ranges::find(names, core) != names.end(); }

}  // namespace

std::optional<std::string> blas_core_for(std::string_view current_core, Isa best) {
  // OpenBLAS's own choice stands once it uses AVX2 (on AMD's AVX-512 CPUs it picks Zen's AVX2 kernels).
  const std::string core = lower(current_core);
  if (one_of(kAvx512Cores, core) || one_of(kAvx2Cores, core)) return std::nullopt;
  if (best >= Isa::avx512) return "SkylakeX";
  if (best >= Isa::avx2) return "Haswell";
  return std::nullopt;
}

std::string blas_core() { return openblas_get_corename(); }

std::optional<std::string> better_blas_core() {
  if (std::getenv("OPENBLAS_CORETYPE")) return std::nullopt;
  return blas_core_for(blas_core(), cpu_features().best);
}

}  // namespace xenc
