// How the CLI writes scores: plain text and JSON pieces.
#pragma once

#include <string>
#include <string_view>

namespace xenc::cli {

// "0.987654": six significant digits, enough for 1e-6 relative differences.
std::string format_score(float score);
// format_score, or null for NaN and infinities (which JSON cannot carry).
std::string json_number(float value);
// A quoted, escaped JSON string.
std::string json_string(std::string_view text);

}  // namespace xenc::cli
