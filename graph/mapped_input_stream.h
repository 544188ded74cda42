// Feeds the protobuf parser from a mapped file in chunks and drops the pages
// it has passed. Parsing copies every raw_data field into the message, so a
// mapping left resident as well would double a model's memory at load.
#pragma once

#include <google/protobuf/io/zero_copy_stream.h>

#include <algorithm>
#include <cstdint>

#include "graph/mapped_file.h"

namespace xenc {

class MappedInputStream final : public google::protobuf::io::ZeroCopyInputStream {
 public:
  explicit MappedInputStream(const MappedFile& file) : file_(file) {}

  bool Next(const void** data, int* size) override {
    if (position_ >= file_.size()) return false;
    // The parser is done with every chunk before the one it last received
    // (BackUp only returns bytes of the last chunk).
    file_.release_prefix(last_chunk_start_);
    last_chunk_start_ = position_;
    const size_t n = std::min(kChunkBytes, file_.size() - position_);
    *data = file_.data() + position_;
    *size = static_cast<int>(n);
    position_ += n;
    return true;
  }
  void BackUp(int count) override { position_ -= static_cast<size_t>(count); }
  bool Skip(int count) override {
    if (static_cast<size_t>(count) > file_.size() - position_) {
      position_ = file_.size();
      return false;
    }
    position_ += static_cast<size_t>(count);
    return true;
  }
  int64_t ByteCount() const override { return static_cast<int64_t>(position_); }

 private:
  static constexpr size_t kChunkBytes = size_t{1} << 20;
  const MappedFile& file_;
  size_t position_ = 0;
  size_t last_chunk_start_ = 0;
};

}  // namespace xenc
