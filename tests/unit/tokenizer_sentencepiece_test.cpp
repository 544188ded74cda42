// SentencePiece .model reading and its conversion to tokenizer.json.
// Expected values come from Python:
//  - field values: sentencepiece_model_pb2.ModelProto().ParseFromString(...)
//    (sentencepiece 0.2.3, protobuf 7.36.2);
//  - documents: transformers 4.57.6 AutoTokenizer.from_pretrained(dir) on a
//    directory holding only the .model and the given tokenizer_config.json /
//    special_tokens_map.json, then json.loads(tok.backend_tokenizer.to_str())
//    (tokenizers 0.22.2); the fixtures' tokenizer.json files were written the
//    same way (tests/fixtures/tokenizers/README.md);
//  - merges: transformers.convert_slow_tokenizer.generate_merges(vocab, pieces).
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/sentencepiece_conversion.h"
#include "runtime/tokenizer/sentencepiece_model.h"
#include "tests/unit/graph_builders.h"
#include "tests/unit/sentencepiece_bytes.h"
#include "tests/unit/temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::Contains;
using test::bytes_field;
using test::error_of;
using test::float_field;
using test::kNormalizerSpec;
using test::piece;
using test::tag;
using test::trainer_spec;
using test::varint;
using test::varint_field;
using PieceType = SentencePieceModel::PieceType;
using ModelType = SentencePieceModel::ModelType;

const fs::path kFixtures = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "tokenizers";

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The path and values of the first place where two JSON values differ, or "".
std::string first_difference(const json& got, const json& want, const std::string& where) {
  if (got.type() != want.type() && !(got.is_number() && want.is_number()))
    return where + ": got " + got.dump().substr(0, 200) + ", want " + want.dump().substr(0, 200);
  if (got.is_object()) {
    for (const auto& [key, value] : want.items()) {
      if (!got.contains(key)) return where + "." + key + ": missing";
      if (std::string d = first_difference(got[key], value, where + "." + key); !d.empty()) return d;
    }
    for (const auto& [key, value] : got.items())
      if (!want.contains(key)) return where + "." + key + ": unexpected";
    return "";
  }
  if (got.is_array()) {
    for (size_t i = 0; i < std::min(got.size(), want.size()); ++i)
      if (std::string d = first_difference(got[i], want[i], where + "[" + std::to_string(i) + "]"); !d.empty())
        return d;
    if (got.size() != want.size())
      return where + ": " + std::to_string(got.size()) + " entries, want " + std::to_string(want.size());
    return "";
  }
  if (got != want) return where + ": got " + got.dump() + ", want " + want.dump();
  return "";
}

using test::TempDir;

const std::string kFile = "test.model";

// ---------------------------------------------------------------------------
// Reading .model files

TEST(SentencePieceModel, ReadsTheDebertaFixture) {
  const SentencePieceModel m = SentencePieceModel::read(kFixtures / "deberta_v3_bpe" / "spm.model");
  ASSERT_EQ(m.pieces.size(), 3000u);
  EXPECT_EQ(m.pieces[0].piece, "[PAD]");
  EXPECT_EQ(m.pieces[0].type, PieceType::kControl);
  EXPECT_EQ(m.pieces[3].piece, "[UNK]");
  EXPECT_EQ(m.pieces[3].type, PieceType::kUnknown);
  EXPECT_EQ(m.pieces[4].piece, "in");
  EXPECT_EQ(m.pieces[4].type, PieceType::kNormal);
  EXPECT_EQ(m.pieces[2999].piece, "€");
  EXPECT_EQ(m.pieces[2999].score, -2995.0f);
  EXPECT_EQ(m.trainer_spec.model_type, ModelType::kBpe);
  EXPECT_EQ(m.trainer_spec.unk_id, 3);
  EXPECT_EQ(m.trainer_spec.bos_id, 1);
  EXPECT_EQ(m.trainer_spec.eos_id, 2);
  EXPECT_EQ(m.trainer_spec.pad_id, 0);
  EXPECT_EQ(m.trainer_spec.unk_piece, "[UNK]");
  EXPECT_FALSE(m.trainer_spec.byte_fallback);
  EXPECT_EQ(m.normalizer_spec.name, "nmt_nfkc");
  EXPECT_EQ(m.normalizer_spec.precompiled_charsmap.size(), 240007u);
  EXPECT_TRUE(m.normalizer_spec.add_dummy_prefix);
  EXPECT_TRUE(m.normalizer_spec.remove_extra_whitespaces);
  EXPECT_TRUE(m.normalizer_spec.escape_whitespaces);
}

