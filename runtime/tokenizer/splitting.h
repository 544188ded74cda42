// Cutting a piece of text at delimiter matches, as HF's
// NormalizedString::split does for the pre-tokenizers and Replace.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/onig_regex.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

// What a split does with the delimiters it matched (HF's SplitDelimiterBehavior),
// e.g. for "the-final--countdown" split at '-':
//   Removed            the | final | countdown
//   Isolated           the | - | final | - | - | countdown
//   MergedWithPrevious the- | final- | - | countdown
//   MergedWithNext     the | -final | - | -countdown
//   Contiguous         the | - | final | -- | countdown
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// Reads "Removed", "Isolated", ... (HF's spelling); anything else is an error at `where`.
SplitBehavior read_split_behavior(const nlohmann::json& j, const std::string& where);

// HF's SplitPattern / ReplacePattern: {"String": "..."} or {"Regex": "..."}.
OnigRegex read_pattern(const nlohmann::json& j, const std::string& where);

// A stretch of a piece: a delimiter match or the text between two matches.
// The runs of a piece cover it in order; a match may be empty.
struct Run {
  size_t start;
  size_t end;
  bool is_match;
};

// Runs from regex matches; `invert` swaps matches and gaps (HF's Invert).
void runs_from_matches(size_t text_size, std::span<const ByteRange> matches, bool invert, std::vector<Run>& runs);

// Runs where every character that satisfies `is_delimiter` is a match of its own.
template <typename Predicate>
void runs_from_chars(std::string_view text, Predicate is_delimiter, std::vector<Run>& runs) {
  runs.clear();
  size_t gap_start = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    if (!is_delimiter(unicode::next_code_point(text, pos))) continue;
    if (gap_start < start) runs.push_back({gap_start, start, false});
    runs.push_back({start, pos, true});
    gap_start = pos;
  }
  if (gap_start < text.size()) runs.push_back({gap_start, text.size(), false});
}

// Appends the non-empty pieces of `text` that `runs` and `behavior` make.
void append_split(std::string_view text, std::span<const Run> runs, SplitBehavior behavior,
                  std::vector<std::string>& out);

}  // namespace xenc
