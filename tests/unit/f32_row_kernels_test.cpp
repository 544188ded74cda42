// Every vector table of ops/x86/f32_row_kernels.h against the exact scalar
// one, on sizes below, at and above the vector widths (8 and 16 lanes), with
// a guard band after each output that must stay untouched; and the error
// bounds f32_row_math.h states, against double-precision libm.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fusion_test_util.h"
#include "ops/x86/f32_row_kernels.h"

namespace xenc {
namespace {

constexpr size_t kSizes[] = {1, 7, 15, 16, 17, 31, 33, 384, 1000};
constexpr size_t kGuard = 32;
constexpr float kSentinel = -12345.5f;

std::vector<float> random_values(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// An output of n values followed by kGuard sentinels.
struct Output {
  explicit Output(size_t size) : n(size), data(size + kGuard, kSentinel) {}
  float* get() { return data.data(); }
  // Fails when anything past the n values was written.
  void expect_guard_intact(const std::string& what) const {
    for (size_t i = n; i < data.size(); ++i) ASSERT_EQ(data[i], kSentinel) << what << ": wrote past the end at " << i;
  }
  std::vector<float> values() const { return {data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n)}; }
  size_t n;
  std::vector<float> data;
};

void expect_close(const std::string& what, const std::vector<float>& got, const std::vector<float>& want, double atol,
                  double rtol) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    const double tol = atol + rtol * std::fabs(want[i]);
    ASSERT_NEAR(got[i], want[i], tol) << what << ", element " << i << " of " << got.size();
  }
}

class F32RowKernelsTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isa_supported(GetParam())) GTEST_SKIP() << isa_name(GetParam()) << " is not supported by this CPU";
  }
  const F32RowKernels& vec() const { return f32_row_kernels(GetParam()); }
  static const F32RowKernels& exact() { return f32_row_kernels(Isa::scalar); }
  static std::string label(const char* kernel, size_t n) { return std::string(kernel) + " n=" + std::to_string(n); }
};

SoftmaxRow softmax_row(const float* x, float* y, size_t n) {
  SoftmaxRow row;
  row.x = x;
  row.y = y;
  row.n = n;
  return row;
}

TEST_P(F32RowKernelsTest, SoftmaxMatchesScalar) {
  for (size_t n : kSizes) {
    std::vector<float> x = random_values(n, -10, 10, static_cast<unsigned>(n));
    x[n / 2] = 80;                        // the shift by the maximum keeps exp finite
    if (n > 2) x[n - 1] = -10000;         // an attention-masked key
    if (n > 3) x[0] = -std::numeric_limits<float>::infinity();
    Output want(n), got(n);
    exact().softmax(softmax_row(x.data(), want.get(), n));
    vec().softmax(softmax_row(x.data(), got.get(), n));
    got.expect_guard_intact(label("softmax", n));
    expect_close(label("softmax", n), got.values(), want.values(), 1e-9, 2e-6);
    if (n > 3) {
      EXPECT_EQ(got.values()[0], 0.0f);
    }
    // In place.
    vec().softmax(softmax_row(x.data(), x.data(), n));
    expect_close(label("softmax in place", n), x, want.values(), 1e-9, 2e-6);
  }
}

// Attention's form: softmax(scale * x + bias) with a mask in the bias, for
// either sign of scale, normalized or not (the returned 1 / sum completes
// the weights then).
TEST_P(F32RowKernelsTest, ScaledBiasedSoftmaxMatchesScalar) {
  for (size_t n : kSizes) {
    const std::vector<float> x = random_values(n, -40, 40, static_cast<unsigned>(n));
    std::vector<float> bias = random_values(n, -2, 2, static_cast<unsigned>(n + 7));
    if (n > 2) bias[n - 2] = -10000;  // a masked key
    for (float scale : {0.17677669f, -0.5f}) {
      for (const float* b : {static_cast<const float*>(nullptr), static_cast<const float*>(bias.data())}) {
        const std::string what = label("scaled softmax", n) + " scale " + std::to_string(scale) + (b ? " with bias" : "");
        Output want(n), got(n);
        SoftmaxRow row = softmax_row(x.data(), want.get(), n);
        row.scale = scale;
        row.bias = b;
        const float want_inv_sum = exact().softmax(row);
        row.y = got.get();
        EXPECT_NEAR(vec().softmax(row), want_inv_sum, 1e-6 * want_inv_sum) << what;
        got.expect_guard_intact(what);
        expect_close(what, got.values(), want.values(), 1e-9, 2e-6);

        Output unnormalized(n);
        row.y = unnormalized.get();
        row.normalize = false;
        const float inv_sum = vec().softmax(row);
        EXPECT_NEAR(inv_sum, want_inv_sum, 1e-6 * want_inv_sum) << what << " (unnormalized)";
        unnormalized.expect_guard_intact(what + " (unnormalized)");
        std::vector<float> weights = unnormalized.values();
        for (float& w : weights) w *= inv_sum;
        expect_close(what + " (unnormalized)", weights, want.values(), 1e-9, 2e-6);
      }
    }
  }
}

