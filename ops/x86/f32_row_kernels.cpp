#include "ops/x86/f32_row_kernels.h"

#include <cassert>

namespace xenc {

// One table per ISA, each in its own file (f32_row_kernels__<isa>.cpp).
extern const F32RowKernels kF32RowKernelsScalar;
extern const F32RowKernels kF32RowKernelsAvx2;
extern const F32RowKernels kF32RowKernelsAvx512;

const F32RowKernels& f32_row_kernels(Isa isa) {
  assert(isa_supported(isa));
  switch (isa) {
    case Isa::amx:  // float kernels: AMX adds none
    case Isa::avx512: return kF32RowKernelsAvx512;
    case Isa::avx2: return kF32RowKernelsAvx2;
    case Isa::scalar: break;
  }
  return kF32RowKernelsScalar;
}

const F32RowKernels& f32_row_kernels() {
  static const F32RowKernels& selected = f32_row_kernels(selected_isa());
  return selected;
}

}  // namespace xenc
