#include "runtime/tokenizer/sentencepiece_model.h"

#include <bit>
#include <cmath>
#include <unordered_map>

#include "graph/error.h"
#include "graph/mapped_file.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

namespace {

// Field numbers from sentencepiece_model.proto (sentencepiece 0.2).
namespace model_proto {
constexpr uint32_t kPieces = 1, kTrainerSpec = 2, kNormalizerSpec = 3;
}
namespace piece_proto {
constexpr uint32_t kPiece = 1, kScore = 2, kType = 3;
}
namespace trainer_proto {
constexpr uint32_t kModelType = 3, kByteFallback = 35, kUnkId = 40, kBosId = 41, kEosId = 42, kPadId = 43,
                   kUnkPiece = 45, kBosPiece = 46, kEosPiece = 47, kPadPiece = 48;
}
namespace normalizer_proto {
constexpr uint32_t kName = 1, kPrecompiledCharsmap = 2, kAddDummyPrefix = 3, kRemoveExtraWhitespaces = 4,
                   kEscapeWhitespaces = 5;
}

enum class WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5 };

std::string wire_type_name(WireType type) {
  switch (type) {
    case WireType::kVarint: return "varint (wire type 0)";
    case WireType::kFixed64: return "64-bit (wire type 1)";
    case WireType::kLengthDelimited: return "length-delimited (wire type 2)";
    case WireType::kStartGroup: return "start-group (wire type 3)";
    case WireType::kEndGroup: return "end-group (wire type 4)";
    case WireType::kFixed32: return "32-bit (wire type 5)";
  }
  return "wire type " + std::to_string(static_cast<uint32_t>(type));
}

// A field's name in errors ("pieces[3].score", "trainer_spec.<field 99>"),
// spelled out only when an error is reported: the reader names every value
// it reads, and building those strings eagerly would dominate the parse.
struct FieldName {
  static constexpr size_t kNoIndex = static_cast<size_t>(-1);
  std::string_view message;  // "ModelProto", "pieces", "trainer_spec", "normalizer_spec"
  size_t index = kNoIndex;   // the element of a repeated message
  std::string_view field;    // empty: the message itself, or an unknown field
  uint32_t number = 0;       // the number of an unknown field

  FieldName member(std::string_view name) const { return {message, index, name, 0}; }
  FieldName unknown(uint32_t field_number) const { return {message, index, {}, field_number}; }

  std::string str() const {
    std::string out(message);
    if (index != kNoIndex) out += "[" + std::to_string(index) + "]";
    if (!field.empty()) out += "." + std::string(field);
    else if (number != 0) out += ".<field " + std::to_string(number) + ">";
    return out;
  }
};

// A bounds-checked cursor over the bytes of one message. `base` is where they
// start in the file, so that errors give file offsets.
class WireReader {
 public:
  struct Tag {
    uint32_t field;
    WireType wire;
    size_t start;  // where the tag is, for errors
  };

  WireReader(std::string_view data, size_t base, const std::string& file) : data_(data), base_(base), file_(file) {}

  bool at_end() const { return pos_ == data_.size(); }

  // The next field's tag in the message `message`.
  Tag tag(const FieldName& message) {
    const size_t start = pos_;
    const uint64_t key = varint(message, "field tag");
    const uint64_t field = key >> 3;
    const auto wire = static_cast<WireType>(key & 7);
    if (field == 0 || field > 0x1FFFFFFF) fail(message, "invalid field number " + std::to_string(field), start);
    if (static_cast<uint32_t>(wire) > 5)
      fail(message, "invalid wire type " + std::to_string(static_cast<uint32_t>(wire)), start);
    return {static_cast<uint32_t>(field), wire, start};
  }

