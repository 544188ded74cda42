// Fuzzes the pair-file readers: records and pairs of a file whose format is
// detected from its first line (TSV or JSONL) and of one named .jsonl, and
// the labelled pairs `xenc eval` and the trainer read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "graph/error.h"
#include "runtime/labelled_pairs.h"
#include "runtime/pair_file.h"
#include "tests/unit/temp_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The readers take a path (the extension may decide the format).
  static const xenc::test::TempDir dir;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"pairs.tsv", "pairs.jsonl"}) {
    const std::string file = dir.write(name, bytes).string();
    try {
      xenc::for_each_text_record(file, [&](xenc::TextRecord&& record) {
        try {
          xenc::take_pair(std::move(record), file);
        } catch (const xenc::Error&) {
          // A single text where a pair is needed; the next records still count.
        }
      });
    } catch (const xenc::Error&) {
      // A malformed line: the expected outcome for many inputs.
    }
    try {
      xenc::read_labelled_pairs(file);
    } catch (const xenc::Error&) {
    }
  }
  return 0;
}