TEST_P(F32RowKernelsTest, LayerNormMatchesScalar) {
  for (size_t n : kSizes) {
    // A mean far from zero relative to the spread: a one-pass variance
    // (E[x^2] - E[x]^2 in float) would be off by percents here.
    const std::vector<float> x = random_values(n, 999, 1001, static_cast<unsigned>(n));
    const std::vector<float> skip = random_values(n, -1, 1, static_cast<unsigned>(n + 1));
    const std::vector<float> bias = random_values(n, -0.5f, 0.5f, static_cast<unsigned>(n + 2));
    const std::vector<float> gamma = random_values(n, 0.5f, 1.5f, static_cast<unsigned>(n + 3));
    const std::vector<float> beta = random_values(n, -0.2f, 0.2f, static_cast<unsigned>(n + 4));
    struct Variant {
      const char* name;
      bool skip, bias, beta, sum;
    };
    for (const Variant& v : {Variant{"layernorm", false, false, true, false}, Variant{"no beta", false, false, false, false},
                             Variant{"skip", true, false, true, false}, Variant{"bias", false, true, true, true},
                             Variant{"skip bias sum", true, true, true, true}}) {
      const std::string what = label(v.name, n);
      Output want(n), got(n), want_sum(n), got_sum(n);
      LayerNormRow row;
      row.x = x.data();
      row.skip = v.skip ? skip.data() : nullptr;
      row.bias = v.bias ? bias.data() : nullptr;
      row.gamma = gamma.data();
      row.beta = v.beta ? beta.data() : nullptr;
      row.n = n;
      row.epsilon = 1e-12f;
      row.y = want.get();
      row.sum = v.sum ? want_sum.get() : nullptr;
      const LayerNormStats want_stats = exact().layernorm(row);
      row.y = got.get();
      row.sum = v.sum ? got_sum.get() : nullptr;
      const LayerNormStats got_stats = vec().layernorm(row);
      got.expect_guard_intact(what);
      got_sum.expect_guard_intact(what + " sum");
      expect_close(what, got.values(), want.values(), 2e-4, 0);
      if (v.sum) expect_close(what + " sum", got_sum.values(), want_sum.values(), 0, 1e-7);
      EXPECT_NEAR(got_stats.mean, want_stats.mean, 1e-4) << what;
      if (n > 1) {
        EXPECT_NEAR(got_stats.inv_std_dev, want_stats.inv_std_dev, 2e-4 * want_stats.inv_std_dev) << what;
      }
    }
  }
}

TEST_P(F32RowKernelsTest, GeluMatchesScalar) {
  for (size_t n : kSizes) {
    const std::vector<float> x = random_values(n, -8, 8, static_cast<unsigned>(n));
    const std::vector<float> bias = random_values(n, -1, 1, static_cast<unsigned>(n + 1));
    for (bool tanh_form : {false, true}) {
      const auto vec_gelu = tanh_form ? vec().gelu_tanh : vec().gelu;
      const auto exact_gelu = tanh_form ? exact().gelu_tanh : exact().gelu;
      for (const float* b : {static_cast<const float*>(nullptr), bias.data()}) {
        const std::string what = label(tanh_form ? "gelu_tanh" : "gelu", n) + (b ? " with bias" : "");
        Output want(n), got(n);
        exact_gelu(x.data(), b, want.get(), n);
        vec_gelu(x.data(), b, got.get(), n);
        got.expect_guard_intact(what);
        expect_close(what, got.values(), want.values(), 1e-6, 1e-6);
      }
    }
  }
}