TEST(SentencePieceModel, ReadsTheXlmRobertaFixture) {
  const SentencePieceModel m = SentencePieceModel::read(kFixtures / "xlm_roberta" / "sentencepiece.bpe.model");
  ASSERT_EQ(m.pieces.size(), 3000u);
  EXPECT_EQ(m.pieces[0].piece, "<unk>");
  EXPECT_EQ(m.pieces[0].type, PieceType::kUnknown);
  EXPECT_EQ(m.pieces[1].type, PieceType::kControl);
  EXPECT_EQ(m.pieces[3].piece, "s");
  EXPECT_EQ(m.pieces[3].score, -2.9894907474517822f);
  EXPECT_EQ(m.pieces[2999].piece, "ç");
  EXPECT_EQ(m.pieces[2999].score, -12.736985206604004f);
  EXPECT_EQ(m.trainer_spec.model_type, ModelType::kUnigram);
  EXPECT_EQ(m.trainer_spec.unk_id, 0);
  EXPECT_EQ(m.trainer_spec.pad_id, -1);  // stored as a 10-byte varint
  EXPECT_EQ(m.trainer_spec.unk_piece, "<unk>");
}

TEST(SentencePieceModel, SkipsUnknownFieldsAndMergesRepeatedOnes) {
  // Unknown fields of every wire type (a group too) are skipped; an unknown
  // enum value keeps the previous value, as protobuf does for proto2 enums.
  const std::string unknown = varint_field(77, 5) + tag(78, 1) + std::string(8, '\x01') + bytes_field(79, "xyz") +
                              tag(80, 5) + std::string(4, '\x02') + tag(81, 3) + varint_field(1, 1) + tag(81, 4);
  const std::string bytes = unknown + piece("<unk>", 0, PieceType::kUnknown) +
                            bytes_field(1, bytes_field(1, "a") + unknown + varint_field(3, 42)) +
                            trainer_spec(ModelType::kBpe, varint_field(40, 0) + unknown + varint_field(40, 7)) +
                            trainer_spec(static_cast<ModelType>(9)) + bytes_field(3, varint_field(3, 0));
  const SentencePieceModel m = SentencePieceModel::parse(bytes, kFile);
  ASSERT_EQ(m.pieces.size(), 2u);
  EXPECT_EQ(m.pieces[1].piece, "a");
  EXPECT_EQ(m.pieces[1].score, 0.0f);
  EXPECT_EQ(m.pieces[1].type, PieceType::kNormal);
  EXPECT_EQ(m.trainer_spec.model_type, ModelType::kBpe);  // the second trainer_spec merges into the first
  EXPECT_EQ(m.trainer_spec.unk_id, 7);
  EXPECT_EQ(m.trainer_spec.pad_id, -1);
  EXPECT_EQ(m.trainer_spec.unk_piece, "<unk>");
  EXPECT_FALSE(m.normalizer_spec.add_dummy_prefix);
  EXPECT_TRUE(m.normalizer_spec.remove_extra_whitespaces);
  EXPECT_TRUE(m.normalizer_spec.precompiled_charsmap.empty());
}

