// `xenc quantize`: a copy of a model directory with its MatMul weights in
// int8 or bfloat16, as standard ONNX that ONNX Runtime (and xenc) loads.
//
// The rewrite touches every default-domain MatMul whose B is a 2-D float
// initializer (a "weight"); everything else is copied unchanged: the
// embeddings, LayerNorms, Gemms and the MatMuls of two activations (QK^T,
// attention x V) stay float.
//
// int8 is what onnxruntime.quantization.quantize_dynamic(per_channel=True,
// weight_type=QInt8) writes for such a MatMul, names included:
//   DynamicQuantizeLinear(A) -> A_quantized (uint8), A_scale, A_zero_point
//       node "<A>_QuantizeLinear", one per distinct A, shared by every
//       rewritten MatMul reading A (the Q, K and V projections);
//   Mul "<mm>_quant_scales_mul"(A_scale, B_scale) -> "<mm>_quant_scales_mul:0"
//   MatMulInteger "<mm>_quant"(A_quantized, B_quantized, A_zero_point)
//       -> "<Y>_output_quantized" (int32)
//   Cast "<Y>_output_quantized_cast"(to float) -> "<Y>_output_quantized_cast_output"
//   Mul "<mm>_quant_output_scale_mul"(cast output, scales product) -> Y
// where <mm> is the MatMul's node name and Y its output, kept on the last
// Mul. B becomes "<B>_quantized" (int8 [K, N]) and "<B>_scale" (float
// [N]) by ops/common/weight_quantization.h (symmetric per column, the same
// integers and scales as ORT's tool and as xenc's `--precision int8`).
// Unlike ORT's tool, MatMulInteger gets no B zero point (it would be all
// zeros) and the embedding tables stay float.
//
// bf16 stores each weight as "<B>_bf16" (bfloat16, rounded to nearest
// even) and reads it through one Cast "<B>_bf16_Cast"(to float) ->
// "<B>_bf16_cast_output" per weight, so the products run in float on the
// bf16-rounded weights.
//
// A float weight that something other than the rewritten MatMuls reads
// (another op, a graph output) stays beside its converted copy. A name that
// is already taken gets a suffix "_1", "_2", ...
//
// Opsets: DynamicQuantizeLinear needs default-domain opset 11, a bfloat16
// Cast 13. A model importing less has its opset raised when that changes no
// op it uses (every op's schema is the same version at both opsets,
// according to libonnx's registry); otherwise it is an Error naming the
// opsets and the first op that would change.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "graph/ir.h"

namespace xenc {

enum class QuantizedWeights { int8, bf16 };

// "int8" or "bf16".
const char* quantized_weights_name(QuantizedWeights to);

struct WeightQuantizationStats {
  int64_t mat_muls = 0;        // MatMuls rewritten
  int64_t weights = 0;         // distinct weights converted
  int64_t kept_float = 0;      // converted weights whose float original stays (read elsewhere too)
  int64_t float_mat_muls = 0;  // default-domain MatMuls left as they were (B is not a 2-D float initializer)
  int opset_before = 0;        // the default domain's imported version, before and after
  int opset_after = 0;
};

// Rewrites `graph` in place. A graph without any MatMul to convert, or
// whose opset cannot be raised, is an Error (the graph is then unchanged).
WeightQuantizationStats quantize_mat_mul_weights(Graph& graph, QuantizedWeights to);

struct QuantizedExportResult {
  std::filesystem::path source;  // the ONNX file read
  WeightQuantizationStats stats;
  std::vector<std::string> copied;  // config.json and the tokenizer files, as export copies them
  uint64_t source_bytes = 0;        // of the ONNX file read and the one written
  uint64_t written_bytes = 0;
};

// Reads the model directory `from` (its ONNX file as ModelDirectory::open
// picks it, or `onnx_file` relative to it) and writes `out` as
// exporter/export_directory.h does: onnx/model.onnx (exporter/onnx_writer.h:
// checked by onnx::checker and strict shape inference first), config.json
// and the tokenizer files copied unchanged. `out` must be new or an empty
// directory; `from` is only read. Errors name the file at fault.
QuantizedExportResult export_quantized(const std::filesystem::path& from, const std::filesystem::path& out,
                                       QuantizedWeights to, const std::string& onnx_file = "");

}  // namespace xenc
