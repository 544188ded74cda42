// How every xenc export writes a model directory (`xenc export`,
// `xenc quantize`): into a temporary directory next to the destination,
// renamed into place once complete, so the destination either appears
// whole or not at all. An existing destination must be an empty directory.
// Every failure is an Error naming the file at fault by where it was going
// (never the temporary directory), and leaves nothing behind.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace xenc {

// The destination directory named by an --out argument ("out/" is "out").
std::filesystem::path export_destination(const std::filesystem::path& out);

// Throws unless `out` is absent or an empty directory, and its parent exists.
void check_export_destination(const std::filesystem::path& out);

// The tokenizer files present in `dir`, in the order an export copies
// them: tokenizer.json, tokenizer_config.json, special_tokens_map.json,
// added_tokens.json, vocab.txt, vocab.json, merges.txt, then the
// SentencePiece *.model files by name.
std::vector<std::string> tokenizer_files(const std::filesystem::path& dir);

// Copies the files `names` of `from` into `to` (each written atomically).
void copy_files(const std::filesystem::path& from, const std::vector<std::string>& names,
                const std::filesystem::path& to);

// Checks `out` (check_export_destination), creates the temporary directory,
// lets `fill` write the contents into it and renames it to `out`.
void write_export_directory(const std::filesystem::path& out,
                            const std::function<void(const std::filesystem::path& staging)>& fill);

}  // namespace xenc
