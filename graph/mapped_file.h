// A read-only memory mapping of a whole file, shared by the tensors that
// view into it (external initializer data is mapped, not copied).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

namespace xenc {

class MappedFile {
 public:
  // Throws Error naming the file when it cannot be opened or mapped.
  static std::shared_ptr<MappedFile> open(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  // Tells the kernel the pages of [0, bytes) will not be read again, so they
  // leave this process's resident memory (they are re-read from the file if
  // they are touched after all).
  void release_prefix(size_t bytes) const;

 private:
  MappedFile(const std::byte* data, size_t size) : data_(data), size_(size) {}
  const std::byte* data_;
  size_t size_;
};

}  // namespace xenc
