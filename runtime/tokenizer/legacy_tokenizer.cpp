#include "runtime/tokenizer/legacy_tokenizer.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "graph/error.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

using namespace json_access;

namespace {

// Rust's BufRead::lines: split on \n, drop one trailing \r, no empty last line after a final \n.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// Rust's str::trim_end: drops trailing White_Space characters.
std::string_view trim_end(std::string_view s) {
  while (!s.empty()) {
    size_t start = s.size() - 1;  // back to the lead byte of the last character
    while (start > 0 && s.size() - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t end = start;
    if (!unicode::is_whitespace(unicode::next_code_point(s, end)) || end != s.size()) break;
    s = s.substr(0, start);
  }
  return s;
}

// HF WordPiece::read_file: one token per line, id = line number; a repeated token keeps its last line.
Json read_vocab_txt(const std::filesystem::path& file) {
  const std::string text = read_text_file(file);
  Json vocab = Json::object();
  const std::vector<std::string_view> lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) vocab[std::string(trim_end(lines[i]))] = i;
  return vocab;
}

// HF BPE::read_file: a {"token": id} object; entries whose value is not a number are ignored.
Json read_vocab_json(const std::filesystem::path& file) {
  const Json j = read_file(file);
  const std::string where = file.string() + ": ";
  if (!j.is_object()) fail_type(file.string(), "an object of token -> id", j);
  Json vocab = Json::object();
  for (const auto& item : j.items()) {
    const std::string& token = item.key();  // a name the lambda can capture (clang < 16 cannot capture bindings)
    if (item.value().is_number()) vocab[token] = as_u32(item.value(), [&] { return path(where, token); });
  }
  return vocab;
}

// merges.txt: "left right" per line after an optional "#version" header; every
// token of a merge, and their concatenation, must be in the vocabulary.
Json read_merges_txt(const std::filesystem::path& file, const Json& vocab) {
  const std::string text = read_text_file(file);
  Json merges = Json::array();
  const std::vector<std::string_view> lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.starts_with("#version")) continue;
    const std::string where = file.string() + ": line " + std::to_string(i + 1);
    const size_t space = line.find(' ');
    if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos)
      throw Error(where + ": expected two tokens separated by one space, got \"" + std::string(line) + "\"");
    const std::string left(line.substr(0, space)), right(line.substr(space + 1));
    for (const std::string& token : {left, right, left + right})
      if (!vocab.contains(token)) throw Error(where + ": '" + token + "' is not in vocab.json");
    merges.push_back(Json::array({left, right}));
  }
  return merges;
}

Json added_token_json(const AddedToken& t) {
  return {{"content", t.content}, {"single_word", t.single_word}, {"lstrip", t.lstrip},       {"rstrip", t.rstrip},
          {"normalized", t.normalized}, {"special", t.special}};
}

// added_tokens_decoder ({"<id>": AddedToken}) in id order, then the named special
// tokens that are not among them, as transformers adds them.
Json legacy_added_tokens(const DirectoryConfig& config, const std::vector<std::pair<std::string, std::string>>& named) {
  std::vector<AddedToken> tokens;
  if (const Json* decoder = optional_member(config.tokenizer_config, "added_tokens_decoder")) {
    const std::string where = path(config.file("tokenizer_config.json") + ": ", "added_tokens_decoder");
    require_object(*decoder, where);
    std::map<long long, AddedToken> by_id;
    for (const auto& [id, token] : decoder->items()) {
      const std::string at = path(where, id);
      char* end = nullptr;
      const long long n = std::strtoll(id.c_str(), &end, 10);
      if (id.empty() || *end != '\0' || n < 0) fail(at, "expected a token id as key");
      by_id[n] = read_added_token(token, at);
    }
    for (auto& [id, token] : by_id) tokens.push_back(std::move(token));
  }
  auto listed = [&](const std::string& content) {
    return std::ranges::any_of(tokens, [&](const AddedToken& t) { return t.content == content; });
  };
  for (const auto& [name, fallback] : named) {
    AddedToken token = config.special_token(name).value_or(AddedToken{fallback, false, false, false, false, true});
    if (!listed(token.content)) tokens.push_back(std::move(token));
  }
  if (const Json* extra = optional_member(config.tokenizer_config, "additional_special_tokens"); extra && extra->is_array()) {
    const std::string where = path(config.file("tokenizer_config.json") + ": ", "additional_special_tokens");
    for (size_t i = 0; i < extra->size(); ++i) {
      const Json& e = (*extra)[i];
      AddedToken token = e.is_string() ? AddedToken{e.get<std::string>(), false, false, false, false, true}
                                       : read_added_token(e, path(where, i));
      token.special = true;
      if (!listed(token.content)) tokens.push_back(std::move(token));
    }
  }
  Json out = Json::array();
  for (const AddedToken& t : tokens) out.push_back(added_token_json(t));
  return out;
}

