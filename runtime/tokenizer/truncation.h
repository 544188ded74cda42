// Truncation of one sequence or a pair before the post-processor adds its
// special tokens (HF utils/truncation.rs).
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/components.h"

namespace xenc {

struct Truncation {
  enum class Strategy { kLongestFirst, kOnlyFirst, kOnlySecond };
  enum class Direction { kRight, kLeft };  // which end loses tokens

  size_t max_length = 0;
  Strategy strategy = Strategy::kLongestFirst;
  Direction direction = Direction::kRight;
};

// tokenizer.json "truncation": {"max_length", "strategy", "direction", "stride"}.
Truncation read_truncation(const nlohmann::json& j, const std::string& where);

// Cuts `a` (and `b`) so that together they hold at most params.max_length
// tokens. longest_first keeps the shorter sequence whole when it fits in half
// the budget and otherwise splits the budget evenly, the odd token going to
// the longer sequence. Throws when only_first/only_second cannot fit.
void truncate(Encoding& a, Encoding* b, const Truncation& params);

}  // namespace xenc