TEST(SentencePieceModel, EveryTruncationIsAnErrorNamingTheFileAndField) {
  const fs::path file = kFixtures / "deberta_v3_bpe" / "spm.model";
  const std::string bytes = read_bytes(file);
  // A cut inside the first piece, inside the charsmap, and a sweep over the file.
  const std::string_view view = bytes;  // cuts without copies
  const std::string in_piece = error_of([&] { SentencePieceModel::parse(view.substr(0, 5), file.string()); });
  EXPECT_TRUE(Contains(in_piece, file.string() + ": pieces[0]")) << in_piece;
  const std::string in_charsmap =
      error_of([&] { SentencePieceModel::parse(view.substr(0, bytes.size() - 1000), file.string()); });
  EXPECT_TRUE(Contains(in_charsmap, file.string() + ": normalizer_spec: length ")) << in_charsmap;
  EXPECT_TRUE(Contains(in_charsmap, "runs past the end of the data")) << in_charsmap;
  // A cut between two pieces leaves valid protobuf: the missing specs tell.
  const std::string between_pieces =
      error_of([&] { SentencePieceModel::parse(view.substr(0, 998), file.string()); });
  EXPECT_EQ(between_pieces, file.string() + ": trainer_spec: missing (every SentencePiece model has one; is the file truncated?)");
  for (size_t cut = 1; cut < bytes.size(); cut += 997) {
    const std::string error = error_of([&] { SentencePieceModel::parse(view.substr(0, cut), file.string()); });
    EXPECT_TRUE(Contains(error, file.string() + ": ")) << "cut at " << cut;
  }
}

TEST(SentencePieceModel, MalformedInputIsAnErrorNamingTheField) {
  auto error = [](const std::string& bytes) { return error_of([&] { SentencePieceModel::parse(bytes, kFile); }); };
  const std::string unk = piece("<unk>", 0, PieceType::kUnknown);

  EXPECT_EQ(error(unk + bytes_field(2, varint_field(40, 1) + tag(41, 0) + std::string(11, '\xFF') + "\x01")),
            "test.model: trainer_spec.bos_id: bad varint (over 10 bytes) at byte 23");
  EXPECT_EQ(error(unk + bytes_field(2, tag(41, 0) + "\x80")),
            "test.model: trainer_spec.bos_id: truncated varint at byte 20");
  EXPECT_EQ(error(unk + tag(1, 2) + varint(50) + "abc"),
            "test.model: pieces[1]: length 50 runs past the end of the data (3 bytes left) at byte 17");
  EXPECT_EQ(error(unk + bytes_field(1, tag(1, 2) + varint(1000))),
            "test.model: pieces[1].piece: length 1000 runs past the end of the data (0 bytes left) at byte 19");
  EXPECT_EQ(error(unk + bytes_field(1, bytes_field(1, "a") + tag(2, 5) + "\x01\x02")),
            "test.model: pieces[1].score: truncated 32-bit value at byte 22");
  EXPECT_EQ(error(unk + bytes_field(3, tag(1, 0) + varint(1))),
            "test.model: normalizer_spec.name: expected length-delimited (wire type 2), got varint (wire type 0) at byte 18");
  EXPECT_EQ(error(unk + "\x80"), "test.model: ModelProto: truncated field tag at byte 16");
  EXPECT_EQ(error(unk + bytes_field(1, tag(3, 0) + "\x80")), "test.model: pieces[1].type: truncated varint at byte 19");
  EXPECT_EQ(error(unk + tag(9, 7)), "test.model: ModelProto: invalid wire type 7 at byte 16");
  EXPECT_EQ(error(unk + tag(0, 0) + varint(1)), "test.model: ModelProto: invalid field number 0 at byte 16");
  EXPECT_EQ(error(unk + tag(9, 3) + varint_field(1, 1)), "test.model: ModelProto.<field 9>: group without an end-group tag at byte 19");
  EXPECT_EQ(error(unk + tag(9, 4)), "test.model: ModelProto.<field 9>: end-group tag without a start-group tag at byte 16");
}

