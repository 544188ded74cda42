// `xenc quantize`: a copy of a model directory with its MatMul weights and
// embedding tables in int8 or bfloat16, as standard ONNX that ONNX Runtime
// (and xenc) loads.
//
// The rewrite touches every default-domain MatMul whose B is a 2-D float
// initializer (a "weight") and every embedding table: a 2-D float
// initializer of at least 1024 elements that only default-domain Gathers
// read, as their data (word, position and token-type embeddings; two
// Gathers of one table share its converted copy). Everything else is
// copied unchanged: LayerNorms, Gemms, the MatMuls of two activations (QK^T,
// attention x V), smaller tables and tables something else reads too.
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
// zeros).
//
// An int8 embedding table T [V, H] becomes "<T>_quantized" (int8 [V, H])
// and "<T>_scale" (float [V]), by the same rule per row (one scale per
// token's vector, where ORT's tool would use one per table, if any), read by
// DequantizeLinear "<T>_DequantizeLinear"(axis 0) ->
// "<T>_DequantizeLinear_Output", the float table the Gathers read. It costs
// nothing at run time once the DequantizeLinear of two constants is folded
// at load (xenc's graph/passes/constant_folding.cpp folds it when the float
// table is at most 16 MiB; a larger one is dequantized on every run).
//
// bf16 stores each weight or table as "<W>_bf16" (bfloat16, rounded to
// nearest even) and reads it through one Cast "<W>_bf16_Cast"(to float) ->
// "<W>_bf16_cast_output" per weight, so the products run in float on the
// bf16-rounded weights and the Gathers read bf16-rounded tables.
//
// A float weight that something other than the rewritten MatMuls reads
// (another op, a graph output) stays beside its converted copy. A name that
// is already taken gets a suffix "_1", "_2", ...
//
// Opsets: DynamicQuantizeLinear needs default-domain opset 11; a per-axis
// DequantizeLinear (int8 with a table to convert) and a bfloat16 Cast 13.
// A model importing less has its opset raised when that changes no op it
// uses (every op's schema is the same version at both opsets, according to
// libonnx's registry); otherwise it is an Error naming the opsets and the
// first op that would change.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "graph/ir.h"

namespace xenc {

enum class QuantizedWeights { int8, bf16 };

// Gathers of a 2-D float initializer with fewer elements than this keep it
// float. An int8 table saves 3 bytes per element less 4 per row (its
// scale), so below 1024 elements it saves under 3 kB: not worth a node and
// an error of up to 1/254 of the row's maximum. Tables that small are a
// 2-row token-type table (MiniLM's [2, 384]; BERT-base's [2, 768] is 1536
// elements and converted) or a float lookup constant that is no embedding,
// whose precision may matter more than its bytes.
constexpr int64_t kMinEmbeddingTableElements = 1024;

// "int8" or "bf16".
const char* quantized_weights_name(QuantizedWeights to);

struct WeightQuantizationStats {
  int64_t mat_muls = 0;        // MatMuls rewritten
  int64_t weights = 0;         // distinct weights converted
  int64_t kept_float = 0;      // converted weights whose float original stays (read elsewhere too)
  int64_t float_mat_muls = 0;  // default-domain MatMuls left as they were (B is not a 2-D float initializer)
  int64_t tables = 0;          // distinct embedding tables converted
  int64_t gathers = 0;         // Gathers reading them
  int64_t float_tables = 0;    // 2-D float Gather tables left float (small, or read by more than Gathers)
  int opset_before = 0;        // the default domain's imported version, before and after
  int opset_after = 0;
};

// Rewrites `graph` in place. A graph without any MatMul weight or
// embedding table to convert, or whose opset cannot be raised, is an Error
// (the graph is then unchanged).
WeightQuantizationStats quantize_weights(Graph& graph, QuantizedWeights to);

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
