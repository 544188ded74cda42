// Post-processors. Expected values were obtained from HF tokenizers 0.23.3
// with a WordLevel model ({"[UNK]": 0, "a": 1, "b": 2, "c": 3}), a
// WhitespaceSplit pre-tokenizer and the post_processor section under test:
//   t.encode("a b") and t.encode("a b", "c") -> ids, type_ids;
//   t.post_processor.num_special_tokens_to_add(False / True).
// The sequences therefore arrive as A = [1, 2] (type 0) and B = [3] (type 1).
#include <gtest/gtest.h>

#include "graph/error.h"
#include "runtime/tokenizer/components.h"

namespace xenc {
namespace {

using nlohmann::json;
using Ids = std::vector<int32_t>;

const Encoding kA{{1, 2}, {0, 0}};
const Encoding kB{{3}, {1}};

json seq(const char* id, int type_id) { return {{"Sequence", {{"id", id}, {"type_id", type_id}}}}; }
json special(const char* id, int type_id) { return {{"SpecialToken", {{"id", id}, {"type_id", type_id}}}}; }

json special_tokens() {
  json s = json::object();
  s["[CLS]"] = {{"id", "[CLS]"}, {"ids", {101}}, {"tokens", {"[CLS]"}}};
  s["[SEP]"] = {{"id", "[SEP]"}, {"ids", {102}}, {"tokens", {"[SEP]"}}};
  s["<multi>"] = {{"id", "<multi>"}, {"ids", {7, 8, 9}}, {"tokens", {"x", "y", "z"}}};
  return s;
}

json bert_template() {
  return {{"type", "TemplateProcessing"},
          {"single", {special("[CLS]", 0), seq("A", 0), special("[SEP]", 0)}},
          {"pair", {special("[CLS]", 0), seq("A", 0), special("[SEP]", 0), seq("B", 1), special("[SEP]", 1)}},
          {"special_tokens", special_tokens()}};
}

const json kBert = {{"type", "BertProcessing"}, {"sep", {"[SEP]", 102}}, {"cls", {"[CLS]", 101}}};
const json kRoberta = {{"type", "RobertaProcessing"},
                       {"sep", {"</s>", 2}},
                       {"cls", {"<s>", 0}},
                       {"trim_offsets", true},
                       {"add_prefix_space", false}};
const json kByteLevel = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};

struct Expected {
  Ids single_ids, single_types, pair_ids, pair_types;
  size_t added_single, added_pair;
};

void expect_processing(const json& section, const Expected& want) {
  SCOPED_TRACE(section.dump());
  auto p = make_post_processor(section, "tokenizer.json: post_processor");
  const Encoding single = p->process(kA, nullptr);
  const Encoding pair = p->process(kA, &kB);
  EXPECT_EQ(single.ids, want.single_ids);
  EXPECT_EQ(single.type_ids, want.single_types);
  EXPECT_EQ(pair.ids, want.pair_ids);
  EXPECT_EQ(pair.type_ids, want.pair_types);
  EXPECT_EQ(p->added_tokens(false), want.added_single);
  EXPECT_EQ(p->added_tokens(true), want.added_pair);
}

TEST(PostProcessors, TemplateProcessingBert) {
  expect_processing(bert_template(), {{101, 1, 2, 102}, {0, 0, 0, 0}, {101, 1, 2, 102, 3, 102}, {0, 0, 0, 0, 1, 1}, 2, 3});
}

TEST(PostProcessors, TemplateTypeIdsAndMultiIdTokens) {
  expect_processing({{"type", "TemplateProcessing"},
                     {"single", {seq("A", 5), special("[SEP]", 4)}},
                     {"pair", {seq("A", 2), seq("B", 0), special("[SEP]", 0)}},
                     {"special_tokens", special_tokens()}},
                    {{1, 2, 102}, {5, 5, 4}, {1, 2, 3, 102}, {2, 2, 0, 0}, 1, 1});
  expect_processing({{"type", "TemplateProcessing"},
                     {"single", {special("<multi>", 2), seq("A", 0)}},
                     {"pair", {seq("B", 1), special("<multi>", 1), seq("A", 0)}},
                     {"special_tokens", special_tokens()}},
                    {{7, 8, 9, 1, 2}, {2, 2, 2, 0, 0}, {3, 7, 8, 9, 1, 2}, {1, 1, 1, 1, 0, 0}, 3, 3});
  // A pair template may drop $B.
  expect_processing({{"type", "TemplateProcessing"},
                     {"single", {seq("A", 0)}},
                     {"pair", {special("[CLS]", 0), seq("A", 0), special("[SEP]", 0)}},
                     {"special_tokens", special_tokens()}},
                    {{1, 2}, {0, 0}, {101, 1, 2, 102}, {0, 0, 0, 0}, 0, 2});
}

TEST(PostProcessors, BertProcessing) {
  expect_processing(kBert, {{101, 1, 2, 102}, {0, 0, 0, 0}, {101, 1, 2, 102, 3, 102}, {0, 0, 0, 0, 1, 1}, 2, 3});
}

TEST(PostProcessors, RobertaProcessingDoublesTheSeparatorAndZeroesTypeIds) {
  expect_processing(kRoberta, {{0, 1, 2, 2}, {0, 0, 0, 0}, {0, 1, 2, 2, 2, 3, 2}, {0, 0, 0, 0, 0, 0, 0}, 2, 4});
}

TEST(PostProcessors, ByteLevelOnlyConcatenates) {
  expect_processing(kByteLevel, {{1, 2}, {0, 0}, {1, 2, 3}, {0, 0, 1}, 0, 0});
}

TEST(PostProcessors, SequenceChainsOnTheListOfSequences) {
  auto sequence = [](json a, json b) { return json{{"type", "Sequence"}, {"processors", {a, b}}}; };
  expect_processing(sequence(kByteLevel, bert_template()),
                    {{101, 1, 2, 102}, {0, 0, 0, 0}, {101, 1, 2, 102, 3, 102}, {0, 0, 0, 0, 1, 1}, 2, 3});
  expect_processing(sequence(kBert, kBert), {{101, 101, 1, 2, 102, 102},
                                             {0, 0, 0, 0, 0, 0},
                                             {101, 101, 1, 2, 102, 102, 3, 102, 102},
                                             {0, 0, 0, 0, 0, 0, 1, 1, 1},
                                             4,
                                             6});
  expect_processing(sequence(kRoberta, kRoberta), {{0, 0, 1, 2, 2, 2},
                                                   {0, 0, 0, 0, 0, 0},
                                                   {0, 0, 1, 2, 2, 2, 2, 2, 3, 2, 2},
                                                   {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                                                   4,
                                                   8});
  expect_processing(sequence(kRoberta, kBert), {{101, 0, 1, 2, 2, 102},
                                                {0, 0, 0, 0, 0, 0},
                                                {101, 0, 1, 2, 2, 102, 2, 3, 2, 102},
                                                {0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                                                4,
                                                7});
  expect_processing(sequence(kBert, kRoberta), {{0, 101, 1, 2, 102, 2},
                                                {0, 0, 0, 0, 0, 0},
                                                {0, 101, 1, 2, 102, 2, 2, 3, 102, 2},
                                                {0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                                                4,
                                                7});
}

TEST(PostProcessors, NullSectionMeansNone) {
  EXPECT_EQ(make_post_processor(json(), "tokenizer.json: post_processor"), nullptr);
}

std::string error_of(const json& j) {
  try {
    make_post_processor(j, "tokenizer.json: post_processor");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(PostProcessors, FileErrors) {
  EXPECT_EQ(error_of({{"type", "Frobnicate"}}), "tokenizer.json: post_processor.type: unknown post-processor 'Frobnicate'");
  EXPECT_EQ(error_of({{"type", "Sequence"}, {"processors", {kBert, {{"type", "Nope"}}}}}),
            "tokenizer.json: post_processor.processors[1].type: unknown post-processor 'Nope'");
  EXPECT_EQ(error_of({{"type", "TemplateProcessing"},
                      {"single", {special("[CLS]", 0), seq("A", 0)}},
                      {"pair", {seq("A", 0), seq("B", 1)}},
                      {"special_tokens", json::object()}}),
            "tokenizer.json: post_processor.single[0]: special token '[CLS]' is not in special_tokens");
  EXPECT_EQ(error_of({{"type", "TemplateProcessing"},
                      {"single", {seq("B", 0)}},
                      {"pair", {seq("A", 0), seq("B", 1)}},
                      {"special_tokens", json::object()}}),
            "tokenizer.json: post_processor.single[0]: the single-sequence template cannot use $B");
  EXPECT_EQ(error_of({{"type", "TemplateProcessing"},
                      {"single", {seq("C", 0)}},
                      {"pair", {seq("A", 0), seq("B", 1)}},
                      {"special_tokens", json::object()}}),
            "tokenizer.json: post_processor.single[0].Sequence.id: expected \"A\" or \"B\", got \"C\"");
  EXPECT_EQ(error_of({{"type", "TemplateProcessing"}, {"single", {seq("A", 0)}}, {"pair", {seq("A", 0)}}}),
            "tokenizer.json: post_processor.special_tokens: missing");
  EXPECT_EQ(error_of({{"type", "BertProcessing"}, {"sep", {"[SEP]"}}, {"cls", {"[CLS]", 101}}}),
            "tokenizer.json: post_processor.sep: expected a [\"token\", id] pair, got array");
  EXPECT_EQ(error_of({{"sep", {"[SEP]", 1}}}), "tokenizer.json: post_processor.type: missing");
}

}  // namespace
}  // namespace xenc
