// The bytes of .safetensors files for the tests: well-formed ones from
// entries laid out back to back, and malformed ones from a raw header and data.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/tensor.h"

namespace xenc::test {

struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // "F32", "F16", ...
  Shape shape;
  std::string bytes;  // raw little-endian data
};

inline std::string safetensors_bytes(const std::string& header, const std::string& data) {
  const uint64_t length = header.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &length, 8);
  return out + header + data;
}

inline std::string safetensors_bytes(const std::vector<SafetensorsEntry>& entries) {
  nlohmann::json header = {{"__metadata__", {{"format", "pt"}}}};
  std::string data;
  for (const SafetensorsEntry& e : entries) {
    const size_t end = data.size() + e.bytes.size();
    header[e.name] = {{"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {data.size(), end}}};
    data += e.bytes;
  }
  return safetensors_bytes(header.dump(), data);
}

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

inline SafetensorsEntry f32_entry(std::string name, Shape shape, const std::vector<float>& values) {
  return {std::move(name), "F32", std::move(shape), raw_bytes(values)};
}

}  // namespace xenc::test
