// The tokenizer.json of a model that encodes a pair's texts separately
// (models/encoder.h, EncoderOptions::separate_texts): its pair template
// becomes the single-text template twice, the first text's pieces with
// token type 0 and the second's with type 1, so that each text has the
// special tokens it has alone ("[CLS] A [SEP] [CLS] B [SEP]" for BERT).
// Reads a TemplateProcessing or BertProcessing post_processor; any other
// (or none) is an Error naming the file.
#pragma once

#include <filesystem>

namespace xenc {

// Writes `to` (atomically) as `from` with the pair template above.
void write_separate_texts_tokenizer(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace xenc
