// What tokenization needs from a SentencePiece `.model` file (a serialized
// sentencepiece.ModelProto, see sentencepiece_model.proto), read with a small
// protobuf wire-format reader instead of libsentencepiece: Debian's
// libsentencepiece carries its own protobuf 3.14 symbols, which clash with the
// libprotobuf that ONNX loading links into the same process.
//
// The reader is bounds-checked and never trusts a length; malformed input is
// an xenc::Error naming the file and the field, e.g.
//   "spm.model: pieces[12].piece: length 300 runs past the end of the data (20 bytes left) at byte 4711".
// Fields it does not need are skipped, as protobuf skips unknown fields.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace xenc {

struct SentencePieceModel {
  // ModelProto.SentencePiece.Type.
  enum class PieceType : int32_t { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };
  // TrainerSpec.ModelType.
  enum class ModelType : int32_t { kUnigram = 1, kBpe = 2, kWord = 3, kChar = 4 };

  struct Piece {
    std::string piece;
    float score = 0.0f;
    PieceType type = PieceType::kNormal;
  };

  // The proto defaults apply to fields the file leaves out.
  struct TrainerSpec {
    ModelType model_type = ModelType::kUnigram;
    int32_t unk_id = 0;
    int32_t bos_id = 1;
    int32_t eos_id = 2;
    int32_t pad_id = -1;
    std::string unk_piece = "<unk>";
    std::string bos_piece = "<s>";
    std::string eos_piece = "</s>";
    std::string pad_piece = "<pad>";
    bool byte_fallback = false;
  };

  struct NormalizerSpec {
    std::string name;
    std::string precompiled_charsmap;  // raw bytes; empty when the model has no charsmap
    bool add_dummy_prefix = true;
    bool remove_extra_whitespaces = true;
    bool escape_whitespaces = true;
  };

  std::vector<Piece> pieces;  // in id order
  TrainerSpec trainer_spec;
  NormalizerSpec normalizer_spec;

  // Reads and checks a .model file: at least one piece, every piece non-empty,
  // valid UTF-8, unique and with a finite score (sentencepiece refuses to load
  // a model otherwise), and a trainer_spec and a normalizer_spec (sentencepiece
  // always writes both after the pieces: a file cut between two pieces would
  // otherwise read as a valid, smaller model).
  static SentencePieceModel read(const std::filesystem::path& file);
  // The same from bytes in memory; `file` names them in errors.
  static SentencePieceModel parse(std::string_view bytes, const std::string& file);
};

std::string_view to_string(SentencePieceModel::ModelType type);

}  // namespace xenc
