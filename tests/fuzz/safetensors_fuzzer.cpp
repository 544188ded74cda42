// Fuzzes opening a .safetensors checkpoint and reading every tensor of it as
// float, as the exporter reads a Hugging Face checkpoint.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporter/safetensors.h"
#include "graph/error.h"
#include "tests/unit/temp_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // SafetensorsFile memory-maps a path.
  static const xenc::test::TempDir dir;
  const auto file = dir.write("model.safetensors", std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const xenc::SafetensorsFile checkpoint = xenc::SafetensorsFile::open(file);
    for (const auto& [name, entry] : checkpoint.entries()) {
      try {
        checkpoint.read_float(name);
      } catch (const xenc::Error&) {
        // A dtype that does not convert to float; the other tensors still read.
      }
    }
  } catch (const xenc::Error&) {
    // A rejected file: the expected outcome for most inputs.
  }
  return 0;
}
