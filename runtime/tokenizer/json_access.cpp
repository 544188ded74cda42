#include "runtime/tokenizer/json_access.h"

#include <limits>

#include "graph/error.h"
#include "graph/mapped_file.h"

namespace xenc::json_access {

std::string read_text_file(const std::filesystem::path& file) {
  // Mapped, so a path that names a device or a FIFO is refused rather than read forever.
  const auto mapped = MappedFile::open(file);
  return std::string(reinterpret_cast<const char*>(mapped->data()), mapped->size());
}

Json read_file(const std::filesystem::path& file) {
  const std::string text = read_text_file(file);
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    throw Error(file.string() + ": invalid JSON: " + error_text(e));
  }
}

std::string error_text(const Json::exception& e) {
  const std::string message = e.what();
  const auto prefix_end = message.find("] ");
  return prefix_end == std::string::npos ? message : message.substr(prefix_end + 2);
}

std::string path(const std::string& where, std::string_view key) {
  // The file name ends in ": "; a top-level key follows it directly.
  if (!where.empty() && where.back() == ' ') return where + std::string(key);
  return where + "." + std::string(key);
}

std::string path(const std::string& where, size_t index) { return where + "[" + std::to_string(index) + "]"; }

void fail(const std::string& where, const std::string& message) { throw Error(where + ": " + message); }

void fail_type(const std::string& where, std::string_view what, const Json& got) {
  fail(where, "expected " + std::string(what) + ", got " + got.type_name());
}

void require_object(const Json& j, const std::string& where) {
  if (!j.is_object()) fail_type(where, "an object", j);
}

const Json& member(const Json& j, std::string_view key, const std::string& where) {
  require_object(j, where);
  auto it = j.find(key);
  if (it == j.end()) fail(path(where, key), "missing");
  return *it;
}

const Json* optional_member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string as_string(const Json& j, const std::string& where) {
  if (!j.is_string()) fail_type(where, "a string", j);
  return j.get<std::string>();
}

int64_t as_int(const Json& j, const std::string& where) {
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    fail(where, "integer " + std::to_string(j.get<uint64_t>()) + " is too large");
  if (!j.is_number_integer()) fail_type(where, "an integer", j);
  return j.get<int64_t>();
}

uint32_t as_u32(const Json& j, const std::string& where) {
  const int64_t v = as_int(j, where);
  if (v < 0 || v > std::numeric_limits<uint32_t>::max())
    fail(where, "expected an unsigned 32-bit integer, got " + std::to_string(v));
  return static_cast<uint32_t>(v);
}

double as_double(const Json& j, const std::string& where) {
  if (!j.is_number()) fail_type(where, "a number", j);
  return j.get<double>();
}

bool as_bool(const Json& j, const std::string& where) {
  if (!j.is_boolean()) fail_type(where, "a boolean", j);
  return j.get<bool>();
}

std::string string_member(const Json& j, std::string_view key, const std::string& where) {
  return as_string(member(j, key, where), path(where, key));
}

std::optional<std::string> optional_string(const Json& j, std::string_view key, const std::string& where) {
  const Json* m = optional_member(j, key);
  if (m == nullptr) return std::nullopt;
  return as_string(*m, path(where, key));
}

bool bool_member(const Json& j, std::string_view key, const std::string& where, bool fallback) {
  const Json* m = optional_member(j, key);
  return m == nullptr ? fallback : as_bool(*m, path(where, key));
}

uint32_t u32_member(const Json& j, std::string_view key, const std::string& where, uint32_t fallback) {
  const Json* m = optional_member(j, key);
  return m == nullptr ? fallback : as_u32(*m, path(where, key));
}

std::optional<std::string> type_tag(const Json& j, const std::string& where) {
  require_object(j, where);
  return optional_string(j, "type", where);
}

}  // namespace xenc::json_access
