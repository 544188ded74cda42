#include <gtest/gtest.h>

#include "ops/fast/blas_core.h"

namespace xenc {
namespace {

TEST(BlasCore, KernelsOlderThanAvx2AreReplacedByTheCpusBest) {
  EXPECT_EQ(blas_core_for("Prescott", Isa::amx), "SkylakeX");
  EXPECT_EQ(blas_core_for("Prescott", Isa::avx512), "SkylakeX");
  EXPECT_EQ(blas_core_for("Sandybridge", Isa::avx2), "Haswell");
  EXPECT_EQ(blas_core_for("Nehalem", Isa::avx2), "Haswell");
}

TEST(BlasCore, Avx2OrBetterKernelsStand) {
  EXPECT_EQ(blas_core_for("SkylakeX", Isa::avx512), std::nullopt);
  EXPECT_EQ(blas_core_for("COOPERLAKE", Isa::amx), std::nullopt);
  EXPECT_EQ(blas_core_for("Haswell", Isa::avx512), std::nullopt);
  EXPECT_EQ(blas_core_for("Zen", Isa::avx512), std::nullopt);  // AMD's AVX-512 CPUs: OpenBLAS's choice
}

TEST(BlasCore, CpusWithoutAvx2KeepWhatOpenBlasChose) {
  EXPECT_EQ(blas_core_for("Prescott", Isa::scalar), std::nullopt);
  EXPECT_EQ(blas_core_for("Nehalem", Isa::scalar), std::nullopt);
}

}  // namespace
}  // namespace xenc
