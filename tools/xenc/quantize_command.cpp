// xenc quantize DIR --to int8|bf16 --out DIR [--onnx-file FILE]: a copy of a
// model directory with its MatMul weights in int8 (ONNX Runtime's dynamic
// quantization form) or bfloat16, and its embedding tables alike
// (exporter/quantized_export.h).
#include <iomanip>
#include <iostream>
#include <sstream>

#include "exporter/quantized_export.h"
#include "tools/xenc/commands.h"

namespace xenc::cli {

namespace {

struct QuantizeArgs {
  std::string dir;
  std::string to;
  std::string out;
  std::string onnx_file;
};

// "1 MatMul", "36 MatMuls".
std::string count_text(int64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// "59.2 MB", "483.6 kB".
std::string size_text(uint64_t bytes) {
  const bool mb = bytes >= 1'000'000;
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (mb ? 1e6 : 1e3) << (mb ? " MB" : " kB");
  return s.str();
}

void run_quantize(const QuantizeArgs& args) {
  const QuantizedWeights to = args.to == "int8" ? QuantizedWeights::int8 : QuantizedWeights::bf16;
  const QuantizedExportResult result = export_quantized(args.dir, args.out, to, args.onnx_file);
  const WeightQuantizationStats& s = result.stats;
  std::cout << "converted " << count_text(s.weights, "weight") << " of " << count_text(s.mat_muls, "MatMul")
            << " to " << quantized_weights_name(to);
  if (s.float_mat_muls > 0)
    std::cout << " (" << count_text(s.float_mat_muls, "MatMul") << " without a constant weight stay float)";
  std::cout << "\nconverted " << count_text(s.tables, "embedding table") << " of " << count_text(s.gathers, "Gather")
            << " to " << quantized_weights_name(to);
  if (s.float_tables > 0)
    std::cout << " (" << count_text(s.float_tables, "table") << " under " << kMinEmbeddingTableElements
              << " elements or read by other ops too " << (s.float_tables == 1 ? "stays" : "stay") << " float)";
  std::cout << "\nwrote " << (std::filesystem::path(args.out) / "onnx" / "model.onnx").string() << ": "
            << size_text(result.written_bytes) << " (" << result.source.string() << ": "
            << size_text(result.source_bytes) << ")\n";
  if (s.opset_after != s.opset_before)
    std::cout << "raised the default opset from " << s.opset_before << " to " << s.opset_after << "\n";
  if (s.kept_float > 0)
    std::cout << "kept " << count_text(s.kept_float, "float weight") << " that other nodes also read\n";
  std::cout << "copied";
  for (const std::string& file : result.copied) std::cout << " " << file;
  std::cout << (result.copied.empty() ? " no config or tokenizer files\n" : "\n");
}

}  // namespace

void add_quantize_command(CLI::App& app) {
  auto args = std::make_shared<QuantizeArgs>();
  CLI::App* cmd = app.add_subcommand("quantize",
                                     "Write a copy of a model directory with int8 or bf16 MatMul weights and embedding "
                                     "tables, loadable by any ONNX runtime");
  cmd->add_option("DIR", args->dir, "Model directory: config.json, tokenizer files, model.onnx or onnx/model*.onnx")
      ->required();
  cmd->add_option("--to", args->to,
                  "int8 (ONNX Runtime's dynamic quantization: DynamicQuantizeLinear + MatMulInteger, weights per "
                  "column; embedding tables per row behind DequantizeLinear) or bf16 (bfloat16 weights and tables "
                  "cast to float)")
      ->required()
      ->check(CLI::IsMember({"int8", "bf16"}));
  cmd->add_option("--out", args->out,
                  "New (or empty) directory to write: onnx/model.onnx, config.json, tokenizer files")
      ->required();
  cmd->add_option("--onnx-file", args->onnx_file,
                  "The ONNX file to quantize, relative to DIR (default: the only one, or onnx/model.onnx)");
  cmd->callback([args] { run_quantize(*args); });
}

}  // namespace xenc::cli
