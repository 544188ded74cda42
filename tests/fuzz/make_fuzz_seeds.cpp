// Writes small seeds for the fuzz targets of binary formats, made with the
// unit tests' writers: the committed checkpoints and .model files are
// hundreds of kilobytes, too large to mutate quickly.
//   OUT_DIR/safetensors/small.safetensors  a tensor of each dtype read as float, and one that is not
//   OUT_DIR/sentencepiece/unigram.model    control, unknown, user-defined and byte pieces, byte fallback
//   OUT_DIR/sentencepiece/bpe.model        pieces whose scores give the BPE merges
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "tests/unit/safetensors_bytes.h"
#include "tests/unit/sentencepiece_bytes.h"

namespace {

using namespace xenc::test;
using PieceType = xenc::SentencePieceModel::PieceType;
using ModelType = xenc::SentencePieceModel::ModelType;

std::string small_safetensors() {
  return safetensors_bytes({
      f32_entry("weight", {2, 3}, {1.0f, -2.0f, 3.5f, 0.0f, 1e-3f, 7.0f}),
      {"half", "F16", {2}, raw_bytes(std::vector<uint16_t>{0x3c00, 0xc000})},       // 1, -2
      {"bfloat", "BF16", {1, 2}, raw_bytes(std::vector<uint16_t>{0x3f80, 0x4040})},  // 1, 3
      {"ids", "I64", {1}, raw_bytes(std::vector<int64_t>{42})},
  });
}

// The special pieces at sentencepiece's default ids (unk 0, bos 1, eos 2).
std::string special_pieces() {
  return piece("<unk>", 0.0f, PieceType::kUnknown) + piece("<s>", 0.0f, PieceType::kControl) +
         piece("</s>", 0.0f, PieceType::kControl);
}

// NormalizerSpec fields 1 (name) and 3-5 (dummy prefix, extra whitespace, escaping).
std::string normalizer_spec(const std::string& name, bool flags) {
  return bytes_field(3, bytes_field(1, name) + varint_field(3, flags) + varint_field(4, flags) + varint_field(5, flags));
}

std::string unigram_model() {
  return special_pieces() + piece("[MASK]", 0.0f, PieceType::kUserDefined) + piece("▁", -1.5f) +
         piece("▁he", -3.0f) + piece("llo", -3.5f) + piece("▁hello", -4.0f) + piece("é", -6.0f) +
         piece("<0x41>", 0.0f, PieceType::kByte) + piece("<0xE6>", 0.0f, PieceType::kByte) +
         piece("<unused>", 0.0f, PieceType::kUnused) +
         trainer_spec(ModelType::kUnigram, varint_field(35, 1) + varint_field(43, 3) + bytes_field(48, "[MASK]")) +
         normalizer_spec("identity", true);
}

std::string bpe_model() {
  return special_pieces() + piece("▁h", -1.0f) + piece("el", -2.0f) + piece("lo", -3.0f) + piece("▁hel", -4.0f) +
         piece("▁hello", -5.0f) + piece("▁", -6.0f) + piece("h", -7.0f) + piece("e", -8.0f) + piece("l", -9.0f) +
         piece("o", -10.0f) + trainer_spec(ModelType::kBpe) + normalizer_spec("nmt_nfkc", false);
}

void write(const std::filesystem::path& file, const std::string& bytes) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_fuzz_seeds OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  write(out / "safetensors" / "small.safetensors", small_safetensors());
  write(out / "sentencepiece" / "unigram.model", unigram_model());
  write(out / "sentencepiece" / "bpe.model", bpe_model());
  return 0;
}
