#include "ops/common/isa.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace xenc {
namespace {

TEST(Isa, NamesRoundTrip) {
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::amx}) EXPECT_EQ(parse_isa(isa_name(isa)), isa);
  EXPECT_EQ(parse_isa("AVX2"), std::nullopt);
  EXPECT_EQ(parse_isa("avx512f"), std::nullopt);
  EXPECT_EQ(parse_isa(""), std::nullopt);
}

// CPUID + XGETBV agree with the compiler's own detection.
TEST(Isa, DetectionAgreesWithCompilerBuiltins) {
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  EXPECT_EQ(isa_supported(Isa::avx2), avx2);
  EXPECT_EQ(isa_supported(Isa::avx512), avx512);
  EXPECT_EQ(cpu_features().avx512_vnni, avx512 && __builtin_cpu_supports("avx512vnni"));
  EXPECT_TRUE(isa_supported(Isa::scalar));
  EXPECT_EQ(isa_supported(Isa::amx), cpu_features().amx);
}

// The kernel's flags of the first CPU in /proc/cpuinfo ("" where there is none).
std::string proc_cpuinfo_flags() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("flags", 0) == 0) return line + " ";
  return "";
}

// AMX (which the compilers' builtins do not all know) against the kernel's
// own report; xenc may still go without it when the kernel refuses the
// tile state to this process.
TEST(Isa, AmxOnlyWhereTheKernelReportsIt) {
  const std::string flags = proc_cpuinfo_flags();
  if (flags.empty()) GTEST_SKIP() << "no /proc/cpuinfo flags to compare with";
  const auto has = [&](const char* flag) { return flags.find(std::string(" ") + flag + " ") != std::string::npos; };
  const bool reported = has("amx_tile") && has("amx_int8") && has("amx_bf16");
  EXPECT_TRUE(reported || !cpu_features().amx) << "xenc uses AMX the kernel does not report: " << flags;
}

TEST(Isa, SelectedIsSupported) { EXPECT_TRUE(isa_supported(selected_isa())); }

// Capped below amx (ctest's forced_isa tests), xenc neither uses the tiles
// nor asks the OS for them.
TEST(Isa, CapBelowAmxLeavesTheTilesAlone) {
  const char* forced = std::getenv("XENC_ISA");
  const std::optional<Isa> cap = forced ? parse_isa(forced) : std::nullopt;
  if (!cap || *cap == Isa::amx) GTEST_SKIP() << "XENC_ISA does not cap below amx";
  EXPECT_FALSE(cpu_features().amx);
  EXPECT_LE(selected_isa(), *cap);
}

}  // namespace
}  // namespace xenc