std::string token_name(const DirectoryConfig& config, const std::string& name, const std::string& fallback) {
  const std::optional<AddedToken> t = config.special_token(name);
  return t ? t->content : fallback;
}

LegacyTokenizer bert_tokenizer(const DirectoryConfig& config) {
  const Json& tc = config.tokenizer_config;
  const std::string where = config.file("tokenizer_config.json") + ": ";
  LegacyTokenizer t;
  t.file = config.file("vocab.txt");
  t.cls_token = token_name(config, "cls_token", "[CLS]");
  t.sep_token = token_name(config, "sep_token", "[SEP]");
  const Json* strip_accents = optional_member(tc, "strip_accents");
  t.document = {
      {"added_tokens", legacy_added_tokens(config, {{"unk_token", "[UNK]"},
                                                    {"sep_token", "[SEP]"},
                                                    {"pad_token", "[PAD]"},
                                                    {"cls_token", "[CLS]"},
                                                    {"mask_token", "[MASK]"}})},
      {"normalizer",
       {{"type", "BertNormalizer"},
        {"clean_text", true},
        {"handle_chinese_chars", bool_member(tc, "tokenize_chinese_chars", where, true)},
        {"strip_accents", strip_accents ? Json(as_bool(*strip_accents, path(where, "strip_accents"))) : Json()},
        {"lowercase", bool_member(tc, "do_lower_case", where, true)}}},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"model",
       {{"type", "WordPiece"},
        {"unk_token", token_name(config, "unk_token", "[UNK]")},
        {"continuing_subword_prefix", "##"},
        {"max_input_chars_per_word", 100},
        {"vocab", read_vocab_txt(config.dir / "vocab.txt")}}},
  };
  return t;
}

LegacyTokenizer roberta_tokenizer(const DirectoryConfig& config) {
  const std::string where = config.file("tokenizer_config.json") + ": ";
  LegacyTokenizer t;
  t.file = config.file("vocab.json");
  t.roberta = true;
  t.cls_token = token_name(config, "cls_token", "<s>");
  t.sep_token = token_name(config, "sep_token", "</s>");
  Json vocab = read_vocab_json(config.dir / "vocab.json");
  Json merges = read_merges_txt(config.dir / "merges.txt", vocab);
  t.document = {
      {"added_tokens", legacy_added_tokens(config, {{"bos_token", "<s>"},
                                                    {"eos_token", "</s>"},
                                                    {"unk_token", "<unk>"},
                                                    {"sep_token", "</s>"},
                                                    {"pad_token", "<pad>"},
                                                    {"cls_token", "<s>"},
                                                    {"mask_token", "<mask>"}})},
      {"pre_tokenizer",
       {{"type", "ByteLevel"},
        {"add_prefix_space", bool_member(config.tokenizer_config, "add_prefix_space", where, false)},
        {"trim_offsets", true},
        {"use_regex", true}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", nullptr},
        {"continuing_subword_prefix", ""},
        {"end_of_word_suffix", ""},
        {"fuse_unk", false},
        {"vocab", std::move(vocab)},
        {"merges", std::move(merges)}}},
  };
  return t;
}

}  // namespace

Json LegacyTokenizer::post_processor(int32_t cls_id, int32_t sep_id) const {
  if (roberta)
    return {{"type", "RobertaProcessing"},
            {"sep", Json::array({sep_token, sep_id})},
            {"cls", Json::array({cls_token, cls_id})}};
  return bert_template_processing(cls_token, cls_id, sep_token, sep_id);
}

std::optional<LegacyTokenizer> read_legacy_tokenizer(const DirectoryConfig& config) {
  if (std::filesystem::exists(config.dir / "vocab.json") && std::filesystem::exists(config.dir / "merges.txt"))
    return roberta_tokenizer(config);
  if (std::filesystem::exists(config.dir / "vocab.txt")) return bert_tokenizer(config);
  return std::nullopt;
}

}  // namespace xenc
