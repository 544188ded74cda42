#include "ops/common/isa.h"

#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

namespace xenc {
namespace {

struct CpuidRegs {
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

CpuidRegs cpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidRegs r;
  if (!__get_cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx)) return {};
  return r;
}

bool bit(uint32_t reg, int index) { return (reg >> index) & 1u; }

// XCR0: which register states the OS saves on a context switch. Only valid
// when CPUID reports OSXSAVE.
uint64_t xcr0() {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

// XENC_ISA, when set to a valid ISA below amx, keeps xenc off AMX, and
// then it does not ask for the tiles either (amx_permitted()).
bool amx_allowed_by_environment() {
  const char* forced = std::getenv("XENC_ISA");
  const std::optional<Isa> isa = forced ? parse_isa(forced) : std::nullopt;
  return !isa || *isa == Isa::amx;
}

// Linux (5.16 on) enables the tile data state per process, on request;
// without it the first tile instruction faults. The grant makes every
// signal frame of the process larger by the 8 KiB of tile data, so that a
// sigaltstack set up later by the host program must be that much larger:
// the reason to ask only when the tiles will be used.
bool amx_permitted() {
#if defined(__linux__) && defined(SYS_arch_prctl)
  constexpr int kRequestPermission = 0x1023;  // ARCH_REQ_XCOMP_PERM
  constexpr int kTileData = 18;               // XFEATURE_XTILEDATA
  return syscall(SYS_arch_prctl, kRequestPermission, kTileData) == 0;
#else
  return false;
#endif
}

CpuFeatures detect() {
  CpuFeatures f;
  const CpuidRegs leaf1 = cpuid(1, 0);
  if (!bit(leaf1.ecx, 27) /* OSXSAVE */) return f;
  const uint64_t xcr = xcr0();
  const bool os_saves_ymm = (xcr & 0x6) == 0x6;             // XMM and YMM state
  const bool os_saves_zmm = os_saves_ymm && (xcr & 0xe0) == 0xe0;  // opmask, ZMM0-15 upper halves, ZMM16-31
  const CpuidRegs leaf7 = cpuid(7, 0);
  const CpuidRegs leaf7_1 = cpuid(7, 1);
  const bool avx2 = os_saves_ymm && bit(leaf1.ecx, 28) /* AVX */ && bit(leaf1.ecx, 12) /* FMA */ &&
                    bit(leaf7.ebx, 5) /* AVX2 */;
  const bool avx512 = avx2 && os_saves_zmm && bit(leaf7.ebx, 16) /* F */ && bit(leaf7.ebx, 17) /* DQ */ &&
                      bit(leaf7.ebx, 30) /* BW */ && bit(leaf7.ebx, 31) /* VL */;
  f.avx512_vnni = avx512 && bit(leaf7.ecx, 11);
  f.avx512_bf16 = avx512 && bit(leaf7_1.eax, 5);
  f.avx_vnni = avx2 && bit(leaf7_1.eax, 4);
  const bool os_saves_tiles = (xcr & 0x60000) == 0x60000;  // XTILECFG and XTILEDATA
  const bool amx_cpu = f.avx512_vnni && f.avx512_bf16 && os_saves_tiles && bit(leaf7.edx, 22) /* AMX-BF16 */ &&
                       bit(leaf7.edx, 24) /* AMX-TILE */ && bit(leaf7.edx, 25) /* AMX-INT8 */;
  f.amx = amx_cpu && amx_allowed_by_environment() && amx_permitted();
  f.best = f.amx ? Isa::amx : avx512 ? Isa::avx512 : avx2 ? Isa::avx2 : Isa::scalar;
  return f;
}

Isa select() {
  const Isa best = cpu_features().best;
  const char* forced = std::getenv("XENC_ISA");
  if (!forced) return best;
  const std::optional<Isa> isa = parse_isa(forced);
  if (!isa) {
    std::cerr << "xenc: error: XENC_ISA='" << forced
              << "' is not one of scalar, avx2, avx512, amx; ignoring it and using " << isa_name(best) << "\n";
    return best;
  }
  return *isa < best ? *isa : best;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

Isa selected_isa() {
  static const Isa isa = select();
  return isa;
}

bool isa_supported(Isa isa) { return isa <= cpu_features().best; }

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::amx: return "amx";
  }
  return "?";
}

std::optional<Isa> parse_isa(std::string_view name) {
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512, Isa::amx})
    if (name == isa_name(isa)) return isa;
  return std::nullopt;
}

}  // namespace xenc
