// The packed int8 and bf16 GEMMs on AMX tiles (packed_qgemm__amx.cpp,
// packed_bgemm__amx.cpp): C in tiles of 16 rows by one panel (16 columns),
// two by two (32 x 32), from two tiles of A's rows and two of the panels, a
// tile depth (64 int8 or 32 bf16 values) per step. tdpbusd and tdpbf16ps
// take B in the layout the panels already have (a tile row is a depth group
// or pair of 16 columns), and the panels' depth is padded to whole tiles,
// so B is read in place. The tiles' rows and widths are configured to each
// 32 x 32 block, so a short block reads and writes only its own rows and
// columns; A's last, partial tile depth is copied into a zero-padded buffer
// rather than read past its rows. Included only by the __amx files.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "ops/x86/packed_bgemm.h"
#include "ops/x86/packed_qgemm.h"

namespace xenc::amx {

constexpr int kTileRows = 16;
constexpr int kTileBytesPerRow = 64;
constexpr int64_t kPanelWidth = 16;
static_assert(kQPanelWidth == kPanelWidth && kBPanelWidth == kPanelWidth, "a C tile is one panel wide");

// The tile registers: C[r][q] for A's tile r and panel q.
enum Tile : int { kC00 = 0, kC01 = 1, kC10 = 2, kC11 = 3, kA0 = 4, kA1 = 5, kB0 = 6, kB1 = 7 };

// The tile instructions, by tile number. Not GCC's _tile_* macros: they
// paste their argument's spelling into the assembly (so only a literal
// number works), and their loads do not tell the compiler they read memory.
// (So no intrinsics header either.)
template <int kTile>
inline void tile_load(const void* base, int64_t stride) {
  asm volatile("tileloadd (%0,%1,1), %%tmm%c2" ::"r"(base), "r"(stride), "i"(kTile) : "memory");
}
template <int kTile>
inline void tile_store(void* base, int64_t stride) {
  asm volatile("tilestored %%tmm%c2, (%0,%1,1)" ::"r"(base), "r"(stride), "i"(kTile) : "memory");
}
template <int kTile>
inline void tile_zero() {
  asm volatile("tilezero %%tmm%c0" ::"i"(kTile));
}
// C += A B: uint8 x int8 groups of four into int32, bf16 pairs into float.
template <int kC, int kA, int kB>
inline void tile_dot_uint8_int8() {
  asm volatile("tdpbusd %%tmm%c2, %%tmm%c1, %%tmm%c0" ::"i"(kC), "i"(kA), "i"(kB));
}
template <int kC, int kA, int kB>
inline void tile_dot_bf16() {
  asm volatile("tdpbf16ps %%tmm%c2, %%tmm%c1, %%tmm%c0" ::"i"(kC), "i"(kA), "i"(kB));
}

// What ldtilecfg reads (palette 1).
struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t bytes_per_row[16] = {};
  uint8_t rows[16] = {};
};
static_assert(sizeof(TileConfig) == 64);

// A block's shape: rows of A's two tiles and columns of the two panels (0: tile unused).
struct BlockShape {
  int rows[2] = {0, 0};
  int columns[2] = {0, 0};
  bool operator==(const BlockShape&) const = default;
};

inline void configure(const BlockShape& s) {
  TileConfig config;
  const auto set = [&](int tile, int rows, int bytes) {
    config.rows[tile] = static_cast<uint8_t>(rows);
    config.bytes_per_row[tile] = static_cast<uint16_t>(rows ? bytes : 0);
  };
  for (int r = 0; r < 2; ++r) {
    set(kA0 + r, s.rows[r], kTileBytesPerRow);
    for (int q = 0; q < 2; ++q) set(kC00 + 2 * r + q, s.columns[q] ? s.rows[r] : 0, s.columns[q] * 4);
  }
  for (int q = 0; q < 2; ++q) set(kB0 + q, s.columns[q] ? kTileRows : 0, s.columns[q] * 4);
  // The whole struct as the operand (GCC's _tile_loadconfig names only its
  // first 8 bytes, so the stores to the rest could be dropped as unread).
  asm volatile("ldtilecfg %0" ::"m"(config));
}

// Which product a block is: uint8 x int8 into int32, or bf16 pairs into float.
template <class Block>
constexpr bool kInt8 = std::is_same_v<Block, PackedQgemmBlock>;

// A's values in one tile row (64 bytes).
template <class Block>
constexpr int64_t kDepth = kInt8<Block> ? kQDepthBlock : kBDepthBlock;

template <class Block>
int64_t padded_depth(int64_t k) {
  return kInt8<Block> ? qgemm_padded_depth(k) : bgemm_padded_depth(k);
}

template <class Block, int kC, int kA, int kB>
void tile_dot() {
  if constexpr (kInt8<Block>) {
    tile_dot_uint8_int8<kC, kA, kB>();
  } else {
    tile_dot_bf16<kC, kA, kB>();
  }
}

template <class Block>
using AValue = std::remove_const_t<std::remove_pointer_t<decltype(Block::a)>>;

// Where one 32 x 32 block reads and writes.
template <class Block>
struct BlockOperands {
  const AValue<Block>* a;       // the block's first row of A
  int64_t a_stride;             // bytes
  const AValue<Block>* a_tail;  // the last tile depth of the rows, zero-padded, kDepth values apart
  const void* b;                // the first panel's first tile
  int64_t panel_bytes;
  int64_t depth_tiles;  // whole tile depths in A
  void* c;
  int64_t c_stride;  // bytes
};

