// The packed int8 GEMM on AMX tiles (amx_tiles.h). Compiled with
// -mamx-tile -mamx-int8 -mamx-bf16 (CMakeLists.txt).
#include "ops/x86/amx_tiles.h"

namespace xenc {
namespace {

struct Int8Tiles {
  using Block = PackedQgemmBlock;
  static constexpr int64_t kDepth = kQDepthBlock;  // uint8 values in a tile row
  static int64_t padded_depth(int64_t k) { return qgemm_padded_depth(k); }
  template <int kC, int kA, int kB>
  static void dot() {
    amx::tile_dot_uint8_int8<kC, kA, kB>();
  }
};

}  // namespace

void packed_qgemm_amx(const PackedQgemmBlock& block) { amx::multiply<Int8Tiles>(block); }

}  // namespace xenc
