// The attributes of QuantizedMatMul (ops/quantized_mat_mul.cpp), read and
// checked in one place for its shape function and both kernels.
#pragma once

#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/ir.h"
#include "ops/common/quantization.h"

namespace xenc {

// How A is quantized to uint8.
enum class AQuantization {
  per_row,     // "row": DynamicQuantizeLinear's rule over each row
  per_tensor,  // "tensor": DynamicQuantizeLinear's rule over the whole of A
  fixed,       // "static": attributes a_scale and a_zero_point (0..255)
};

struct QuantizedMatMulAttributes {
  int64_t n = 0;
  bool gelu = false;
  AQuantization a_mode = AQuantization::per_row;
  Uint8Quantization a_fixed;  // for AQuantization::fixed
  // When given (attributes y_scale, y_zero_point 0..255; with a fixed A
  // quantization, no bias and no activation): Y is requantized
  // as QLinearMatMul does, round(sum * (sA * sB[j] / y_scale)) + y_zero_point
  // saturated to 0..255, and returned dequantized, (q - y_zero_point) * y_scale.
  std::optional<Uint8Quantization> y;
  // Attribute output_widths: Y's columns split into one output per width,
  // in order (products of one A merged by ops/fast/weight_packing.h); empty
  // for the one output of n columns.
  std::vector<int64_t> output_widths;
  // Attribute output_quantization "row": Y is returned quantized, as the
  // next product's per-row quantization of it would be (QuantizedRowsOutput).
  bool quantized_output = false;
};

// The quantized rows a product returns with output_quantization "row", and
// a product with a_quantization "row" takes in place of a float A:
// output 0 (input 0) the uint8 values [..., N], output 1 (input 6) each
// row's parameters, float [..., 3]: scale, zero point and the sum of the
// row's values (exact in float: at most 255 * 32768 < 2^24).
constexpr int64_t kRowParams = 3;
constexpr size_t kRowParamsInput = 6;

// xenc's own attribute of SkipLayerNormalization, never written to a model
// file: 1 when it also returns its output quantized per row for the
// product that reads it, as outputs 4 (values) and 5 (row parameters).
inline constexpr const char* kQuantizedRowsAttribute = "xenc_quantized_rows";
constexpr size_t kQuantizedRowsOutput = 4;

inline QuantizedMatMulAttributes quantized_mat_mul_attributes(const Node& node) {
  QuantizedMatMulAttributes a;
  a.n = node.attr_int("n", -1);
  if (a.n < 0) throw Error("attribute n (the column count) must be given and >= 0, got " + std::to_string(a.n));
  const std::string activation = node.attr_string("activation", "");
  if (activation != "" && activation != "gelu")
    throw Error("attribute activation must be \"\" or \"gelu\", got \"" + activation + "\"");
  a.gelu = activation == "gelu";
  const auto uint8_quantization = [&](const char* scale, const char* zero_point) {
    const float s = node.attr_float(scale, 0.0f);
    const int64_t z = node.attr_int(zero_point, -1);
    if (!(s > 0) || z < 0 || z > 255)
      throw Error(std::string("attributes ") + scale + " (> 0) and " + zero_point + " (0..255) must be given, got " +
                  std::to_string(s) + " and " + std::to_string(z));
    return Uint8Quantization{s, static_cast<uint8_t>(z)};
  };
  const std::string mode = node.attr_string("a_quantization", "row");
  if (mode == "row") {
    a.a_mode = AQuantization::per_row;
  } else if (mode == "tensor") {
    a.a_mode = AQuantization::per_tensor;
  } else if (mode == "static") {
    a.a_mode = AQuantization::fixed;
    a.a_fixed = uint8_quantization("a_scale", "a_zero_point");
  } else {
    throw Error("attribute a_quantization must be \"row\", \"tensor\" or \"static\", got \"" + mode + "\"");
  }
  if (node.has_attr("y_scale")) {
    a.y = uint8_quantization("y_scale", "y_zero_point");
    if (a.gelu) throw Error("a requantized output (y_scale) takes no activation");
    if (a.a_mode != AQuantization::fixed) throw Error("a requantized output (y_scale) needs a_quantization \"static\"");
  }
  const std::string output_quantization = node.attr_string("output_quantization", "");
  if (output_quantization != "" && output_quantization != "row")
    throw Error("attribute output_quantization must be \"\" or \"row\", got \"" + output_quantization + "\"");
  a.quantized_output = output_quantization == "row";
  a.output_widths = node.attr_ints("output_widths");
  if (a.quantized_output && (a.y || !a.output_widths.empty()))
    throw Error("a quantized output (output_quantization) is neither requantized (y_scale) nor split (output_widths)");
  if (!a.output_widths.empty()) {
    if (a.y) throw Error("a requantized output (y_scale) cannot be split (output_widths)");
    if (a.output_widths.size() != node.outputs.size())
      throw Error("attribute output_widths has " + std::to_string(a.output_widths.size()) + " widths for " +
                  std::to_string(node.outputs.size()) + " outputs");
    for (int64_t width : a.output_widths)
      if (width <= 0) throw Error("attribute output_widths must be positive, got " + std::to_string(width));
    const int64_t total = std::accumulate(a.output_widths.begin(), a.output_widths.end(), int64_t{0});
    if (total != a.n)
      throw Error("attribute output_widths adds up to " + std::to_string(total) + ", not n = " + std::to_string(a.n));
  }
  return a;
}

}  // namespace xenc
