// The packed bf16 GEMM on AMX tiles (amx_tiles.h). Compiled with
// -mamx-tile -mamx-int8 -mamx-bf16 (CMakeLists.txt).
#include "ops/x86/amx_tiles.h"

namespace xenc {

void packed_bgemm_amx(const PackedBgemmBlock& block) { amx::multiply(block); }

}  // namespace xenc
