// Reading pair files for the model-running subcommands: every record must be
// a pair (two texts); errors name the file and line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/pair_file.h"

namespace xenc::cli {

// The two texts of a record; a record with one text is an error naming its line.
std::pair<std::string, std::string> take_pair(TextRecord&& record, const std::string& path);
// The records a file will give, counted cheaply from its non-empty lines, for
// a progress bar; nullopt for stdin.
std::optional<size_t> count_records(const std::string& path);
// "<stdin>" for "-".
std::string display_name(const std::string& path);

}  // namespace xenc::cli
