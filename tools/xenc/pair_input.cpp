#include "tools/xenc/pair_input.h"

#include <fstream>

#include "graph/error.h"

namespace xenc::cli {

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::pair<std::string, std::string> take_pair(TextRecord&& record, const std::string& path) {
  if (!record.b)
    throw Error(display_name(path) + ":" + std::to_string(record.line) +
                ": expected a pair (text_a<TAB>text_b, or JSONL text_a and text_b), got one text");
  return {std::move(record.a), std::move(*record.b)};
}

std::optional<size_t> count_records(const std::string& path) {
  if (path == "-") return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  size_t count = 0;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line != "\r") ++count;
  return count;
}

}  // namespace xenc::cli
