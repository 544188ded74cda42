// The bytes of hand-made SentencePiece .model files for the tests: a
// protobuf wire-format writer for the fields sentencepiece_model.h reads.
#pragma once

#include <bit>
#include <cstdint>
#include <string>

#include "runtime/tokenizer/sentencepiece_model.h"

namespace xenc::test {

inline std::string varint(uint64_t v) {
  std::string out;
  do {
    out.push_back(static_cast<char>((v & 0x7F) | (v >= 0x80 ? 0x80 : 0)));
    v >>= 7;
  } while (v != 0);
  return out;
}
inline std::string tag(uint32_t field, uint32_t wire) { return varint((uint64_t{field} << 3) | wire); }
inline std::string varint_field(uint32_t field, uint64_t v) { return tag(field, 0) + varint(v); }
inline std::string bytes_field(uint32_t field, const std::string& bytes) {
  return tag(field, 2) + varint(bytes.size()) + bytes;
}
inline std::string float_field(uint32_t field, float f) {
  const auto bits = std::bit_cast<uint32_t>(f);
  std::string out = tag(field, 5);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  return out;
}
inline std::string piece(const std::string& text, float score,
                         SentencePieceModel::PieceType type = SentencePieceModel::PieceType::kNormal) {
  std::string body = bytes_field(1, text) + float_field(2, score);
  if (type != SentencePieceModel::PieceType::kNormal) body += varint_field(3, static_cast<uint32_t>(type));
  return bytes_field(1, body);
}
inline std::string trainer_spec(SentencePieceModel::ModelType type, const std::string& extra = "") {
  return bytes_field(2, varint_field(3, static_cast<uint32_t>(type)) + extra);
}
// sentencepiece writes a normalizer_spec into every model; an empty one has the defaults.
inline const std::string kNormalizerSpec = bytes_field(3, "");

}  // namespace xenc::test