  // `what` names the value in errors: a varint, a field tag, a length.
  uint64_t varint(const FieldName& field, const char* what = "varint") {
    const size_t start = pos_;
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ == data_.size()) fail(field, std::string("truncated ") + what, start);
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    fail(field, std::string("bad ") + what + " (over 10 bytes)", start);
  }

  uint32_t fixed32(const FieldName& field) { return static_cast<uint32_t>(little_endian(4, field)); }
  uint64_t fixed64(const FieldName& field) { return little_endian(8, field); }

  // A length-delimited field's bytes.
  std::string_view bytes(const FieldName& field) {
    const size_t start = pos_;
    const uint64_t length = varint(field, "length");
    if (length > data_.size() - pos_)
      fail(field,
           "length " + std::to_string(length) + " runs past the end of the data (" +
               std::to_string(data_.size() - pos_) + " bytes left)",
           start);
    const std::string_view out = data_.substr(pos_, length);
    pos_ += length;
    return out;
  }

  // A length-delimited field read as an embedded message.
  WireReader message(const FieldName& field) {
    const std::string_view body = bytes(field);
    return WireReader(body, base_ + static_cast<size_t>(body.data() - data_.data()), file_);
  }

  void expect(const Tag& tag, WireType wire, const FieldName& field) const {
    if (tag.wire != wire)
      fail(field, "expected " + wire_type_name(wire) + ", got " + wire_type_name(tag.wire), tag.start);
  }

  // Skips the value of a field this reader does not use.
  void skip(const Tag& skipped, const FieldName& field, int depth = 0) {
    switch (skipped.wire) {
      case WireType::kVarint: varint(field); return;
      case WireType::kFixed64: fixed64(field); return;
      case WireType::kLengthDelimited: bytes(field); return;
      case WireType::kFixed32: fixed32(field); return;
      case WireType::kStartGroup:
        // A group ends at the end-group tag with its own field number.
        if (depth == kMaxGroupDepth) fail(field, "groups nested too deeply", pos_);
        for (;;) {
          if (at_end()) fail(field, "group without an end-group tag", pos_);
          const Tag inner = tag(field);
          if (inner.wire == WireType::kEndGroup) {
            if (inner.field != skipped.field)
              fail(field, "end-group tag of field " + std::to_string(inner.field), inner.start);
            return;
          }
          skip(inner, field, depth + 1);
        }
      case WireType::kEndGroup: fail(field, "end-group tag without a start-group tag", skipped.start);
    }
  }

  [[noreturn]] void fail(const FieldName& field, const std::string& problem, size_t at) const {
    throw Error(file_ + ": " + field.str() + ": " + problem + " at byte " + std::to_string(base_ + at));
  }

 private:
  static constexpr int kMaxGroupDepth = 32;

  uint64_t little_endian(size_t size, const FieldName& field) {
    if (data_.size() - pos_ < size) fail(field, "truncated " + std::to_string(size * 8) + "-bit value", pos_);
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i)
      value |= static_cast<uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    pos_ += size;
    return value;
  }

  std::string_view data_;
  size_t base_;
  const std::string& file_;
  size_t pos_ = 0;
};

// Scalar readers: protobuf truncates int32 varints to their low 32 bits.
int32_t read_int32(WireReader& r, const WireReader::Tag& tag, const FieldName& field) {
  r.expect(tag, WireType::kVarint, field);
  return static_cast<int32_t>(static_cast<uint32_t>(r.varint(field)));
}

bool read_bool(WireReader& r, const WireReader::Tag& tag, const FieldName& field) {
  r.expect(tag, WireType::kVarint, field);
  return r.varint(field) != 0;
}

float read_float(WireReader& r, const WireReader::Tag& tag, const FieldName& field) {
  r.expect(tag, WireType::kFixed32, field);
  return std::bit_cast<float>(r.fixed32(field));
}

std::string read_bytes(WireReader& r, const WireReader::Tag& tag, const FieldName& field) {
  r.expect(tag, WireType::kLengthDelimited, field);
  return std::string(r.bytes(field));
}

// proto2 enums are closed: a number outside the enum is kept as an unknown
// field and the field keeps its previous value, as protobuf does.
template <typename Enum>
void read_enum(WireReader& r, const WireReader::Tag& tag, const FieldName& field, Enum first, Enum last, Enum& out) {
  const int32_t value = read_int32(r, tag, field);
  if (value >= static_cast<int32_t>(first) && value <= static_cast<int32_t>(last)) out = static_cast<Enum>(value);
}

void read_piece(WireReader r, const FieldName& name, SentencePieceModel::Piece& piece) {
  using Type = SentencePieceModel::PieceType;
  while (!r.at_end()) {
    const WireReader::Tag tag = r.tag(name);
    switch (tag.field) {
      case piece_proto::kPiece: piece.piece = read_bytes(r, tag, name.member("piece")); break;
      case piece_proto::kScore: piece.score = read_float(r, tag, name.member("score")); break;
      case piece_proto::kType: read_enum(r, tag, name.member("type"), Type::kNormal, Type::kByte, piece.type); break;
      default: r.skip(tag, name.unknown(tag.field));
    }
  }
}

void read_trainer_spec(WireReader r, const FieldName& name, SentencePieceModel::TrainerSpec& spec) {
  using Model = SentencePieceModel::ModelType;
  namespace f = trainer_proto;
  while (!r.at_end()) {
    const WireReader::Tag tag = r.tag(name);
    switch (tag.field) {
      case f::kModelType:
        read_enum(r, tag, name.member("model_type"), Model::kUnigram, Model::kChar, spec.model_type);
        break;
      case f::kByteFallback: spec.byte_fallback = read_bool(r, tag, name.member("byte_fallback")); break;
      case f::kUnkId: spec.unk_id = read_int32(r, tag, name.member("unk_id")); break;
      case f::kBosId: spec.bos_id = read_int32(r, tag, name.member("bos_id")); break;
      case f::kEosId: spec.eos_id = read_int32(r, tag, name.member("eos_id")); break;
      case f::kPadId: spec.pad_id = read_int32(r, tag, name.member("pad_id")); break;
      case f::kUnkPiece: spec.unk_piece = read_bytes(r, tag, name.member("unk_piece")); break;
      case f::kBosPiece: spec.bos_piece = read_bytes(r, tag, name.member("bos_piece")); break;
      case f::kEosPiece: spec.eos_piece = read_bytes(r, tag, name.member("eos_piece")); break;
      case f::kPadPiece: spec.pad_piece = read_bytes(r, tag, name.member("pad_piece")); break;
      default: r.skip(tag, name.unknown(tag.field));
    }
  }
}

