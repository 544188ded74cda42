// One thread's throughput of each float row kernel (ops/x86/f32_row_kernels.h)
// on each instruction set this CPU has, on rows shaped as in a MiniLM-sized
// int8 layer: softmax over 128 keys (normalized, and not, as attention's
// bf16 products take it), GELU and dequantization over a task's
// 192 columns, quantization and min/max over 384 and 1536, LayerNorm over
// 384. Giga-elements per second over a block of rows that stays in L2, so
// that the rows measure the arithmetic, as they run in the model.
//   xenc_bench_row_kernels [--quick]
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench/best_rate.h"
#include "ops/common/isa.h"
#include "ops/common/quantization.h"
#include "ops/x86/f32_row_kernels.h"

int main(int argc, char** argv) {
  using namespace xenc;
  const double seconds = argc > 1 && std::strcmp(argv[1], "--quick") == 0 ? 0.1 : 0.5;
  constexpr size_t kRows = 48;
  std::printf("%-26s %-8s %12s\n", "kernel", "isa", "Gelem/s");
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512}) {
    if (!isa_supported(isa)) continue;
    const F32RowKernels& k = f32_row_kernels(isa);
    const auto row = [&](const std::string& name, size_t n, const std::function<void(size_t, float*)>& body) {
      std::vector<float> block(kRows * n);
      for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<float>(i % 97) * 0.07f - 3.0f;
      const double rate = bench::best_rate(static_cast<double>(kRows * n), seconds, [&] {
        for (size_t r = 0; r < kRows; ++r) body(n, block.data() + r * n);
      });
      std::printf("%-26s %-8s %12.2f\n", (name + " " + std::to_string(n)).c_str(), isa_name(isa), rate);
    };
    std::vector<float> bias(1536, 0.01f), gamma(384, 1.0f), beta(384, 0.0f), scale(1536, 0.001f);
    std::vector<int32_t> product(1536, 12345), sums(1536, 678);
    std::vector<uint8_t> quantized(1536);
    row("softmax", 128, [&](size_t n, float* x) {
      SoftmaxRow softmax;
      softmax.x = softmax.y = x;
      softmax.n = n;
      k.softmax(softmax);
    });
    row("softmax unnormalized", 128, [&](size_t n, float* x) {
      SoftmaxRow softmax;
      softmax.x = softmax.y = x;
      softmax.n = n;
      softmax.normalize = false;
      k.softmax(softmax);
    });
    row("gelu+bias", 192, [&](size_t n, float* x) { k.gelu(x, bias.data(), x, n); });
    row("erf", 192, [&](size_t n, float* x) { k.erf(x, x, n); });
    row("dequantize+bias", 192, [&](size_t n, float* y) {
      DequantizeRow d;
      d.product = product.data();
      d.b_sums = sums.data();
      d.b_scale = scale.data();
      d.bias = bias.data();
      d.a_zero = 128;
      d.a_offset = 1000;
      d.a_scale = 0.01f;
      d.y = y;
      d.n = n;
      k.dequantize(d);
    });
    for (size_t n : {384, 1536}) {
      row("min_max+quantize", n, [&](size_t width, float* x) {
        const FloatRange range = k.min_max(x, width);
        k.quantize_uint8(x, width, dynamic_uint8_quantization(range.min, range.max), quantized.data());
      });
    }
    row("layernorm", 384, [&](size_t n, float* x) {
      LayerNormRow l;
      l.x = x;
      l.gamma = gamma.data();
      l.beta = beta.data();
      l.y = x;
      l.n = n;
      l.epsilon = 1e-12f;
      k.layernorm(l);
    });
  }
}
