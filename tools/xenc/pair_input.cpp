#include "tools/xenc/pair_input.h"

#include <fstream>

#include "graph/error.h"

namespace xenc::cli {

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
