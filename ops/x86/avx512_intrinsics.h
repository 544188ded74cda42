// <immintrin.h> for the AVX-512 files. GCC 12's AVX-512 intrinsics pass
// _mm512_undefined_*() as the unused merge source, which its own
// -Wuninitialized flags once inlined (GCC bug 105593, fixed in GCC 13).
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#ifndef __clang__  // clang has neither the warning nor the bug
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#pragma GCC diagnostic pop
