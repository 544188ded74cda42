#include "exporter/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"

namespace xenc {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// The format is little-endian; the tensors are read in place.
static_assert(std::endian::native == std::endian::little, "safetensors reading assumes a little-endian host");

namespace {

constexpr size_t kLengthPrefix = 8;

// Bytes per element of the dtypes the format defines.
std::optional<size_t> element_size(std::string_view dtype) {
  static const std::map<std::string_view, size_t> kSizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"U16", 2}, {"I16", 2}, {"F16", 2},
      {"BF16", 2}, {"U32", 4}, {"I32", 4}, {"F32", 4},     {"U64", 8},     {"I64", 8}, {"F64", 8}};
  const auto it = kSizes.find(dtype);
  if (it == kSizes.end()) return std::nullopt;
  return it->second;
}

std::string byte_range(size_t begin, size_t end) {
  std::string range = "[";
  range.append(std::to_string(begin)).append(", ").append(std::to_string(end)).append(")");
  return range;
}

class HeaderReader {
 public:
  explicit HeaderReader(const fs::path& path) : file_(path.string()) {}

  [[noreturn]] void fail(const std::string& message) const { throw Error(file_ + ": " + message); }
  [[noreturn]] void fail(const std::string& tensor, const std::string& message) const {
    fail("tensor '" + tensor + "': " + message);
  }

  // Parses the JSON, refusing a name given twice (nlohmann would keep the last).
  Json parse(std::string_view text) const {
    std::string duplicate;
    std::set<std::string> names;
    const Json::parser_callback_t note_names = [&](int depth, Json::parse_event_t event, Json& parsed) {
      if (depth == 1 && event == Json::parse_event_t::key && !names.insert(parsed.get<std::string>()).second &&
          duplicate.empty())
        duplicate = parsed.get<std::string>();
      return true;
    };
    Json header;
    try {
      header = Json::parse(text.begin(), text.end(), note_names);
    } catch (const Json::exception& e) {
      fail("the header is not valid JSON: " + json_access::error_text(e));
    }
    if (!header.is_object()) fail("the header is not a JSON object");
    if (!duplicate.empty()) fail(duplicate, "named twice in the header");
    return header;
  }

  std::map<std::string, std::string> metadata(const Json& value) const {
    std::map<std::string, std::string> out;
    if (!value.is_object()) fail("__metadata__: expected an object of strings");
    for (const auto& [key, text] : value.items()) {
      if (!text.is_string()) fail("__metadata__." + key + ": expected a string");
      out[key] = text.get<std::string>();
    }
    return out;
  }