TEST(SentencePieceModel, ModelsSentencePieceRefusesAreErrors) {
  auto error = [](const std::string& bytes) { return error_of([&] { SentencePieceModel::parse(bytes, kFile); }); };
  EXPECT_EQ(error(""), "test.model: pieces: missing (the model has no pieces)");
  EXPECT_EQ(error(trainer_spec(ModelType::kBpe) + kNormalizerSpec), "test.model: pieces: missing (the model has no pieces)");
  EXPECT_EQ(error(piece("a", 0) + trainer_spec(ModelType::kBpe)),
            "test.model: normalizer_spec: missing (every SentencePiece model has one; is the file truncated?)");
  EXPECT_EQ(error(piece("a", 0) + piece("", 0)), "test.model: pieces[1].piece: empty");
  EXPECT_EQ(error(piece("a", 0) + piece("b", 0) + piece("a", 0)), "test.model: pieces[2].piece: 'a' repeats pieces[0]");
  EXPECT_EQ(error(piece("a\xC3", 0)), "test.model: pieces[0].piece: invalid UTF-8");
  EXPECT_EQ(error(piece("a", std::numeric_limits<float>::quiet_NaN())), "test.model: pieces[0].score: not a finite number");
  EXPECT_EQ(error_of([] { SentencePieceModel::read("/nonexistent/x.model"); }), "/nonexistent/x.model: cannot open: No such file or directory");
}

// ---------------------------------------------------------------------------
// Conversion

struct Family {
  const char* dir;
  const char* model;
};

void PrintTo(const Family& f, std::ostream* os) { *os << f.dir << "/" << f.model; }

class SentencePieceFixture : public ::testing::TestWithParam<Family> {};

// The conversion of the fixture's .model equals the fixture's tokenizer.json,
// written by transformers 4.57.6 from the same files.
TEST_P(SentencePieceFixture, ConversionEqualsTheCommittedTokenizerJson) {
  const fs::path dir = kFixtures / GetParam().dir;
  const json want = json_access::read_file(dir / "tokenizer.json");
  const json got = sentencepiece_to_tokenizer_json(dir / GetParam().model,
                                                   json_access::read_file(dir / "tokenizer_config.json"),
                                                   json_access::read_file(dir / "special_tokens_map.json"));
  for (const char* section :
       {"added_tokens", "normalizer", "pre_tokenizer", "post_processor", "decoder", "model", "truncation", "padding"}) {
    ASSERT_TRUE(got.contains(section)) << section;
    EXPECT_EQ(first_difference(got[section], want[section], section), "");
  }
  EXPECT_EQ(first_difference(got, want, "tokenizer.json"), "");
}

// Tokenizer::from_dir's entry: the class's vocabulary file in the directory.
TEST_P(SentencePieceFixture, ReadsTheDirectory) {
  const fs::path dir = kFixtures / GetParam().dir;
  const std::optional<SentencePieceTokenizer> t = read_sentencepiece_tokenizer(DirectoryConfig::read(dir));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->model_file, dir / GetParam().model);
  EXPECT_EQ(first_difference(t->document, json_access::read_file(dir / "tokenizer.json"), "tokenizer.json"), "");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SentencePieceFixture,
                         ::testing::Values(Family{"xlm_roberta", "sentencepiece.bpe.model"},
                                           Family{"deberta_v3_bpe", "spm.model"}),
                         [](const ::testing::TestParamInfo<Family>& f) { return std::string(f.param.dir); });

TEST(SentencePieceConversion, DirectoryWithoutTokenizerClassUsesConfigModelType) {
  TempDir dir;
  fs::copy_file(kFixtures / "xlm_roberta" / "sentencepiece.bpe.model", dir.path() / "sentencepiece.bpe.model");
  dir.write("config.json", R"({"model_type": "xlm-roberta"})");
  const std::optional<SentencePieceTokenizer> t = read_sentencepiece_tokenizer(DirectoryConfig::read(dir.path()));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->document["model"]["type"], "Unigram");
  EXPECT_EQ(t->document["model"]["unk_id"], 3);
}

TEST(SentencePieceConversion, DirectoryWithoutModelFile) {
  TempDir dir;
  EXPECT_FALSE(read_sentencepiece_tokenizer(DirectoryConfig::read(dir.path())).has_value());
  fs::copy_file(kFixtures / "deberta_v3_bpe" / "spm.model", dir.path() / "other.model");
  const std::string error = error_of([&] { read_sentencepiece_tokenizer(DirectoryConfig::read(dir.path())); });
  EXPECT_TRUE(Contains(error, (dir.path() / "tokenizer_config.json").string() + ": tokenizer_class: missing")) << error;
  dir.write("tokenizer_config.json", R"({"tokenizer_class": "DebertaV2Tokenizer"})");
  EXPECT_EQ(error_of([&] { read_sentencepiece_tokenizer(DirectoryConfig::read(dir.path())); }),
            (dir.path() / "spm.model").string() + ": cannot open: No such file or directory");
}

