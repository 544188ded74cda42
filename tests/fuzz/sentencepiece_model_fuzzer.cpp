// Fuzzes reading a SentencePiece .model and, when it reads, converting it to
// a tokenizer as each tokenizer class that uses one would (XLM-R, DeBERTa-v2)
// and encoding a pair with the result.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "runtime/tokenizer/sentencepiece_conversion.h"
#include "runtime/tokenizer/sentencepiece_model.h"
#include "runtime/tokenizer/tokenizer.h"
#include "tests/unit/temp_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    xenc::SentencePieceModel::parse(bytes, "spm.model");
  } catch (const xenc::Error&) {
    return 0;  // rejected by the reader: the expected outcome for most inputs
  }
  // The conversion reads the model from a file of its own.
  static const xenc::test::TempDir dir;
  const auto model_file = dir.write("spm.model", bytes);
  for (const char* tokenizer_class : {"XLMRobertaTokenizer", "DebertaV2Tokenizer"}) {
    try {
      const nlohmann::json document =
          xenc::sentencepiece_to_tokenizer_json(model_file, {{"tokenizer_class", tokenizer_class}});
      const xenc::Tokenizer tokenizer = xenc::Tokenizer::from_json(document, model_file.string());
      tokenizer.encode_pair("Héllo,  WORLD! it's 42", "東京 café 🙂", /*max_length=*/0);
    } catch (const xenc::Error&) {
      // A model the conversion rejects.
    }
  }
  return 0;
}
