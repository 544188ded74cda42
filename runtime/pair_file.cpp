#include "runtime/pair_file.h"

#include <charconv>
#include <fstream>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> columns;
  for (size_t start = 0;;) {
    const size_t tab = line.find('\t', start);
    columns.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return columns;
    start = tab + 1;
  }
}

double parse_label(std::string_view text, const std::string& where) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw Error(where + ": label '" + std::string(text) + "' is not a number");
  return value;
}

TextRecord tsv_record(std::string_view line, const std::string& where) {
  const std::vector<std::string_view> c = split_tabs(line);
  TextRecord r;
  if (c.size() >= 7) {  // STS benchmark: genre, file, year, id, score, sentence 1, sentence 2[, sources]
    r.a = c[5];
    r.b = std::string(c[6]);
    r.label = parse_label(c[4], where);
  } else if (c.size() <= 3) {
    r.a = c[0];
    if (c.size() >= 2) r.b = std::string(c[1]);
    if (c.size() == 3) r.label = parse_label(c[2], where);
  } else {
    throw Error(where + ": expected 1 to 3 tab-separated columns (or 7 or more for the STS benchmark), got " +
                std::to_string(c.size()));
  }
  return r;
}

std::string json_text(const nlohmann::json& j, const char* key, const std::string& where) {
  const nlohmann::json& v = j.at(key);
  if (!v.is_string()) throw Error(where + ": " + key + ": expected a string, got " + v.type_name());
  return v.get<std::string>();
}

TextRecord jsonl_record(std::string_view line, const std::string& where) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    throw Error(where + ": invalid JSON: " + json_access::error_text(e));
  }
  if (!j.is_object()) throw Error(where + ": expected a JSON object, got " + std::string(j.type_name()));
  if (!j.contains("text_a")) throw Error(where + ": text_a: missing");
  TextRecord r;
  r.a = json_text(j, "text_a", where);
  if (j.contains("text_b") && !j["text_b"].is_null()) r.b = json_text(j, "text_b", where);
  if (j.contains("label") && !j["label"].is_null()) {
    const nlohmann::json& label = j["label"];
    if (label.is_number())
      r.label = label.get<double>();
    else if (label.is_string())
      r.label = parse_label(label.get_ref<const std::string&>(), where);
    else
      throw Error(where + ": label: expected a number, got " + std::string(label.type_name()));
  }
  return r;
}

}  // namespace

void for_each_text_record(const std::string& path, const std::function<void(TextRecord&&)>& visit) {
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw Error(path + ": cannot open");
  }
  std::istream& in = path == "-" ? std::cin : file;
  const std::string name = path == "-" ? "<stdin>" : path;
  std::optional<bool> jsonl;
  if (path.ends_with(".jsonl") || path.ends_with(".ndjson")) jsonl = true;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (!jsonl) jsonl = line.front() == '{';
    const std::string where = name + ":" + std::to_string(n);
    if (!unicode::is_valid_utf8(line)) throw Error(where + ": not valid UTF-8 text");
    TextRecord r = *jsonl ? jsonl_record(line, where) : tsv_record(line, where);
    r.line = n;
    visit(std::move(r));
  }
  if (in.bad()) throw Error(name + ": read error");
}

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::pair<std::string, std::string> take_pair(TextRecord&& record, const std::string& path) {
  if (!record.b)
    throw Error(display_name(path) + ":" + std::to_string(record.line) +
                ": expected a pair (text_a<TAB>text_b, or JSONL text_a and text_b), got one text");
  return {std::move(record.a), std::move(*record.b)};
}

}  // namespace xenc
