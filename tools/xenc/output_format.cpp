#include "tools/xenc/output_format.h"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace xenc::cli {

std::string format_score(float score) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", static_cast<double>(score));
  return text;
}

std::string json_number(float value) { return std::isfinite(value) ? format_score(value) : "null"; }

std::string json_string(std::string_view text) { return nlohmann::json(text).dump(); }

}  // namespace xenc::cli
