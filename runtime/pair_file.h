// Reading text pairs from a file or stdin; shared by the CLI (tokenize/score/rank/eval), the benches and CrossEncoder.
// Formats (the first non-empty line decides, unless the extension is .jsonl/.ndjson):
//   TSV    text_a<TAB>text_b[<TAB>label]; one column is a single text; 7 or
//          more columns are the STS benchmark layout (score in column 5,
//          sentences in 6 and 7)
//   JSONL  {"text_a": .., "text_b": .. (absent or null: a single text), "label": ..}
// Empty lines are skipped; errors name the file and the line (bad columns,
// bad JSON, a label that is not a number, bytes that are not UTF-8).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace xenc {

struct TextRecord {
  std::string a;
  std::optional<std::string> b;
  std::optional<double> label;
  size_t line = 0;
};

// `path` "-" reads stdin. Calls `visit` for each record, in file order.
void for_each_text_record(const std::string& path, const std::function<void(TextRecord&&)>& visit);

// The two texts of a record; a record with one text is an error naming its line.
std::pair<std::string, std::string> take_pair(TextRecord&& record, const std::string& path);

// "<stdin>" for "-", else the path: how errors name a pair file.
std::string display_name(const std::string& path);

}  // namespace xenc
