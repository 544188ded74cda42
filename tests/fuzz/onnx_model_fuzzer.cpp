// Fuzzes what happens to an ONNX file before the first run: load_onnx, then a
// session over the graph (topological sort, shape inference with every
// registered op, the step list). The optimizing passes stay off: they run
// kernels on constant tensors, so a fuzzed shape would turn into a slow or
// huge computation rather than a check.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "graph/error.h"
#include "graph/onnx_loader.h"
#include "runtime/session.h"
#include "tests/unit/temp_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // load_onnx takes a path (it maps the file and reads external data beside it).
  static const xenc::test::TempDir dir;
  const auto model_file = dir.write("model.onnx", std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    xenc::Model model = xenc::load_onnx(model_file);
    const xenc::Session session(std::move(model.graph), {.optimize = false});
  } catch (const xenc::Error&) {
    // A rejected model: the expected outcome for most inputs.
  }
  return 0;
}
