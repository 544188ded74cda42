// The packed bf16 GEMM on AMX tiles (amx_tiles.h). Compiled with
// -mamx-tile -mamx-int8 -mamx-bf16 (CMakeLists.txt).
#include "ops/x86/amx_tiles.h"

namespace xenc {
namespace {

struct Bf16Tiles {
  using Block = PackedBgemmBlock;
  static constexpr int64_t kDepth = kBDepthBlock;  // bf16 values in a tile row
  static int64_t padded_depth(int64_t k) { return bgemm_padded_depth(k); }
  template <int kC, int kA, int kB>
  static void dot() {
    amx::tile_dot_bf16<kC, kA, kB>();
  }
};

}  // namespace

void packed_bgemm_amx(const PackedBgemmBlock& block) { amx::multiply<Bf16Tiles>(block); }

}  // namespace xenc