template <class Block, bool kTwoRows, bool kTwoPanels>
void multiply_block(const BlockOperands<Block>& o) {
  constexpr int64_t kBTileBytes = kTileRows * kTileBytesPerRow;
  constexpr int64_t kABytes = sizeof(AValue<Block>) * kDepth<Block>;
  const auto* b = static_cast<const uint8_t*>(o.b);
  const auto* a = reinterpret_cast<const uint8_t*>(o.a);
  tile_zero<kC00>();
  if constexpr (kTwoPanels) tile_zero<kC01>();
  if constexpr (kTwoRows) tile_zero<kC10>();
  if constexpr (kTwoRows && kTwoPanels) tile_zero<kC11>();
  const auto step = [&](const uint8_t* a0, int64_t a_stride, const uint8_t* b0) {
    tile_load<kA0>(a0, a_stride);
    tile_load<kB0>(b0, kTileBytesPerRow);
    tile_dot<Block, kC00, kA0, kB0>();
    if constexpr (kTwoPanels) {
      tile_load<kB1>(b0 + o.panel_bytes, kTileBytesPerRow);
      tile_dot<Block, kC01, kA0, kB1>();
    }
    if constexpr (kTwoRows) {
      tile_load<kA1>(a0 + kTileRows * a_stride, a_stride);
      tile_dot<Block, kC10, kA1, kB0>();
      if constexpr (kTwoPanels) tile_dot<Block, kC11, kA1, kB1>();
    }
  };
  for (int64_t d = 0; d < o.depth_tiles; ++d) step(a + d * kABytes, o.a_stride, b + d * kBTileBytes);
  if (o.a_tail) step(reinterpret_cast<const uint8_t*>(o.a_tail), kABytes, b + o.depth_tiles * kBTileBytes);
  auto* c = static_cast<uint8_t*>(o.c);
  constexpr int64_t kCTileWidthBytes = kPanelWidth * 4;
  tile_store<kC00>(c, o.c_stride);
  if constexpr (kTwoPanels) tile_store<kC01>(c + kCTileWidthBytes, o.c_stride);
  if constexpr (kTwoRows) tile_store<kC10>(c + kTileRows * o.c_stride, o.c_stride);
  if constexpr (kTwoRows && kTwoPanels) tile_store<kC11>(c + kTileRows * o.c_stride + kCTileWidthBytes, o.c_stride);
}

// C = A B for one block of either product.
template <class Block>
void multiply(const Block& g) {
  using A = AValue<Block>;
  constexpr int64_t kBlockRows = 2 * kTileRows;
  const int64_t depth_tiles = g.k / kDepth<Block>, tail = g.k % kDepth<Block>;
  const int64_t panel_bytes = padded_depth<Block>(g.k) * kPanelWidth * static_cast<int64_t>(sizeof(*g.packed));
  const auto* packed = reinterpret_cast<const uint8_t*>(g.packed);
  alignas(64) A a_tail[kBlockRows * kDepth<Block>];
  BlockShape configured;  // none yet
  for (int64_t row = 0; row < g.rows; row += kBlockRows) {
    BlockShape shape;
    shape.rows[0] = static_cast<int>(std::min<int64_t>(kTileRows, g.rows - row));
    shape.rows[1] = static_cast<int>(std::clamp<int64_t>(g.rows - row - kTileRows, 0, kTileRows));
    if (tail) {
      std::fill(a_tail, a_tail + kBlockRows * kDepth<Block>, A{0});
      for (int r = 0; r < shape.rows[0] + shape.rows[1]; ++r)
        std::memcpy(a_tail + r * kDepth<Block>, g.a + (row + r) * g.lda + depth_tiles * kDepth<Block>,
                    tail * sizeof(A));
    }
    const int64_t end = g.first_panel + g.panels;
    for (int64_t panel = g.first_panel; panel < end; panel += 2) {
      const int64_t first_column = panel * kPanelWidth;
      shape.columns[0] = static_cast<int>(std::min(kPanelWidth, g.n - first_column));
      const int64_t second_columns = panel + 1 < end ? std::min(kPanelWidth, g.n - first_column - kPanelWidth) : 0;
      shape.columns[1] = static_cast<int>(second_columns);
      if (!(shape == configured)) {
        configure(shape);
        configured = shape;
      }
      const BlockOperands<Block> o{g.a + row * g.lda,
                                   g.lda * static_cast<int64_t>(sizeof(A)),
                                   tail ? a_tail : nullptr,
                                   packed + panel * panel_bytes,
                                   panel_bytes,
                                   depth_tiles,
                                   g.c + row * g.ldc + first_column,
                                   g.ldc * 4};
      if (shape.rows[1] && shape.columns[1]) multiply_block<Block, true, true>(o);
      else if (shape.rows[1]) multiply_block<Block, true, false>(o);
      else if (shape.columns[1]) multiply_block<Block, false, true>(o);
      else multiply_block<Block, false, false>(o);
    }
  }
  // Returns the thread's tiles to their initial state, so that a context
  // switch saves none of them.
  asm volatile("tilerelease" ::: "memory");
}

}  // namespace xenc::amx
