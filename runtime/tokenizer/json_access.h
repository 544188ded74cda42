// Checked reads of tokenizer.json fields. Every failure throws xenc::Error
// naming the file and the JSON path, e.g.
//   "tokenizer.json: model.unk_id: expected an unsigned integer, got string".
// `where` is the path of the object being read ("tokenizer.json: model").
#pragma once

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace xenc::json_access {

using Json = nlohmann::json;

// The bytes of a file; a missing file is an error naming it.
std::string read_text_file(const std::filesystem::path& file);
// Parses a JSON file; a missing file or bad JSON is an error naming the file.
Json read_file(const std::filesystem::path& file);
// What nlohmann says about bad JSON (a parse_error, or out_of_range for a
// number beyond double) without its "[json.exception.parse_error.101] " prefix.
std::string error_text(const Json::exception& e);

// "tokenizer.json: model" + "vocab" -> "tokenizer.json: model.vocab".
std::string path(const std::string& where, std::string_view key);
// "tokenizer.json: model.merges" + 3 -> "tokenizer.json: model.merges[3]".
std::string path(const std::string& where, size_t index);

[[noreturn]] void fail(const std::string& where, const std::string& message);
// "expected <what>, got <json type>".
[[noreturn]] void fail_type(const std::string& where, std::string_view what, const Json& got);

// The object at `where` must be a JSON object.
void require_object(const Json& j, const std::string& where);
// A required member; missing is an error.
const Json& member(const Json& j, std::string_view key, const std::string& where);
// A member that may be missing or null.
const Json* optional_member(const Json& j, std::string_view key);

std::string as_string(const Json& j, const std::string& where);
int64_t as_int(const Json& j, const std::string& where);
uint32_t as_u32(const Json& j, const std::string& where);
double as_double(const Json& j, const std::string& where);
bool as_bool(const Json& j, const std::string& where);

// Hot-loop variants for large vocabularies: `where` is a callable returning
// the path, called only when the value is bad.
template <typename Where>
  requires std::invocable<Where>
uint32_t as_u32(const Json& j, Where&& where) {
  if (j.is_number_unsigned() && j.get<uint64_t>() <= UINT32_MAX) return static_cast<uint32_t>(j.get<uint64_t>());
  return as_u32(j, std::string(where()));
}
template <typename Where>
  requires std::invocable<Where>
const std::string& as_string(const Json& j, Where&& where) {
  if (!j.is_string()) fail_type(where(), "a string", j);
  return j.get_ref<const std::string&>();
}
template <typename Where>
  requires std::invocable<Where>
double as_double(const Json& j, Where&& where) {
  if (!j.is_number()) fail_type(where(), "a number", j);
  return j.get<double>();
}

std::string string_member(const Json& j, std::string_view key, const std::string& where);
// Missing or null -> nullopt.
std::optional<std::string> optional_string(const Json& j, std::string_view key, const std::string& where);
bool bool_member(const Json& j, std::string_view key, const std::string& where, bool fallback);
uint32_t u32_member(const Json& j, std::string_view key, const std::string& where, uint32_t fallback);

// The "type" tag of a component section, or nullopt when absent.
std::optional<std::string> type_tag(const Json& j, const std::string& where);

// The stages of a Sequence component: make(element, its path) for each
// element of the array member `key`; null elements are errors.
template <typename Make>
auto read_stages(const Json& j, std::string_view key, const std::string& where, Make&& make) {
  const std::string at = path(where, key);
  const Json& list = member(j, key, where);
  if (!list.is_array()) fail_type(at, "an array", list);
  std::vector<decltype(make(list, at))> stages;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) fail_type(path(at, i), "an object", list[i]);
    stages.push_back(make(list[i], path(at, i)));
  }
  return stages;
}

}  // namespace xenc::json_access