TEST(SentencePieceConversion, UnknownClassIsAnErrorNamingTheField) {
  const fs::path model = kFixtures / "deberta_v3_bpe" / "spm.model";
  const std::string config = (model.parent_path() / "tokenizer_config.json").string();
  EXPECT_EQ(error_of([&] { sentencepiece_to_tokenizer_json(model, {{"tokenizer_class", "T5Tokenizer"}}); }),
            config + ": tokenizer_class: cannot convert a SentencePiece model for 'T5Tokenizer' "
                     "(supported: XLMRobertaTokenizer, DebertaV2Tokenizer)");
  EXPECT_EQ(error_of([&] { sentencepiece_to_tokenizer_json(model, json::object()); }),
            config + ": tokenizer_class: missing");
  EXPECT_EQ(error_of([&] { sentencepiece_to_tokenizer_json(model, {{"tokenizer_class", 3}}); }),
            config + ": tokenizer_class: expected a string, got number");
}

TEST(SentencePieceConversion, UnsupportedModelsAreErrors) {
  TempDir dir;
  const json deberta = {{"tokenizer_class", "DebertaV2Tokenizer"}};
  const fs::path word =
      dir.write("word.model", piece("<unk>", 0, PieceType::kUnknown) + trainer_spec(ModelType::kWord) + kNormalizerSpec);
  EXPECT_EQ(error_of([&] { sentencepiece_to_tokenizer_json(word, deberta); }),
            word.string() + ": trainer_spec.model_type: WORD models are not supported "
                            "(transformers converts UNIGRAM and BPE models only)");
  const fs::path bad_unk =
      dir.write("unk.model", piece("a", 0) + trainer_spec(ModelType::kUnigram, varint_field(40, 5)) + kNormalizerSpec);
  EXPECT_EQ(error_of([&] { sentencepiece_to_tokenizer_json(bad_unk, deberta); }),
            bad_unk.string() + ": trainer_spec.unk_id: 5 is not an id of the 1-token vocabulary");
}

// Merges as transformers' generate_merges orders them: by score, then by the
// lengths of the two parts in characters (not bytes: "▁" is 3 bytes).
TEST(SentencePieceConversion, BpeMergesFollowScoresThenLengths) {
  TempDir dir;
  std::string bytes = piece("<unk>", 0, PieceType::kUnknown) + piece("<s>", 0, PieceType::kControl) +
                      piece("</s>", 0, PieceType::kControl);
  for (const auto& [text, score] : std::vector<std::pair<std::string, float>>{
           {"a", -1},   {"b", -1},    {"c", -1},     {"é", -1},     {"▁", -1},   {"bc", -2},
           {"ab", -2},  {"▁a", -2},   {"éa", -2},    {"abc", -3},   {"▁ab", -3}, {"▁éa", -3},
           {"aé", -3},  {"a▁", -3.5}})
    bytes += piece(text, score);
  const fs::path model = dir.write("spm.model", bytes + trainer_spec(ModelType::kBpe) + kNormalizerSpec);
  const json doc = sentencepiece_to_tokenizer_json(model, {{"tokenizer_class", "DebertaV2TokenizerFast"}});
  const json want = json::parse(R"([["b","c"],["a","b"],["▁","a"],["é","a"],["ab","c"],["▁a","b"],["a","bc"],
                                     ["▁","ab"],["▁","éa"],["a","é"],["a","▁"]])");
  EXPECT_EQ(first_difference(doc["model"]["merges"], want, "model.merges"), "");
  EXPECT_EQ(doc["model"]["unk_token"], "<unk>");
  EXPECT_EQ(doc["model"]["vocab"]["a▁"], 16);
  // No charsmap: the normalizer has no Precompiled step.
  EXPECT_EQ(doc["normalizer"]["normalizers"].size(), 2u);
}

