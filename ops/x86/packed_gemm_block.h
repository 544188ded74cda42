// What the packed GEMM kernels (packed_sgemm.h, packed_qgemm.h) compute in
// one call, and how their vector kernels walk it in register tiles.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace xenc {

// Rows [0, rows) of A times panels [first_panel, first_panel + panels) of
// the packed B, into the matching columns of C (columns past n untouched).
template <class AValue, class BValue, class CValue>
struct PackedGemmBlock {
  const AValue* a = nullptr;  // rows x k, leading dimension lda
  int64_t lda = 0;
  const BValue* packed = nullptr;  // the whole packed B
  int64_t k = 0, n = 0;
  CValue* c = nullptr;  // rows x n, leading dimension ldc
  int64_t ldc = 0;
  int64_t rows = 0;
  int64_t first_panel = 0, panels = 0;
};

// Calls Tile<rows, panels>::run(block, row, panel) over the block in tiles
// of up to kMaxRows rows by kMaxPanels panels (the last ones smaller); the
// tile sizes are template arguments so that each tile keeps its
// accumulators in registers.
template <template <int, int> class Tile, int kMaxRows, int kMaxPanels, class Block>
void for_each_tile(const Block& block) {
  using Run = void (*)(const Block&, int64_t, int64_t);
  const auto table = []<int kPanels, size_t... kRowsMinusOne>(std::index_sequence<kRowsMinusOne...>) {
    return std::array<Run, kMaxRows>{&Tile<static_cast<int>(kRowsMinusOne) + 1, kPanels>::run...};
  };
  // Not static: GCC emits a function-local static of this template as one
  // program-wide symbol per <tile name, sizes, block>, anonymous namespaces
  // notwithstanding, so two ISA files with same-named tiles would share one
  // table and one path would run the other's code. A dozen pointers per
  // call cost nothing next to the product.
  constexpr auto kWide = table.template operator()<kMaxPanels>(std::make_index_sequence<kMaxRows>());
  constexpr auto kNarrow = table.template operator()<1>(std::make_index_sequence<kMaxRows>());
  const int64_t end = block.first_panel + block.panels;
  for (int64_t panel = block.first_panel; panel < end; panel += kMaxPanels) {
    const auto& tiles = panel + kMaxPanels <= end ? kWide : kNarrow;
    for (int64_t row = 0; row < block.rows; row += kMaxRows)
      tiles[static_cast<size_t>(std::min<int64_t>(kMaxRows, block.rows - row) - 1)](block, row, panel);
  }
}

}  // namespace xenc
