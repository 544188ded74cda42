#include "runtime/tokenizer/splitting.h"

#include "runtime/tokenizer/json_access.h"

namespace xenc {

using namespace json_access;

SplitBehavior read_split_behavior(const nlohmann::json& j, const std::string& where) {
  const std::string name = as_string(j, where);
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  fail(where, "unknown split behavior '" + name +
                  "' (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)");
}

OnigRegex read_pattern(const nlohmann::json& j, const std::string& where) {
  require_object(j, where);
  if (j.size() == 1) {
    if (const Json* s = optional_member(j, "String")) return OnigRegex::literal(as_string(*s, path(where, "String")), where);
    if (const Json* r = optional_member(j, "Regex")) return OnigRegex(as_string(*r, path(where, "Regex")), where);
  }
  fail(where, "expected {\"String\": ...} or {\"Regex\": ...}, got " + j.dump());
}

void runs_from_matches(size_t text_size, std::span<const ByteRange> matches, bool invert, std::vector<Run>& runs) {
  runs.clear();
  size_t previous_end = 0;
  for (const ByteRange& m : matches) {
    if (previous_end != m.start) runs.push_back({previous_end, m.start, invert});
    runs.push_back({m.start, m.end, !invert});
    previous_end = m.end;
  }
  if (previous_end != text_size) runs.push_back({previous_end, text_size, invert});
}

void append_split(std::string_view text, std::span<const Run> runs, SplitBehavior behavior,
                  std::vector<std::string>& out) {
  auto emit = [&](size_t start, size_t end) {
    if (end > start) out.emplace_back(text.substr(start, end - start));
  };
  // Emits each run of kind `first_is_match` together with a following run of the other kind.
  auto emit_merged_pairs = [&](bool first_is_match) {
    for (size_t i = 0; i < runs.size();) {
      const bool pair =
          runs[i].is_match == first_is_match && i + 1 < runs.size() && runs[i + 1].is_match != first_is_match;
      const size_t last = pair ? i + 1 : i;
      emit(runs[i].start, runs[last].end);
      i = last + 1;
    }
  };
  switch (behavior) {
    case SplitBehavior::Removed:
      for (const Run& r : runs)
        if (!r.is_match) emit(r.start, r.end);
      return;
    case SplitBehavior::Isolated:
      for (const Run& r : runs) emit(r.start, r.end);
      return;
    case SplitBehavior::Contiguous:
      for (size_t i = 0; i < runs.size();) {
        size_t j = i + 1;
        while (j < runs.size() && runs[j].is_match == runs[i].is_match) ++j;
        emit(runs[i].start, runs[j - 1].end);
        i = j;
      }
      return;
    case SplitBehavior::MergedWithPrevious:
      // A match joins the piece before it, unless that piece is a match too.
      emit_merged_pairs(false);
      return;
    case SplitBehavior::MergedWithNext:
      // A match joins the piece after it, unless that piece is a match too.
      emit_merged_pairs(true);
      return;
  }
}

}  // namespace xenc