// Added tokens and flags when tokenizer_config.json has an added_tokens_decoder
// with its own flags and a plain word.
TEST(SentencePieceConversion, AddedTokensDecoderSetsFlagsAndIds) {
  const fs::path model = kFixtures / "deberta_v3_bpe" / "spm.model";
  const json config = json::parse(R"({"tokenizer_class": "DebertaV2Tokenizer", "mask_token": "[MASK]",
    "added_tokens_decoder": {
      "3000": {"content": "[MASK]", "lstrip": true, "normalized": false, "rstrip": false, "single_word": false, "special": true},
      "3001": {"content": "newword", "lstrip": false, "normalized": true, "rstrip": false, "single_word": true, "special": false}}})");
  const json want = json::parse(R"([
    {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 1, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 2, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 3, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": true},
    {"id": 3000, "content": "[MASK]", "single_word": false, "lstrip": true, "rstrip": false, "normalized": false, "special": true},
    {"id": 3001, "content": "newword", "single_word": true, "lstrip": false, "rstrip": false, "normalized": true, "special": false}])");
  const json doc = sentencepiece_to_tokenizer_json(model, config);
  EXPECT_EQ(first_difference(doc["added_tokens"], want, "added_tokens"), "");
}

// Without added_tokens_decoder: special_tokens_map.json's entries, the class
// defaults (XLM-R <mask> lstrip) and new tokens after the vocabulary.
TEST(SentencePieceConversion, SpecialTokensWithoutDecoder) {
  TempDir dir;
  fs::copy_file(kFixtures / "xlm_roberta" / "sentencepiece.bpe.model", dir.path() / "sentencepiece.bpe.model");
  const json config = {{"tokenizer_class", "XLMRobertaTokenizerFast"}, {"cls_token", "<cls>"}};
  const json map = json::parse(R"({"unk_token": {"content": "<unk>", "lstrip": false, "normalized": true,
    "rstrip": false, "single_word": false}, "additional_special_tokens": ["<a1>"]})");
  const json want = json::parse(R"([
    {"id": 0, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 1, "content": "<pad>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 2, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 3, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": true},
    {"id": 3001, "content": "<mask>", "single_word": false, "lstrip": true, "rstrip": false, "normalized": false, "special": true},
    {"id": 3002, "content": "<cls>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 3003, "content": "<a1>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}])");
  const json doc = sentencepiece_to_tokenizer_json(dir.path() / "sentencepiece.bpe.model", config, map);
  EXPECT_EQ(first_difference(doc["added_tokens"], want, "added_tokens"), "");
  // The converter's template names <s> and </s> whatever cls_token says.
  EXPECT_EQ(doc["post_processor"]["special_tokens"]["<s>"]["ids"], json::array({0}));
  EXPECT_EQ(doc["post_processor"]["special_tokens"]["</s>"]["ids"], json::array({2}));
}

TEST(SentencePieceConversion, DebertaOptions) {
  const fs::path model = kFixtures / "deberta_v3_bpe" / "spm.model";
  const json doc = sentencepiece_to_tokenizer_json(
      model, {{"tokenizer_class", "DebertaV2Tokenizer"}, {"do_lower_case", true}, {"split_by_punct", true}});
  EXPECT_EQ(doc["normalizer"]["normalizers"][0], json({{"type", "Lowercase"}}));
  EXPECT_EQ(doc["normalizer"]["normalizers"].size(), 4u);
  EXPECT_EQ(doc["pre_tokenizer"]["pretokenizers"][0], json({{"type", "Punctuation"}, {"behavior", "Isolated"}}));
  EXPECT_EQ(doc["pre_tokenizer"]["pretokenizers"].size(), 2u);
  const std::string error = error_of([&] {
    sentencepiece_to_tokenizer_json(model, {{"tokenizer_class", "DebertaV2Tokenizer"}, {"do_lower_case", "yes"}});
  });
  EXPECT_TRUE(Contains(error, "tokenizer_config.json: do_lower_case: expected")) << error;
}

}  // namespace
}  // namespace xenc
