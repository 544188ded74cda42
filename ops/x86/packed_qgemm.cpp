#include "ops/x86/packed_qgemm.h"

#include <algorithm>
#include <cassert>

namespace xenc {

int64_t qgemm_padded_depth(int64_t k) { return (k + kQDepthBlock - 1) / kQDepthBlock * kQDepthBlock; }

int64_t qgemm_panel_count(int64_t n) { return (n + kQPanelWidth - 1) / kQPanelWidth; }

int64_t qgemm_packed_bytes(int64_t k, int64_t n) { return qgemm_panel_count(n) * qgemm_padded_depth(k) * kQPanelWidth; }

void pack_qgemm_weights(const int8_t* b, int64_t k, int64_t n, int8_t* packed) {
  const int64_t depth = qgemm_padded_depth(k);
  for (int64_t panel = 0; panel < qgemm_panel_count(n); ++panel)
    for (int64_t group = 0; group < depth / kQDepthGroup; ++group)
      for (int64_t column = 0; column < kQPanelWidth; ++column)
        for (int64_t i = 0; i < kQDepthGroup; ++i) {
          const int64_t row = group * kQDepthGroup + i, col = panel * kQPanelWidth + column;
          *packed++ = row < k && col < n ? b[row * n + col] : int8_t{0};
        }
}

bool qgemm_path_supported(QgemmPath path) {
  switch (path) {
    case QgemmPath::amx: return isa_supported(Isa::amx);
    case QgemmPath::avx512_vnni: return isa_supported(Isa::avx512) && cpu_features().avx512_vnni;
    case QgemmPath::avx2: return isa_supported(Isa::avx2);
    case QgemmPath::scalar: break;
  }
  return true;
}

const char* qgemm_path_name(QgemmPath path) {
  switch (path) {
    case QgemmPath::amx: return "amx";
    case QgemmPath::avx512_vnni: return "avx512_vnni";
    case QgemmPath::avx2: return "avx2";
    case QgemmPath::scalar: break;
  }
  return "scalar";
}

PackedQgemmFn packed_qgemm_kernel(QgemmPath path) {
  assert(qgemm_path_supported(path));
  switch (path) {
    case QgemmPath::amx: return packed_qgemm_amx;
    case QgemmPath::avx512_vnni: return packed_qgemm_avx512_vnni;
    case QgemmPath::avx2: return packed_qgemm_avx2;
    case QgemmPath::scalar: break;
  }
  return packed_qgemm_scalar;
}

QgemmPath selected_qgemm_path() {
  const Isa isa = selected_isa();
  if (isa == Isa::amx) return QgemmPath::amx;
  if (isa == Isa::avx512 && cpu_features().avx512_vnni) return QgemmPath::avx512_vnni;
  return isa >= Isa::avx2 ? QgemmPath::avx2 : QgemmPath::scalar;
}

PackedQgemmFn packed_qgemm_kernel() {
  static const PackedQgemmFn selected = packed_qgemm_kernel(selected_qgemm_path());
  return selected;
}

}  // namespace xenc