  SafetensorsFile::Entry entry(const std::string& name, const Json& value, size_t data_size) const {
    if (!value.is_object()) fail(name, "expected an object with dtype, shape and data_offsets");
    const auto field = [&](const char* key) -> const Json& {
      const auto it = value.find(key);
      if (it == value.end()) fail(name, std::string("missing ") + key);
      return *it;
    };
    SafetensorsFile::Entry e;
    const Json& dtype = field("dtype");
    if (!dtype.is_string()) fail(name, "dtype must be a string");
    e.dtype = dtype.get<std::string>();
    const std::optional<size_t> element = element_size(e.dtype);
    if (!element) fail(name, "unknown dtype '" + e.dtype + "'");

    const Json& shape = field("shape");
    if (!shape.is_array()) fail(name, "shape must be an array of non-negative integers");
    size_t bytes = *element;
    for (const Json& dim : shape) {
      if (!dim.is_number_unsigned()) fail(name, "shape must be an array of non-negative integers");
      const uint64_t d = dim.get<uint64_t>();
      if (d > static_cast<uint64_t>(INT64_MAX) || __builtin_mul_overflow(bytes, d, &bytes))
        fail(name, "shape " + shape.dump() + " is too large");
      e.shape.push_back(static_cast<int64_t>(d));
    }

    const Json& offsets = field("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned() || offsets[0].get<uint64_t>() > offsets[1].get<uint64_t>())
      fail(name, "data_offsets must be [begin, end] with 0 <= begin <= end");
    const uint64_t begin = offsets[0].get<uint64_t>();
    const uint64_t end = offsets[1].get<uint64_t>();
    if (end > data_size)
      fail(name, "data_offsets " + byte_range(begin, end) + " run past the end of the data (" +
                     std::to_string(data_size) + " bytes)");
    e.begin = static_cast<size_t>(begin);
    e.end = static_cast<size_t>(end);
    if (e.end - e.begin != bytes)
      fail(name, "data_offsets " + byte_range(e.begin, e.end) + " hold " + std::to_string(e.end - e.begin) +
                     " bytes, but " + e.dtype + " " + shape_str(e.shape) + " takes " + std::to_string(bytes));
    return e;
  }

  // The tensors must tile the data section exactly: no overlap, no hole.
  void check_layout(const std::map<std::string, SafetensorsFile::Entry>& entries, size_t data_size) const {
    std::vector<std::pair<const std::string*, const SafetensorsFile::Entry*>> order;
    for (const auto& [name, e] : entries) order.emplace_back(&name, &e);
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a.second->begin != b.second->begin ? a.second->begin < b.second->begin : a.second->end < b.second->end;
    });
    size_t covered = 0;
    const std::string* last = nullptr;
    for (const auto& [name, e] : order) {
      if (e->begin < covered)
        fail(*name, "bytes " + byte_range(e->begin, e->end) + " overlap tensor '" + *last + "'");
      if (e->begin > covered) fail("bytes " + byte_range(covered, e->begin) + " of the data belong to no tensor");
      if (e->end > e->begin || last == nullptr) last = name;
      covered = e->end;
    }
    if (covered != data_size) fail("bytes " + byte_range(covered, data_size) + " of the data belong to no tensor");
  }

 private:
  std::string file_;
};

}  // namespace

SafetensorsFile SafetensorsFile::open(const fs::path& path) {
  std::shared_ptr<MappedFile> mapped = MappedFile::open(path);
  const HeaderReader reader(path);
  const size_t size = mapped->size();
  if (size < kLengthPrefix)
    reader.fail("truncated: " + std::to_string(size) + " bytes, too short for the 8-byte header length");
  uint64_t header_length = 0;
  std::memcpy(&header_length, mapped->data(), kLengthPrefix);
  if (header_length > size - kLengthPrefix)
    reader.fail("header length " + std::to_string(header_length) + " runs past the end of the file (" +
                std::to_string(size) + " bytes)");
  const std::string_view text(reinterpret_cast<const char*>(mapped->data()) + kLengthPrefix,
                              static_cast<size_t>(header_length));
  const Json header = reader.parse(text);

  const size_t data_start = kLengthPrefix + static_cast<size_t>(header_length);
  const size_t data_size = size - data_start;
  SafetensorsFile file(path, std::move(mapped), data_start);
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__")
      file.metadata_ = reader.metadata(value);
    else
      file.entries_.emplace(name, reader.entry(name, value, data_size));
  }
  reader.check_layout(file.entries_, data_size);
  return file;
}

Tensor SafetensorsFile::read_float(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw Error(origin() + ": no tensor '" + name + "'");
  const Entry& e = it->second;
  const std::byte* bytes = file_->data() + data_start_ + e.begin;
  if (e.dtype == "F32") {
    if (reinterpret_cast<uintptr_t>(bytes) % alignof(float) == 0)
      return Tensor(DType::kFloat, e.shape, const_cast<std::byte*>(bytes), file_);
    Tensor copy(DType::kFloat, e.shape);
    std::memcpy(copy.raw(), bytes, copy.nbytes());
    return copy;
  }
  if (e.dtype != "F16" && e.dtype != "BF16")
    throw Error(origin() + ": tensor '" + name + "' has dtype " + e.dtype +
                "; only F32, F16 and BF16 tensors can be read as float");
  Tensor out(DType::kFloat, e.shape);
  float* values = out.data<float>();
  const bool half = e.dtype == "F16";
  for (int64_t i = 0; i < out.numel(); ++i) {
    uint16_t bits = 0;
    std::memcpy(&bits, bytes + 2 * i, sizeof bits);
    values[i] = half ? to_float(Float16{bits}) : to_float(BFloat16{bits});
  }
  return out;
}

}  // namespace xenc