TEST_P(F32RowKernelsTest, ErfAndTanhMatchScalar) {
  for (size_t n : kSizes) {
    const std::vector<float> x = random_values(n, -5, 5, static_cast<unsigned>(n));
    for (bool is_erf : {true, false}) {
      const std::string what = label(is_erf ? "erf" : "tanh", n);
      Output want(n), got(n);
      (is_erf ? exact().erf : exact().tanh)(x.data(), want.get(), n);
      (is_erf ? vec().erf : vec().tanh)(x.data(), got.get(), n);
      got.expect_guard_intact(what);
      expect_close(what, got.values(), want.values(), 1e-30, 4e-7);
    }
  }
}

// The bounds stated in f32_row_math.h, on a dense sweep.
TEST_P(F32RowKernelsTest, ErfTanhGeluWithinStatedBounds) {
  constexpr size_t kPoints = 400001;
  std::vector<float> x(kPoints);
  for (size_t i = 0; i < kPoints; ++i) x[i] = -10.0f + 20.0f * static_cast<float>(i) / (kPoints - 1);
  std::vector<float> y(kPoints);
  double worst_erf = 0, worst_tanh = 0, worst_gelu = 0;
  vec().erf(x.data(), y.data(), kPoints);
  for (size_t i = 0; i < kPoints; ++i)
    if (x[i] != 0) worst_erf = std::max(worst_erf, std::fabs(y[i] - std::erf(double{x[i]})) / std::fabs(std::erf(double{x[i]})));
  vec().tanh(x.data(), y.data(), kPoints);
  for (size_t i = 0; i < kPoints; ++i)
    if (x[i] != 0) worst_tanh = std::max(worst_tanh, std::fabs(y[i] - std::tanh(double{x[i]})) / std::fabs(std::tanh(double{x[i]})));
  vec().gelu(x.data(), nullptr, y.data(), kPoints);
  for (size_t i = 0; i < kPoints; ++i) {
    const double z = x[i];
    worst_gelu = std::max(worst_gelu, std::fabs(y[i] - 0.5 * z * (1 + std::erf(z * M_SQRT1_2))));
  }
  EXPECT_LE(worst_erf, 2.1e-7);
  EXPECT_LE(worst_tanh, 1.7e-7);
  EXPECT_LE(worst_gelu, 3.8e-7);
}

TEST_P(F32RowKernelsTest, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> x = {inf, -inf, nan, 0.0f, -0.0f, 1e-30f, -1e-30f};
  std::vector<float> y(x.size());
  vec().erf(x.data(), y.data(), x.size());
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], -1.0f);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], 0.0f);
  EXPECT_TRUE(std::signbit(y[4]));
  EXPECT_FLOAT_EQ(y[5], 1.1283791e-30f);
  vec().tanh(x.data(), y.data(), x.size());
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], -1.0f);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], 0.0f);
  EXPECT_FLOAT_EQ(y[6], -1e-30f);
}

TEST_P(F32RowKernelsTest, MinMaxMatchesScalarAndSkipsNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (size_t n : {1, 7, 8, 15, 16, 17, 33, 384}) {
    std::vector<float> x = test::pseudo_random(n, static_cast<uint32_t>(n));
    x[n / 2] = nan;  // NaN at the start, middle or end of a vector: skipped
    const FloatRange got = vec().min_max(x.data(), n), want = exact().min_max(x.data(), n);
    EXPECT_EQ(got.min, want.min) << label("min", n);
    EXPECT_EQ(got.max, want.max) << label("max", n);
    if (n > 1) {
      EXPECT_FALSE(std::isnan(got.min)) << label("min", n);
    }
  }
  const std::vector<float> all_nan(5, nan);
  const FloatRange empty = vec().min_max(all_nan.data(), all_nan.size());
  EXPECT_EQ(empty.min, std::numeric_limits<float>::infinity());
  EXPECT_EQ(empty.max, -std::numeric_limits<float>::infinity());
}

