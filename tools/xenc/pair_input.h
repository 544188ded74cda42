// Pair-file helpers of the model-running subcommands (reading itself is
// runtime/pair_file.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "runtime/pair_file.h"

namespace xenc::cli {

// The records a file will give, counted cheaply from its non-empty lines, for
// a progress bar; nullopt for stdin.
std::optional<size_t> count_records(const std::string& path);

}  // namespace xenc::cli
