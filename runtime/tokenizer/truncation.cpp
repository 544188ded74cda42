#include "runtime/tokenizer/truncation.h"

#include <algorithm>
#include <utility>

#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"

namespace xenc {

using namespace json_access;

Truncation read_truncation(const Json& j, const std::string& where) {
  Truncation t;
  const int64_t max_length = as_int(member(j, "max_length", where), path(where, "max_length"));
  if (max_length < 0) fail(path(where, "max_length"), "must not be negative");
  t.max_length = static_cast<size_t>(max_length);
  const std::string strategy = optional_string(j, "strategy", where).value_or("LongestFirst");
  if (strategy == "LongestFirst" || strategy == "longest_first")
    t.strategy = Truncation::Strategy::kLongestFirst;
  else if (strategy == "OnlyFirst" || strategy == "only_first")
    t.strategy = Truncation::Strategy::kOnlyFirst;
  else if (strategy == "OnlySecond" || strategy == "only_second")
    t.strategy = Truncation::Strategy::kOnlySecond;
  else
    fail(path(where, "strategy"), "unknown truncation strategy '" + strategy + "'");
  const std::string direction = optional_string(j, "direction", where).value_or("Right");
  if (direction == "Right" || direction == "right")
    t.direction = Truncation::Direction::kRight;
  else if (direction == "Left" || direction == "left")
    t.direction = Truncation::Direction::kLeft;
  else
    fail(path(where, "direction"), "unknown truncation direction '" + direction + "'");
  return t;
}

namespace {

void keep(Encoding& e, size_t n, Truncation::Direction direction) {
  if (e.ids.size() <= n) return;
  if (direction == Truncation::Direction::kRight) {
    e.ids.resize(n);
    e.type_ids.resize(n);
  } else {
    e.ids.erase(e.ids.begin(), e.ids.end() - static_cast<std::ptrdiff_t>(n));
    e.type_ids.erase(e.type_ids.begin(), e.type_ids.end() - static_cast<std::ptrdiff_t>(n));
  }
}

}  // namespace

void truncate(Encoding& a, Encoding* b, const Truncation& params) {
  const size_t max = params.max_length;
  if (max == 0) {
    keep(a, 0, params.direction);
    if (b != nullptr) keep(*b, 0, params.direction);
    return;
  }
  const size_t total = a.ids.size() + (b != nullptr ? b->ids.size() : 0);
  if (total <= max) return;
  const size_t to_remove = total - max;

  if (params.strategy == Truncation::Strategy::kLongestFirst) {
    if (b == nullptr) {
      keep(a, max, params.direction);
      return;
    }
    size_t n1 = a.ids.size(), n2 = b->ids.size();
    const bool swapped = n1 > n2;
    if (swapped) std::swap(n1, n2);  // n1: the shorter length
    n2 = n1 > max ? n1 : std::max(n1, max - n1);
    if (n1 + n2 > max) {
      n1 = max / 2;
      n2 = n1 + max % 2;
    }
    if (swapped) std::swap(n1, n2);
    keep(a, n1, params.direction);
    keep(*b, n2, params.direction);
    return;
  }

  const bool first = params.strategy == Truncation::Strategy::kOnlyFirst;
  if (!first && b == nullptr) throw Error("truncation: only_second needs a pair of sequences");
  Encoding& target = first ? a : *b;
  if (target.ids.size() <= to_remove)
    throw Error("truncation: the " + std::string(first ? "first" : "second") + " sequence (" +
                std::to_string(target.ids.size()) + " tokens) is too short to remove " + std::to_string(to_remove));
  keep(target, target.ids.size() - to_remove, params.direction);
}

}  // namespace xenc
