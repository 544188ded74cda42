// The one rule by which xenc quantizes a float weight matrix to int8:
// symmetric (zero point 0), range [-127, 127], one scale per slice. Both the
// in-memory int8 path (ops/fast/weight_packing.cpp, `--precision int8`)
// and `xenc quantize --to int8` (exporter/quantized_export.h) use it per
// output column of a MatMul weight, so a quantized export holds the very
// integers and scales xenc would compute at load; the export also uses it
// per row of an embedding table (a row is one token's vector, the slice a
// Gather reads).
//
// Per column, it is ONNX Runtime's rule for a MatMul weight under
// onnxruntime.quantization.quantize_dynamic(per_channel=True,
// weight_type=QInt8), bit for bit:
//   scale_j = max_p |B[p, j]| / 127, divided in double and rounded to float
//             (ORT: (absmax - (-absmax)) / (127 - (-127)) in float64, cast to
//             float32; the same value);
//   scale_j = 1 when that quotient is below FLT_MIN (an all-zero column, or
//             one so small that the scale would be subnormal: ORT's
//             `scale < finfo(float32).tiny`);
//   Q[p, j] = saturate(round_half_even(B[p, j] / scale_j)) to [-127, 127], the
//             division in float32 (numpy's float32 true division, then round).
// |B / scale| <= 127 up to one rounding of the division, so the saturation
// only ever trims 127.00001 to 127; -128 is never produced. NaN weights are
// ignored in the maximum and quantize to 0. Per row, the same with the
// roles of rows and columns swapped.
#pragma once

#include <cstdint>

namespace xenc {

// `b` and `q` are row-major [k, n]; `scales` has n elements.
void quantize_columns_symmetric(const float* b, int64_t k, int64_t n, int8_t* q, float* scales);

// `b` and `q` are row-major [k, n]; `scales` has k elements.
void quantize_rows_symmetric(const float* b, int64_t k, int64_t n, int8_t* q, float* scales);

}  // namespace xenc
