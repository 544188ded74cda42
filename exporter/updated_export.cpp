#include "exporter/updated_export.h"

#include <vector>

#include "exporter/export_directory.h"
#include "exporter/initializer_update.h"

namespace xenc {

namespace fs = std::filesystem;

void export_updated_model(const ModelDirectory& source, const std::map<std::string, Tensor>& updates,
                          const fs::path& out, const std::function<void(const fs::path& staging)>& extra) {
  std::vector<std::string> copied;
  std::error_code ec;
  if (fs::is_regular_file(source.dir / "config.json", ec)) copied.push_back("config.json");
  for (const std::string& name : tokenizer_files(source.dir)) copied.push_back(name);
  const fs::path onnx_relative = source.onnx_file.lexically_relative(source.dir);
  write_export_directory(export_destination(out), [&](const fs::path& staging) {
    fs::create_directories((staging / onnx_relative).parent_path());
    update_initializers(source.onnx_file, updates, staging / onnx_relative);
    copy_files(source.dir, copied, staging);
    if (extra) extra(staging);
  });
}

}  // namespace xenc