// The same bytes and sum as the scalar rule, including halfway values
// (round half to even), saturation at both ends, NaN and every tail length.
TEST_P(F32RowKernelsTest, QuantizeUint8MatchesScalar) {
  const Uint8Quantization q = dynamic_uint8_quantization(-1.0f, 3.0f);
  for (size_t n = 1; n <= 70; ++n) {
    std::vector<float> x = test::pseudo_random(n, static_cast<uint32_t>(100 + n));
    for (size_t i = 0; i < n; ++i) {
      if (i % 5 == 1) x[i] = (static_cast<float>(i % 9) + 0.5f) * q.scale;  // exactly halfway
      if (i % 11 == 3) x[i] = i % 2 ? 1e9f : -1e9f;
      if (i % 13 == 6) x[i] = std::numeric_limits<float>::quiet_NaN();
    }
    std::vector<uint8_t> got(n + 1, 0xAB), want(n);
    const uint32_t got_sum = vec().quantize_uint8(x.data(), n, q, got.data());
    const uint32_t want_sum = exact().quantize_uint8(x.data(), n, q, want.data());
    EXPECT_EQ(got_sum, want_sum) << label("sum", n);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], want[i]) << label("quantize_uint8", n) << ", element " << i;
    EXPECT_EQ(got[n], 0xAB) << label("wrote past the end", n);
  }
}

// The same bits as the scalar table, with and without zero points and bias,
// on every tail length and on terms that wrap around int32 on the way.
TEST_P(F32RowKernelsTest, DequantizeMatchesScalar) {
  for (size_t n = 1; n <= 40; ++n) {
    const std::vector<float> noise = test::pseudo_random(4 * n, static_cast<uint32_t>(200 + n));
    std::vector<int32_t> product(n), sums(n);
    std::vector<int8_t> zeros(n);
    std::vector<float> scales(n), bias(n);
    for (size_t j = 0; j < n; ++j) {
      product[j] = static_cast<int32_t>(noise[j] * 1.07e9f);
      sums[j] = static_cast<int32_t>(noise[n + j] * 4.2e6f);
      zeros[j] = static_cast<int8_t>(noise[2 * n + j] * 128.0f);
      scales[j] = 1e-4f * (1.5f + noise[3 * n + j]);
      bias[j] = noise[3 * n + j];
    }
    for (const bool with_zeros : {false, true})
      for (const bool with_bias : {false, true}) {
        DequantizeRow row;
        row.product = product.data();
        row.b_sums = sums.data();
        row.b_zero = with_zeros ? zeros.data() : nullptr;
        row.b_scale = scales.data();
        row.bias = with_bias ? bias.data() : nullptr;
        row.a_zero = 255;
        row.a_offset = -8000000;
        row.a_scale = 0.031f;
        row.n = n;
        std::vector<float> got(n + 1, -7.0f), want(n);
        row.y = got.data();
        vec().dequantize(row);
        row.y = want.data();
        exact().dequantize(row);
        for (size_t j = 0; j < n; ++j)
          ASSERT_EQ(got[j], want[j]) << label("dequantize", n) << " zeros " << with_zeros << " bias " << with_bias
                                     << ", element " << j;
        EXPECT_EQ(got[n], -7.0f) << label("wrote past the end", n);
        // With the GELU: the table's own gelu of the same row, bit for bit.
        std::vector<float> fused(n + 1, -7.0f);
        row.gelu = true;
        row.y = fused.data();
        vec().dequantize(row);
        vec().gelu(got.data(), nullptr, got.data(), n);
        for (size_t j = 0; j < n; ++j)
          ASSERT_EQ(fused[j], got[j]) << label("dequantize with gelu", n) << ", element " << j;
        EXPECT_EQ(fused[n], -7.0f) << label("wrote past the end with gelu", n);
      }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, F32RowKernelsTest, ::testing::Values(Isa::avx2, Isa::avx512),
                         [](const ::testing::TestParamInfo<Isa>& param) { return std::string(isa_name(param.param)); });

TEST(F32RowKernels, SelectedTableIsTheSelectedIsas) {
  EXPECT_EQ(&f32_row_kernels(), &f32_row_kernels(selected_isa()));
}

}  // namespace
}  // namespace xenc
