// Writes that never leave a half-written file: data goes to a temporary
// file in the destination's directory, is flushed, then renamed over it.
#pragma once

#include <filesystem>
#include <string_view>

namespace xenc {

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace xenc
