// The float row kernels for AVX2 + FMA: 8 lanes, tails through masked loads
// and stores. Compiled with -mavx2 -mfma (CMakeLists.txt).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "ops/x86/f32_row_math.h"

namespace xenc {
namespace {

struct Avx2 {
  using Vec = __m256;
  using Mask = __m256;  // all-ones lanes where a comparison holds
  static constexpr size_t kLanes = 8;

  // Lanes below `count` set, as maskload/maskstore want them.
  static __m256i first_lanes(size_t count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }

  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec set1(float f) { return _mm256_set1_ps(f); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
  static Vec load_first(const float* p, size_t count, float fill) {
    const __m256i lanes = first_lanes(count);
    return _mm256_blendv_ps(set1(fill), _mm256_maskload_ps(p, lanes), _mm256_castsi256_ps(lanes));
  }
  static void store_first(float* p, Vec v, size_t count) { _mm256_maskstore_ps(p, first_lanes(count), v); }

  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm256_sub_ps(a, b); }
  static Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
  static Vec div(Vec a, Vec b) { return _mm256_div_ps(a, b); }
  static Vec min(Vec a, Vec b) { return _mm256_min_ps(a, b); }
  static Vec max(Vec a, Vec b) { return _mm256_max_ps(a, b); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec fnmadd(Vec a, Vec b, Vec c) { return _mm256_fnmadd_ps(a, b, c); }

  static Vec abs(Vec v) { return _mm256_andnot_ps(set1(-0.0f), v); }
  static Vec copy_sign(Vec magnitude, Vec sign) {
    const Vec sign_bit = set1(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(sign_bit, magnitude), _mm256_and_ps(sign_bit, sign));
  }
  static Vec round(Vec v) { return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static Vec pow2(Vec k) {
    const __m256i biased = _mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(biased, 23));
  }

  static Mask less(Vec a, Vec b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static Vec select(Mask m, Vec if_true, Vec if_false) { return _mm256_blendv_ps(if_false, if_true, m); }

  static float reduce_add(Vec v) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
  }
  static float reduce_min(Vec v) {
    __m128 x = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_min_ps(x, _mm_movehl_ps(x, x));
    x = _mm_min_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
  }
  using IVec = __m256i;
  static IVec iset1(int32_t i) { return _mm256_set1_epi32(i); }
  static IVec load_ints(const int32_t* p, size_t count) {
    return count == kLanes ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))
                           : _mm256_maskload_epi32(p, first_lanes(count));
  }
  static IVec load_int8s(const int8_t* p, size_t count) {
    alignas(16) int8_t lanes[16] = {};
    if (count == kLanes) return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    for (size_t i = 0; i < count; ++i) lanes[i] = p[i];
    return _mm256_cvtepi8_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(lanes)));
  }
  static IVec isub(IVec a, IVec b) { return _mm256_sub_epi32(a, b); }
  static IVec imul(IVec a, IVec b) { return _mm256_mullo_epi32(a, b); }
  static Vec to_float(IVec v) { return _mm256_cvtepi32_ps(v); }
  static void store_bytes(uint8_t* p, Vec v, size_t count) {
    const __m256i words = _mm256_cvtps_epi32(v);
    const __m128i halves = _mm_packus_epi32(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
    const __m128i bytes = _mm_packus_epi16(halves, halves);
    if (count == kLanes) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(p), bytes);
      return;
    }
    alignas(16) uint8_t lanes[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), bytes);
    for (size_t i = 0; i < count; ++i) p[i] = lanes[i];
  }
  static float reduce_max(Vec v) {
    __m128 x = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_max_ps(x, _mm_movehl_ps(x, x));
    x = _mm_max_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
  }
};

}  // namespace

extern const F32RowKernels kF32RowKernelsAvx2 = f32_row_kernels_of<Avx2>();

}  // namespace xenc
