#include "exporter/export_directory.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "graph/atomic_file.h"
#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"

namespace xenc {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTokenizerFiles[] = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                           "added_tokens.json", "vocab.txt", "vocab.json", "merges.txt"};

// A directory next to the destination, removed with its contents unless it
// is renamed into place.
class StagingDirectory {
 public:
  explicit StagingDirectory(const fs::path& out) {
    const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    std::random_device random;
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string name = ".";
      name.append(out.filename().string()).append(".tmp-").append(std::to_string(random()));
      path_ = parent / name;
      // mkdir (not mkdtemp): the umask gives the finished directory its usual permissions.
      if (::mkdir(path_.c_str(), 0777) == 0) return;
      if (errno != EEXIST)
        throw Error(out.string() + ": cannot create a temporary directory in " + parent.string() + ": " +
                    std::strerror(errno));
    }
    throw Error(out.string() + ": cannot find a free temporary directory name in " + parent.string());
  }
  ~StagingDirectory() {
    if (committed_) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;

  const fs::path& path() const { return path_; }

  // rename(2) also replaces an empty directory.
  void commit(const fs::path& out) {
    if (::rename(path_.c_str(), out.c_str()) != 0)
      throw Error(out.string() + ": cannot move the exported directory into place: " + std::strerror(errno));
    committed_ = true;
  }

 private:
  fs::path path_;
  bool committed_ = false;
};

}  // namespace

fs::path export_destination(const fs::path& out) { return out.has_filename() ? out : out.parent_path(); }

void check_export_destination(const fs::path& out) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(out, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) throw Error(out.string() + ": exists and is not a directory");
    if (!fs::is_empty(out, ec)) throw Error(out.string() + ": exists and is not empty; export into a new directory");
  }
  const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(parent, ec)) throw Error(parent.string() + ": no such directory to export into");
}

std::vector<std::string> tokenizer_files(const fs::path& dir) {
  std::vector<std::string> sentencepiece;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".model" && e.is_regular_file(ec))
      sentencepiece.push_back(e.path().filename().string());
  std::sort(sentencepiece.begin(), sentencepiece.end());
  std::vector<std::string> names;
  for (const char* name : kTokenizerFiles)
    if (fs::is_regular_file(dir / name, ec)) names.push_back(name);
  names.insert(names.end(), sentencepiece.begin(), sentencepiece.end());
  return names;
}

void copy_files(const fs::path& from, const std::vector<std::string>& names, const fs::path& to) {
  for (const std::string& name : names) write_file_atomically(to / name, json_access::read_text_file(from / name));
}

void write_export_directory(const fs::path& out, const std::function<void(const fs::path& staging)>& fill) {
  check_export_destination(out);
  StagingDirectory staging(out);
  try {
    fill(staging.path());
  } catch (const std::exception& e) {
    // Name the file by where it was going: the staging directory is gone once this returns.
    std::string message = e.what();
    const std::string staged = staging.path().string();
    for (size_t at = message.find(staged); at != std::string::npos; at = message.find(staged, at + 1))
      message.replace(at, staged.size(), out.string());
    throw Error(message);
  }
  staging.commit(out);
}

}  // namespace xenc
