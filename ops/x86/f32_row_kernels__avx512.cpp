// The float row kernels for AVX-512 (F + DQ): 16 lanes, tails through
// mask registers. Compiled with -mavx512f -mavx512dq -mavx512bw -mavx512vl
// -mavx2 -mfma (CMakeLists.txt).
#include "ops/x86/avx512_intrinsics.h"

#include <cstddef>
#include <cstdint>

#include "ops/x86/f32_row_math.h"

namespace xenc {
namespace {

struct Avx512 {
  using Vec = __m512;
  using Mask = __mmask16;
  static constexpr size_t kLanes = 16;

  static Mask first_lanes(size_t count) { return static_cast<Mask>((1u << count) - 1u); }

  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec set1(float f) { return _mm512_set1_ps(f); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  // Masked-off lanes are neither read nor written (and cannot fault).
  static Vec load_first(const float* p, size_t count, float fill) {
    return _mm512_mask_loadu_ps(set1(fill), first_lanes(count), p);
  }
  static void store_first(float* p, Vec v, size_t count) { _mm512_mask_storeu_ps(p, first_lanes(count), v); }

  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm512_sub_ps(a, b); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static Vec div(Vec a, Vec b) { return _mm512_div_ps(a, b); }
  static Vec min(Vec a, Vec b) { return _mm512_min_ps(a, b); }
  static Vec max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec fnmadd(Vec a, Vec b, Vec c) { return _mm512_fnmadd_ps(a, b, c); }

  static Vec abs(Vec v) { return _mm512_abs_ps(v); }
  static Vec copy_sign(Vec magnitude, Vec sign) {
    const Vec sign_bit = set1(-0.0f);
    return _mm512_or_ps(_mm512_andnot_ps(sign_bit, magnitude), _mm512_and_ps(sign_bit, sign));
  }
  static Vec round(Vec v) { return _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static Vec pow2(Vec k) {
    const __m512i biased = _mm512_add_epi32(_mm512_cvtps_epi32(k), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(biased, 23));
  }

  static Mask less(Vec a, Vec b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static Vec select(Mask m, Vec if_true, Vec if_false) { return _mm512_mask_blend_ps(m, if_false, if_true); }

  static float reduce_add(Vec v) { return _mm512_reduce_add_ps(v); }
  static float reduce_min(Vec v) { return _mm512_reduce_min_ps(v); }
  static float reduce_max(Vec v) { return _mm512_reduce_max_ps(v); }
  using IVec = __m512i;
  static IVec iset1(int32_t i) { return _mm512_set1_epi32(i); }
  static IVec load_ints(const int32_t* p, size_t count) { return _mm512_maskz_loadu_epi32(first_lanes(count), p); }
  static IVec load_int8s(const int8_t* p, size_t count) {
    return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(first_lanes(count), p));
  }
  static IVec isub(IVec a, IVec b) { return _mm512_sub_epi32(a, b); }
  static IVec imul(IVec a, IVec b) { return _mm512_mullo_epi32(a, b); }
  static Vec to_float(IVec v) { return _mm512_cvtepi32_ps(v); }
  static void store_bytes(uint8_t* p, Vec v, size_t count) {
    _mm512_mask_cvtepi32_storeu_epi8(p, first_lanes(count), _mm512_cvtps_epi32(v));
  }
};

}  // namespace

extern const F32RowKernels kF32RowKernelsAvx512 = f32_row_kernels_of<Avx512>();

}  // namespace xenc