void read_normalizer_spec(WireReader r, const FieldName& name, SentencePieceModel::NormalizerSpec& spec) {
  namespace f = normalizer_proto;
  while (!r.at_end()) {
    const WireReader::Tag tag = r.tag(name);
    switch (tag.field) {
      case f::kName: spec.name = read_bytes(r, tag, name.member("name")); break;
      case f::kPrecompiledCharsmap:
        spec.precompiled_charsmap = read_bytes(r, tag, name.member("precompiled_charsmap"));
        break;
      case f::kAddDummyPrefix: spec.add_dummy_prefix = read_bool(r, tag, name.member("add_dummy_prefix")); break;
      case f::kRemoveExtraWhitespaces:
        spec.remove_extra_whitespaces = read_bool(r, tag, name.member("remove_extra_whitespaces"));
        break;
      case f::kEscapeWhitespaces:
        spec.escape_whitespaces = read_bool(r, tag, name.member("escape_whitespaces"));
        break;
      default: r.skip(tag, name.unknown(tag.field));
    }
  }
}

// The lossy decoder answers U+FFFD for a bad sequence; a real U+FFFD is EF BF BD.
bool valid_utf8(std::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    const size_t start = pos;
    if (unicode::next_code_point(s, pos) == 0xFFFD && s.substr(start, pos - start) != "\xEF\xBF\xBD") return false;
  }
  return true;
}

// What sentencepiece checks when it loads a model, for the fields we use.
void check_pieces(const std::vector<SentencePieceModel::Piece>& pieces, const std::string& file) {
  if (pieces.empty()) throw Error(file + ": pieces: missing (the model has no pieces)");
  std::unordered_map<std::string_view, size_t> seen;
  seen.reserve(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    auto fail = [&](const char* field, const std::string& problem) {
      throw Error(file + ": " + FieldName{"pieces", i, field}.str() + ": " + problem);
    };
    const SentencePieceModel::Piece& p = pieces[i];
    if (p.piece.empty()) fail("piece", "empty");
    if (!valid_utf8(p.piece)) fail("piece", "invalid UTF-8");
    if (!std::isfinite(p.score)) fail("score", "not a finite number");
    if (auto [it, fresh] = seen.emplace(p.piece, i); !fresh)
      fail("piece", "'" + p.piece + "' repeats pieces[" + std::to_string(it->second) + "]");
  }
}

}  // namespace

SentencePieceModel SentencePieceModel::parse(std::string_view bytes, const std::string& file) {
  namespace f = model_proto;
  SentencePieceModel model;
  WireReader r(bytes, 0, file);
  const FieldName root{"ModelProto"};
  bool has_trainer_spec = false, has_normalizer_spec = false;
  while (!r.at_end()) {
    const WireReader::Tag tag = r.tag(root);
    switch (tag.field) {
      case f::kPieces: {
        const FieldName name{"pieces", model.pieces.size()};
        r.expect(tag, WireType::kLengthDelimited, name);
        read_piece(r.message(name), name, model.pieces.emplace_back());
        break;
      }
      case f::kTrainerSpec: {
        // A repeated embedded message merges into the earlier one, as in protobuf.
        const FieldName name{"trainer_spec"};
        r.expect(tag, WireType::kLengthDelimited, name);
        read_trainer_spec(r.message(name), name, model.trainer_spec);
        has_trainer_spec = true;
        break;
      }
      case f::kNormalizerSpec: {
        const FieldName name{"normalizer_spec"};
        r.expect(tag, WireType::kLengthDelimited, name);
        read_normalizer_spec(r.message(name), name, model.normalizer_spec);
        has_normalizer_spec = true;
        break;
      }
      default: r.skip(tag, root.unknown(tag.field));
    }
  }
  check_pieces(model.pieces, file);
  // sentencepiece writes both specs after the pieces; without them the file
  // was most likely cut between two pieces, which the wire format cannot tell.
  auto require = [&](bool present, const char* name) {
    if (!present) throw Error(file + ": " + name + ": missing (every SentencePiece model has one; is the file truncated?)");
  };
  require(has_trainer_spec, "trainer_spec");
  require(has_normalizer_spec, "normalizer_spec");
  return model;
}

SentencePieceModel SentencePieceModel::read(const std::filesystem::path& file) {
  const auto mapped = MappedFile::open(file);
  return parse(std::string_view(reinterpret_cast<const char*>(mapped->data()), mapped->size()), file.string());
}

std::string_view to_string(SentencePieceModel::ModelType type) {
  switch (type) {
    case SentencePieceModel::ModelType::kUnigram: return "UNIGRAM";
    case SentencePieceModel::ModelType::kBpe: return "BPE";
    case SentencePieceModel::ModelType::kWord: return "WORD";
    case SentencePieceModel::ModelType::kChar: return "CHAR";
  }
  return "unknown";
}

}  // namespace xenc
