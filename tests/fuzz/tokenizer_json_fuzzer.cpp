// Fuzzes building a tokenizer from tokenizer.json and, when it builds,
// encoding a batch with it, so that the components the document describes
// run on text (with and without truncation, a pair and a single text).
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "runtime/tokenizer/tokenizer.h"

namespace {

// Mixed case, accents, digits, punctuation, runs of spaces, a tab, CJK, an
// emoji and special-token look-alikes: text that most normalizers,
// pre-tokenizers and added tokens act on.
constexpr const char* kTextA = "Héllo,  WORLD!\tit's 42 <mask> [SEP] naïve";
constexpr const char* kTextB = "東京 is café-ready 🙂 </s>";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json document = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;  // not JSON: Tokenizer::from_json never sees it
  try {
    const xenc::Tokenizer tokenizer = xenc::Tokenizer::from_json(document, "tokenizer.json");
    const xenc::TextPair texts[] = {{kTextA, kTextB}, {kTextB, std::nullopt}};
    tokenizer.encode_batch(texts, /*max_length=*/0);
    tokenizer.encode_batch(texts, /*max_length=*/7);
  } catch (const xenc::Error&) {
    // A rejected document: the expected outcome for most inputs.
  }
  return 0;
}
