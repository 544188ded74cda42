// One thread's throughput of each packed product kernel on each path this
// CPU has, on the shapes of a MiniLM-sized layer: fp32 (packed_sgemm.h),
// bf16 (packed_bgemm.h, GFLOP/s) and int8 (packed_qgemm.h, GOP/s: one
// multiply-add counts 2, as for the floats). The ratios between the rows
// bound what --precision bf16 and int8 can gain on the products.
//   xenc_bench_packed_kernels [--quick]
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench/best_rate.h"
#include "ops/x86/packed_bgemm.h"
#include "ops/x86/packed_qgemm.h"
#include "ops/x86/packed_sgemm.h"

using Shape = xenc::bench::GemmShape;
using xenc::bench::best_rate;
using xenc::bench::gemm_flops;

int main(int argc, char** argv) {
  using namespace xenc;
  const double seconds = argc > 1 && std::strcmp(argv[1], "--quick") == 0 ? 0.1 : 0.5;
  const std::vector<Shape> shapes = {{4096, 384, 384}, {4096, 1536, 384}, {4096, 384, 1536}, {64, 384, 384}};
  std::printf("%-18s %-6s %-12s %10s\n", "M x N x K", "type", "path", "G(FL)OP/s");
  for (const Shape& s : shapes) {
    const std::string dims = std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
    const auto row = [&](const char* type, const char* path, const std::function<void()>& run) {
      std::printf("%-18s %-6s %-12s %10.1f\n", dims.c_str(), type, path, best_rate(gemm_flops(s), seconds, run));
    };
    std::vector<float> a(static_cast<size_t>(s.m * s.k), 0.5f), b(static_cast<size_t>(s.k * s.n), 0.25f),
        c(static_cast<size_t>(s.m * s.n));

    std::vector<float> packed_f32(static_cast<size_t>(packed_panel_count(s.n) * s.k * kPackedPanelWidth));
    pack_sgemm_weights(b.data(), s.k, s.n, packed_f32.data());
    const PackedSgemmBlock f32{a.data(), s.k, packed_f32.data(), s.k, s.n, c.data(), s.n, s.m, 0, packed_panel_count(s.n)};
    for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512})
      if (isa_supported(isa) && (isa != Isa::scalar || s.m <= 64))
        row("fp32", isa_name(isa), [&] { packed_sgemm_kernel(isa)(f32); });

    std::vector<uint16_t> a_bf16(a.size()), packed_bf16(static_cast<size_t>(bgemm_packed_elements(s.k, s.n)));
    convert_to_bf16(a.data(), a_bf16.data(), a.size());
    pack_bgemm_weights(b.data(), s.k, s.n, packed_bf16.data());
    const PackedBgemmBlock bf16{a_bf16.data(), s.k, packed_bf16.data(), s.k, s.n, c.data(), s.n, s.m, 0, bgemm_panel_count(s.n)};
    for (BgemmPath path :
         {BgemmPath::scalar, BgemmPath::avx2, BgemmPath::avx512, BgemmPath::avx512_bf16, BgemmPath::amx})
      if (bgemm_path_supported(path) && (path != BgemmPath::scalar || s.m <= 64))
        row("bf16", bgemm_path_name(path), [&] { packed_bgemm_kernel(path)(bf16); });

    std::vector<uint8_t> a_u8(a.size(), 100);
    std::vector<int8_t> b_s8(b.size(), -3), packed_s8(static_cast<size_t>(qgemm_packed_bytes(s.k, s.n)));
    std::vector<int32_t> c_s32(c.size());
    pack_qgemm_weights(b_s8.data(), s.k, s.n, packed_s8.data());
    const PackedQgemmBlock int8{a_u8.data(), s.k, packed_s8.data(), s.k, s.n, c_s32.data(), s.n, s.m, 0, qgemm_panel_count(s.n)};
    for (QgemmPath path : {QgemmPath::scalar, QgemmPath::avx2, QgemmPath::avx512_vnni, QgemmPath::amx})
      if (qgemm_path_supported(path) && (path != QgemmPath::scalar || s.m <= 64))
        row("int8", qgemm_path_name(path), [&] { packed_qgemm_kernel(path)(int8); });
  }
}
