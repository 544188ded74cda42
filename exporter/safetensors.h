// Reads .safetensors checkpoints (the format transformers' save_pretrained
// writes):
//   8 bytes    N, the header length, unsigned little-endian
//   N bytes    a JSON object: {"<name>": {"dtype": "F32", "shape": [..],
//              "data_offsets": [begin, end]}, ..., "__metadata__": {string: string}}
//   the rest   the tensors' raw little-endian bytes; offsets count from here
// The file is memory-mapped. open() validates the whole header before any
// tensor is read: the header length against the file size, unique names,
// known dtypes, non-negative shapes, offsets inside the data section whose
// length is the shape's element count times the dtype size, and tensors
// that neither overlap nor leave bytes between them (the format allows no
// holes). Every error names the file and, where there is one, the tensor.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "graph/mapped_file.h"
#include "graph/tensor.h"
#include "models/weight_source.h"

namespace xenc {

class SafetensorsFile final : public WeightSource {
 public:
  struct Entry {
    std::string dtype;  // as the header spells it: "F32", "BF16", "I64", ...
    Shape shape;
    size_t begin = 0;  // byte range in the data section
    size_t end = 0;
  };

  static SafetensorsFile open(const std::filesystem::path& path);

  const std::map<std::string, Entry>& entries() const { return entries_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  bool contains(const std::string& name) const override { return entries_.count(name) != 0; }
  // F32 tensors are views of the mapping (copied when misaligned); F16 and
  // BF16 are converted. Any other dtype is an error.
  Tensor read_float(const std::string& name) const override;
  std::string origin() const override { return path_.string(); }

 private:
  SafetensorsFile(std::filesystem::path path, std::shared_ptr<MappedFile> file, size_t data_start)
      : path_(std::move(path)), file_(std::move(file)), data_start_(data_start) {}

  std::filesystem::path path_;
  std::shared_ptr<MappedFile> file_;
  size_t data_start_;  // 8 + header length
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace xenc
