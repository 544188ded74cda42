// Tokenizer: loading a model directory, the pipeline around the model, the
// default max_length, batching, and errors for malformed files. Expected ids
// were obtained from HF tokenizers 0.23.3 with Tokenizer.from_str(<the same
// tokenizer.json>): encode(text).ids, encode(a, b).ids, encode_batch(...) with
// the padding section enabled. The legacy-file cases come from transformers
// 5.23 (BertTokenizer / RobertaTokenizer.from_pretrained(dir)(a, b)).
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "graph/error.h"
#include "runtime/tokenizer/tokenizer.h"
#include "tests/unit/temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Ids = std::vector<int32_t>;

using test::TempDir;

json word_level(json vocab) { return {{"type", "WordLevel"}, {"vocab", std::move(vocab)}, {"unk_token", "[UNK]"}}; }

const json kBertProcessing = {{"type", "BertProcessing"}, {"sep", {"[SEP]", 102}}, {"cls", {"[CLS]", 101}}};

json small_tokenizer() {
  return {{"version", "1.0"},
          {"added_tokens", json::array()},
          {"normalizer", nullptr},
          {"pre_tokenizer", {{"type", "WhitespaceSplit"}}},
          {"post_processor", kBertProcessing},
          {"model", word_level({{"[UNK]", 0}, {"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"[PAD]", 5}})}};
}

std::string load_error(const TempDir& dir) {
  try {
    Tokenizer::from_dir(dir.path());
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Tokenizer, MetaspaceFirstPrependsOnlyAtTheStartOfTheText) {
  const json doc = {{"added_tokens", {{{"id", 5}, {"content", "<x>"}, {"special", true}}}},
                    {"pre_tokenizer", {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "first"}, {"split", true}}},
                    {"model", word_level({{"[UNK]", 0}, {"\u2581hello", 1}, {"hello", 2}, {"\u2581world", 3}, {"world", 4}})}};
  const Tokenizer t = Tokenizer::from_json(doc, "tokenizer.json");
  EXPECT_EQ(t.encode("hello world").ids, (Ids{1, 3}));
  EXPECT_EQ(t.encode("<x>hello world").ids, (Ids{5, 2, 3}));
  EXPECT_EQ(t.encode("hello<x>world").ids, (Ids{1, 5, 4}));
  EXPECT_EQ(t.encode("hello <x> world").ids, (Ids{1, 0, 5, 3}));
  EXPECT_EQ(t.encode("<x> hello").ids, (Ids{5, 1}));
}

TEST(Tokenizer, PaddingSectionAndTruncationDirection) {
  json doc = small_tokenizer();
  doc["truncation"] = {{"max_length", 6}, {"strategy", "LongestFirst"}, {"stride", 0}, {"direction", "Left"}};
  doc["padding"] = {{"strategy", "BatchLongest"}, {"direction", "Left"}, {"pad_to_multiple_of", nullptr},
                    {"pad_id", 9},   {"pad_type_id", 3},  {"pad_token", "<p>"}};
  const Tokenizer t = Tokenizer::from_json(doc, "tokenizer.json");
  EXPECT_EQ(t.max_length(), 6u);
  EXPECT_EQ(t.pad_id(), 9);
  EXPECT_EQ(t.encode_pair("a b c d", "a b c d", 6).ids, (Ids{101, 4, 102, 3, 4, 102}));

  const std::vector<TextPair> texts = {{"a b", "c"}, {"d", std::nullopt}, {"a b c d", "a b c d"}};
  const BatchEncoding batch = t.encode_batch(texts, 0);
  EXPECT_EQ(batch.batch_size, 3u);
  EXPECT_EQ(batch.sequence_length, 11u);
  EXPECT_EQ(batch.input_ids, (std::vector<int64_t>{9,   9, 9, 9, 9,   101, 1,   2, 102, 3, 102,  //
                                                   9,   9, 9, 9, 9,   9,   9,   9, 101, 4, 102,  //
                                                   101, 1, 2, 3, 4,   102, 1,   2, 3,   4, 102}));
  EXPECT_EQ(batch.token_type_ids, (std::vector<int64_t>{3, 3, 3, 3, 3, 0, 0, 0, 0, 1, 1,  //
                                                        3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0,  //
                                                        0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
  EXPECT_EQ(batch.attention_mask, (std::vector<int64_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1,  //
                                                        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1,  //
                                                        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
}

TEST(Tokenizer, RightPaddingWithThePadTokenOfTheDirectory) {
  TempDir dir;
  dir.write_json("tokenizer.json", small_tokenizer());
  dir.write_json("special_tokens_map.json", json{{"pad_token", "[PAD]"}});
  const Tokenizer t = Tokenizer::from_dir(dir.path());
  EXPECT_EQ(t.pad_id(), 5);
  const std::vector<Encoding> encodings = {t.encode("a"), t.encode_pair("a", "b c", 0)};
  const BatchEncoding batch = t.pad(encodings);
  EXPECT_EQ(batch.input_ids, (std::vector<int64_t>{101, 1, 102, 5, 5, 5, 101, 1, 102, 2, 3, 102}));
  EXPECT_EQ(batch.attention_mask, (std::vector<int64_t>{1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(batch.token_type_ids, (std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1}));
}

TEST(Tokenizer, SpecialTokensLargerThanMaxLengthLeaveTheInputWhole) {
  const Tokenizer t = Tokenizer::from_json(small_tokenizer(), "tokenizer.json");
  EXPECT_EQ(t.added_tokens(true), 3u);
  // HF subtracts the 3 special tokens in unsigned arithmetic: below 3 nothing is truncated, at 3 everything is.
  EXPECT_EQ(t.encode_pair("a b", "c d", 2).ids, (Ids{101, 1, 2, 102, 3, 4, 102}));
  EXPECT_EQ(t.encode_pair("a b", "c d", 3).ids, (Ids{101, 102, 102}));
  EXPECT_EQ(t.encode_pair("a b", "c d", 4).ids, (Ids{101, 102, 3, 102}));
  EXPECT_EQ(t.encode("a b c", 3).ids, (Ids{101, 1, 102}));
}

TEST(Tokenizer, MaxLengthDefaults) {
  struct Case {
    json tokenizer_config, config, truncation;
    size_t expected;
  };
  const std::vector<Case> cases = {
      {json::object(), json::object(), nullptr, 0},
      {{{"model_max_length", 512}}, {{"model_type", "roberta"}, {"max_position_embeddings", 514}, {"pad_token_id", 1}}, nullptr, 512},
      {{{"model_max_length", 1e30}}, {{"model_type", "bert"}, {"max_position_embeddings", 512}}, nullptr, 512},
      {json::object(), {{"model_type", "xlm-roberta"}, {"max_position_embeddings", 514}}, nullptr, 512},
      {{{"model_max_length", 128}}, {{"model_type", "bert"}, {"max_position_embeddings", 512}}, nullptr, 128},
      {json::object(), json::object(), {{"max_length", 256}, {"strategy", "LongestFirst"}, {"stride", 0}}, 256},
      {{{"model_max_length", 1000}}, {{"model_type", "electra"}, {"max_position_embeddings", 512}}, nullptr, 512},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tokenizer_config.dump() + " " + c.config.dump());
    TempDir dir;
    json doc = small_tokenizer();
    doc["truncation"] = c.truncation;
    dir.write_json("tokenizer.json", doc);
    if (!c.tokenizer_config.empty()) dir.write_json("tokenizer_config.json", c.tokenizer_config);
    if (!c.config.empty()) dir.write_json("config.json", c.config);
    EXPECT_EQ(Tokenizer::from_dir(dir.path()).max_length(), c.expected);
  }
}

TEST(Tokenizer, LegacyBertFilesFollowTokenizerConfig) {
  TempDir dir;
  dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nHello\n!\n##llo\nhe\n");
  dir.write_json("tokenizer_config.json", json{{"do_lower_case", false}, {"model_max_length", 64}});
  const Tokenizer cased = Tokenizer::from_dir(dir.path());
  EXPECT_EQ(cased.encode("Hello [MASK] hello!").ids, (Ids{2, 6, 4, 5, 7, 3}));
  EXPECT_EQ(cased.encode_pair("HELLO", "hello", 0).ids, (Ids{2, 1, 3, 5, 3}));
  EXPECT_EQ(cased.encode_pair("HELLO", "hello", 0).type_ids, (Ids{0, 0, 0, 1, 1}));
  EXPECT_EQ(cased.max_length(), 64u);
  dir.write_json("tokenizer_config.json", json{{"do_lower_case", true}});
  const Tokenizer uncased = Tokenizer::from_dir(dir.path());
  EXPECT_EQ(uncased.encode("HELLO Hé").ids, (Ids{2, 5, 9, 3}));  // é loses its accent and "he" is a piece
}

TEST(Tokenizer, LegacyRobertaFiles) {
  TempDir dir;
  dir.write_json("vocab.json", json{{"<s>", 0}, {"<pad>", 1}, {"</s>", 2}, {"<unk>", 3}, {"h", 4}, {"i", 5},
                               {"hi", 6}, {"\u0120", 7}, {"\u0120hi", 8}, {"<mask>", 9}});
  dir.write("merges.txt", "#version: 0.2\nh i\n\u0120 hi\n");
  const Tokenizer t = Tokenizer::from_dir(dir.path());
  EXPECT_EQ(t.encode_pair("hi hi", "hi", 0).ids, (Ids{0, 6, 8, 2, 2, 6, 2}));
  EXPECT_EQ(t.encode_pair("hi hi", "hi", 0).type_ids, (Ids{0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(t.pad_id(), 1);
}

TEST(Tokenizer, MalformedFilesNameTheFileAndField) {
  {
    TempDir dir;
    dir.write("tokenizer.json", "{\"model\": ");
    EXPECT_EQ(load_error(dir).rfind((dir.path() / "tokenizer.json").string() + ": invalid JSON: parse error", 0), 0u)
        << load_error(dir);
  }
  {
    TempDir dir;
    dir.write("tokenizer.json", "{\"model\": 1e999}");
    EXPECT_EQ(load_error(dir), (dir.path() / "tokenizer.json").string() + ": invalid JSON: number overflow parsing '1e999'");
  }
  auto error_with = [](const std::function<void(json&)>& edit) {
    TempDir dir;
    json doc = small_tokenizer();
    edit(doc);
    dir.write_json("tokenizer.json", doc);
    const std::string prefix = (dir.path() / "tokenizer.json").string() + ": ";
    const std::string error = load_error(dir);
    return error.starts_with(prefix) ? error.substr(prefix.size()) : error;
  };
  EXPECT_EQ(error_with([](json& d) { d["normalizer"] = {{"type", "Foo"}}; }), "normalizer.type: unknown normalizer 'Foo'");
  EXPECT_EQ(error_with([](json& d) { d["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", {{{"type", "Bar"}}}}}; }),
            "pre_tokenizer.pretokenizers[0].type: unknown pre-tokenizer 'Bar'");
  EXPECT_EQ(error_with([](json& d) { d["model"]["type"] = "Baz"; }), "model.type: unknown model 'Baz'");
  EXPECT_EQ(error_with([](json& d) { d["model"].erase("vocab"); }), "model.vocab: missing");
  EXPECT_EQ(error_with([](json& d) { d.erase("model"); }), "model: missing");
  EXPECT_EQ(error_with([](json& d) { d["post_processor"] = {{"type", "Qux"}}; }),
            "post_processor.type: unknown post-processor 'Qux'");
  EXPECT_EQ(error_with([](json& d) { d["added_tokens"] = {{{"id", 1}}}; }), "added_tokens[0].content: missing");
  EXPECT_EQ(error_with([](json& d) { d["added_tokens"] = json::object(); }), "added_tokens: expected an array, got object");
  EXPECT_EQ(error_with([](json& d) { d["truncation"] = {{"strategy", "LongestFirst"}}; }), "truncation.max_length: missing");
  EXPECT_EQ(error_with([](json& d) { d["padding"] = {{"direction", "Up"}}; }),
            "padding.direction: expected \"Right\" or \"Left\", got \"Up\"");
  EXPECT_EQ(error_with([](json& d) { d = json::array(); }), "expected an object, got array");
}

TEST(Tokenizer, MalformedLegacyFiles) {
  {
    TempDir dir;
    dir.write_json("vocab.json", json{{"a", 0}, {"b", 1}});
    dir.write("merges.txt", "#version: 0.2\na b\n");
    EXPECT_EQ(load_error(dir), (dir.path() / "merges.txt").string() + ": line 2: 'ab' is not in vocab.json");
    dir.write("merges.txt", "a b c\n");
    EXPECT_EQ(load_error(dir),
              (dir.path() / "merges.txt").string() + ": line 1: expected two tokens separated by one space, got \"a b c\"");
    dir.write_json("vocab.json", json{{"a", -1}});
    EXPECT_EQ(load_error(dir), (dir.path() / "vocab.json").string() +
                                   ": a: expected an unsigned 32-bit integer, got -1");
    dir.write_json("vocab.json", json::array());
    EXPECT_EQ(load_error(dir), (dir.path() / "vocab.json").string() + ": expected an object of token -> id, got array");
  }
  {
    TempDir dir;
    dir.write("vocab.txt", "[UNK]\n");
    dir.write("tokenizer_config.json", "{\"do_lower_case\": tru");
    EXPECT_EQ(load_error(dir).rfind((dir.path() / "tokenizer_config.json").string() + ": invalid JSON", 0), 0u);
    dir.write_json("tokenizer_config.json", json{{"do_lower_case", "yes"}});
    EXPECT_EQ(load_error(dir),
              (dir.path() / "tokenizer_config.json").string() + ": do_lower_case: expected a boolean, got string");
  }
  {
    TempDir dir;
    EXPECT_EQ(load_error(dir), dir.path().string() +
                                   ": no tokenizer files (tokenizer.json, vocab.txt, vocab.json + merges.txt, or a "
                                   "SentencePiece .model)");
    EXPECT_THROW(Tokenizer::from_dir(dir.path() / "missing"), Error);
  }
}

}  // namespace
}  // namespace xenc
