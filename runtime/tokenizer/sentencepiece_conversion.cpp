#include "runtime/tokenizer/sentencepiece_conversion.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "graph/error.h"
#include "runtime/tokenizer/added_vocabulary.h"
#include "runtime/tokenizer/base64.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/sentencepiece_model.h"
#include "runtime/tokenizer/string_map.h"

namespace xenc {

using namespace json_access;

namespace {

using Piece = SentencePieceModel::Piece;
using PieceType = SentencePieceModel::PieceType;
using ModelType = SentencePieceModel::ModelType;

constexpr const char* kMetaspace = "\u2581";

// The slow tokenizer classes whose conversion is reproduced, with the
// vocabulary file each reads. The two differ in enough places that the code
// asks `xlm_roberta` rather than carrying a table of options.
struct TokenizerClass {
  std::string_view name;
  std::string_view model_type;  // config.json model_type
  std::string_view vocab_file;
  bool xlm_roberta;
};

constexpr TokenizerClass kClasses[] = {{"XLMRobertaTokenizer", "xlm-roberta", "sentencepiece.bpe.model", true},
                                       {"DebertaV2Tokenizer", "deberta-v2", "spm.model", false}};

// Files named in errors: the configuration files beside the model.
std::string sibling(const std::filesystem::path& model_file, const char* name) {
  return (model_file.parent_path() / name).string();
}

const TokenizerClass& tokenizer_class(const Json& tokenizer_config, const std::string& config_file) {
  const std::string name = string_member(tokenizer_config, "tokenizer_class", config_file);
  const std::string_view slow = std::string_view(name).substr(0, name.ends_with("Fast") ? name.size() - 4 : name.size());
  for (const TokenizerClass& c : kClasses)
    if (c.name == slow) return c;
  fail(path(config_file, "tokenizer_class"),
       "cannot convert a SentencePiece model for '" + name + "' (supported: XLMRobertaTokenizer, DebertaV2Tokenizer)");
}


// ---------------------------------------------------------------------------
// Model section

struct VocabEntry {
  std::string piece;
  double score;  // the file's float, widened as Python widens it
};

// SpmConverter.vocab, and XLMRobertaConverter's fairseq layout.
std::vector<VocabEntry> converter_vocab(const SentencePieceModel& model, const TokenizerClass& cls) {
  std::vector<VocabEntry> vocab;
  vocab.reserve(model.pieces.size() + 2);
  size_t first_piece = 0;
  if (cls.xlm_roberta) {
    for (const char* special : {"<s>", "<pad>", "</s>", "<unk>"}) vocab.push_back({special, 0.0});
    first_piece = 3;
  }
  for (size_t i = first_piece; i < model.pieces.size(); ++i) vocab.push_back({model.pieces[i].piece, model.pieces[i].score});
  if (cls.xlm_roberta) vocab.push_back({"<mask>", 0.0});
  return vocab;
}

// Keys are views into the model's pieces, which outlive the map. std::hash
// (unlike StringViewHash, which is noexcept) makes libstdc++ cache each
// node's hash instead of rehashing keys on every bucket walk.
template <typename Value>
using ViewMap = std::unordered_map<std::string_view, Value>;

size_t code_points(std::string_view s) {
  return static_cast<size_t>(std::ranges::count_if(s, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// transformers' generate_merges with piece scores: every split of a piece
// into two pieces of the .model is a merge; within a piece, splits go in
// order of the parts' ids; then all merges by score, left length, right length
// (lengths in code points), highest first, ties kept in that order.
Json generate_merges(const SentencePieceModel& model, const std::vector<VocabEntry>& vocab) {
  ViewMap<size_t> spm_ids;
  spm_ids.reserve(model.pieces.size());
  for (size_t i = 0; i < model.pieces.size(); ++i) spm_ids[model.pieces[i].piece] = i;

  // A Python dict of the scores: first position, last score.
  std::vector<std::pair<std::string_view, double>> scores;
  ViewMap<size_t> position;
  position.reserve(vocab.size());
  for (const VocabEntry& e : vocab) {
    auto [it, fresh] = position.try_emplace(e.piece, scores.size());
    if (fresh) scores.emplace_back(e.piece, e.score);
    else scores[it->second].second = e.score;
  }

  struct Merge {
    std::string_view left, right;
    double score;
    size_t left_length, right_length;
    std::pair<size_t, size_t> ids;
  };
  std::vector<Merge> merges;
  std::vector<Merge> local;
  for (const auto& [piece, score] : scores) {
    local.clear();
    for (size_t cut = 1; cut < piece.size(); ++cut) {
      if ((static_cast<unsigned char>(piece[cut]) & 0xC0) == 0x80) continue;  // inside a character
      const std::string_view left = piece.substr(0, cut), right = piece.substr(cut);
      const auto l = spm_ids.find(left);
      if (l == spm_ids.end()) continue;
      const auto r = spm_ids.find(right);
      if (r == spm_ids.end()) continue;
      local.push_back({left, right, score, code_points(left), code_points(right), {l->second, r->second}});
    }
    std::ranges::stable_sort(local, {}, &Merge::ids);
    merges.insert(merges.end(), local.begin(), local.end());
  }
  std::ranges::stable_sort(merges, [](const Merge& a, const Merge& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.left_length != b.left_length) return a.left_length > b.left_length;
    return a.right_length > b.right_length;
  });

  Json out = Json::array();
  for (const Merge& m : merges) out.push_back(Json::array({m.left, m.right}));
  return out;
}

// The model section, plus what HF's AddedVocabulary asks the model: the id
// of a token (the last entry wins for a repeated piece) and the vocabulary size.
struct ModelSection {
  Json json;
  StringMap<int32_t> ids;
  size_t size = 0;
};

ModelSection model_section(const SentencePieceModel& model, const TokenizerClass& cls, const std::string& file) {
  const std::vector<VocabEntry> vocab = converter_vocab(model, cls);
  ModelSection out;
  for (size_t i = 0; i < vocab.size(); ++i) out.ids[vocab[i].piece] = static_cast<int32_t>(i);

  switch (model.trainer_spec.model_type) {
    case ModelType::kUnigram: {
      const int64_t unk_id = cls.xlm_roberta ? 3 : model.trainer_spec.unk_id;
      if (unk_id < 0 || static_cast<size_t>(unk_id) >= vocab.size())
        throw Error(file + ": trainer_spec.unk_id: " + std::to_string(unk_id) + " is not an id of the " +
                    std::to_string(vocab.size()) + "-token vocabulary");
      Json pieces = Json::array();
      for (const VocabEntry& e : vocab) pieces.push_back(Json::array({e.piece, e.score}));
      out.json = {{"type", "Unigram"}, {"unk_id", unk_id}, {"vocab", std::move(pieces)}, {"byte_fallback", false}};
      out.size = vocab.size();
      break;
    }
    case ModelType::kBpe: {
      Json ids = Json::object();
      for (size_t i = 0; i < vocab.size(); ++i) ids[vocab[i].piece] = i;
      out.json = {{"type", "BPE"},
                  {"dropout", nullptr},
                  {"unk_token", model.trainer_spec.unk_piece},
                  {"continuing_subword_prefix", nullptr},
                  {"end_of_word_suffix", nullptr},
                  {"fuse_unk", true},
                  {"byte_fallback", false},
                  {"ignore_merges", false},
                  {"vocab", std::move(ids)},
                  {"merges", generate_merges(model, vocab)}};
      out.size = out.ids.size();
      break;
    }
    case ModelType::kWord:
    case ModelType::kChar:
      throw Error(file + ": trainer_spec.model_type: " + std::string(to_string(model.trainer_spec.model_type)) +
                  " models are not supported (transformers converts UNIGRAM and BPE models only)");
  }
  return out;
}

// ---------------------------------------------------------------------------
// Normalizer, pre-tokenizer, decoder, post-processor

struct ClassOptions {
  bool do_lower_case = false;   // DeBERTa-v2
  bool split_by_punct = false;  // DeBERTa-v2
};

Json normalizer_section(const SentencePieceModel& model, const TokenizerClass& cls, const ClassOptions& options) {
  const std::string& charsmap = model.normalizer_spec.precompiled_charsmap;
  const Json precompiled = {{"type", "Precompiled"}, {"precompiled_charsmap", encode_base64(charsmap)}};
  auto collapse_spaces = [](const char* replacement) {
    return Json{{"type", "Replace"}, {"pattern", {{"Regex", " {2,}"}}}, {"content", replacement}};
  };
  Json steps = Json::array();
  if (cls.xlm_roberta) {
    if (!charsmap.empty()) steps.push_back(precompiled);
    steps.push_back({{"type", "Strip"}, {"strip_left", false}, {"strip_right", true}});
    steps.push_back(collapse_spaces(kMetaspace));
  } else {
    if (options.do_lower_case) steps.push_back({{"type", "Lowercase"}});
    steps.push_back({{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}});
    if (!charsmap.empty()) steps.push_back(precompiled);
    steps.push_back(collapse_spaces(" "));
  }
  return {{"type", "Sequence"}, {"normalizers", std::move(steps)}};
}

// prepend_scheme "always": neither class has transformers' `legacy` switch.
Json metaspace() {
  return {{"type", "Metaspace"}, {"replacement", kMetaspace}, {"prepend_scheme", "always"}, {"split", true}};
}

Json pre_tokenizer_section(const TokenizerClass& cls, const ClassOptions& options) {
  if (cls.xlm_roberta) return metaspace();
  Json steps = Json::array();
  if (options.split_by_punct) steps.push_back({{"type", "Punctuation"}, {"behavior", "Isolated"}});
  steps.push_back(metaspace());
  return {{"type", "Sequence"}, {"pretokenizers", std::move(steps)}};
}

Json template_processing(const std::string& cls_token, int32_t cls_id, const std::string& sep_token, int32_t sep_id,
                         bool pair_type_one, bool double_separator) {
  auto special = [](const std::string& token, int type_id) {
    return Json{{"SpecialToken", {{"id", token}, {"type_id", type_id}}}};
  };
  auto sequence = [](const char* id, int type_id) { return Json{{"Sequence", {{"id", id}, {"type_id", type_id}}}}; };
  const int b_type = pair_type_one ? 1 : 0;
  Json single = Json::array({special(cls_token, 0), sequence("A", 0), special(sep_token, 0)});
  Json pair = single;
  if (double_separator) pair.push_back(special(sep_token, 0));
  pair.push_back(sequence("B", b_type));
  pair.push_back(special(sep_token, b_type));
  Json special_tokens = Json::object();
  for (const auto& [token, id] : {std::pair{cls_token, cls_id}, std::pair{sep_token, sep_id}})
    special_tokens[token] = {{"id", token}, {"ids", Json::array({id})}, {"tokens", Json::array({token})}};
  return {{"type", "TemplateProcessing"},
          {"single", std::move(single)},
          {"pair", std::move(pair)},
          {"special_tokens", std::move(special_tokens)}};
}

// ---------------------------------------------------------------------------
// Added tokens

// HF tokenizers' AddedVocabulary::add_tokens, which decides the ids: a token
// equal (in every flag) to one already added is ignored; otherwise it takes
// the id of an added token with the same content, else the model's id, else
// the next free id after the vocabulary and the added tokens. The last token
// given an id sets its flags.
class AddedTokens {
 public:
  explicit AddedTokens(const ModelSection& model) : model_(model) {}

  void add(const AddedToken& token) {
    if (token.content.empty() || contains(token)) return;
    int32_t id;
    if (auto it = ids_.find(token.content); it != ids_.end()) {
      id = it->second;
    } else if (auto m = model_.ids.find(token.content); m != model_.ids.end()) {
      id = m->second;
    } else {
      const auto vocab_size = static_cast<int32_t>(model_.size);
      id = vocab_size;
      if (!by_id_.empty()) {
        // max_element rather than views::values, which clang 14 cannot compile over an unordered_map.
        const int32_t max = std::max_element(ids_.begin(), ids_.end(), [](const auto& x, const auto& y) {
                              return x.second < y.second;
                            })->second;
        if (max >= vocab_size || vocab_size == 0) id = max + 1;
      }
    }
    ids_[token.content] = id;
    by_id_[id] = token;
  }

  // HF compares with every added token; only the one holding the same content can be equal.
  bool contains(const AddedToken& token) const {
    auto it = ids_.find(token.content);
    return it != ids_.end() && by_id_.at(it->second) == token;
  }
  bool contains_content(std::string_view content) const { return ids_.contains(content); }

  // Tokenizer::token_to_id: added tokens first, then the model.
  std::optional<int32_t> id_of(std::string_view content) const {
    if (auto it = ids_.find(content); it != ids_.end()) return it->second;
    if (auto m = model_.ids.find(content); m != model_.ids.end()) return m->second;
    return std::nullopt;
  }

  Json to_json() const {
    Json out = Json::array();
    for (const auto& [id, t] : by_id_)
      out.push_back({{"id", id},
                     {"content", t.content},
                     {"single_word", t.single_word},
                     {"lstrip", t.lstrip},
                     {"rstrip", t.rstrip},
                     {"normalized", t.normalized},
                     {"special", t.special}});
    return out;
  }

 private:
  const ModelSection& model_;
  StringMap<int32_t> ids_;             // content -> id
  std::map<int32_t, AddedToken> by_id_;  // id -> token, in id order as tokenizer.json lists them
};

// A special-token value as transformers holds it: a plain string, or an
// AddedToken whose flags were given.
struct SpecialToken {
  AddedToken token;
  bool flags_given = false;
};

AddedToken plain_special(std::string content) {
  return AddedToken{std::move(content), false, false, false, /*normalized=*/false, /*special=*/true};
}

// A special-token entry of tokenizer_config.json or special_tokens_map.json:
// a string or an AddedToken object ({"__type": "AddedToken", "content": ...}).
SpecialToken read_special(const Json& j, const std::string& where, bool force_special) {
  if (j.is_string()) return {plain_special(j.get<std::string>()), false};
  if (!j.is_object()) fail_type(where, "a string or an AddedToken object", j);
  Json token = j;
  if (force_special) token["special"] = true;
  return {read_added_token(token, where), true};
}

// The named special tokens (SPECIAL_TOKENS_ATTRIBUTES order), deduplicated
// by content, as transformers resolves them in from_pretrained and the
// class constructor.
std::vector<SpecialToken> special_tokens(const Json& tokenizer_config, const std::string& config_file,
                                         const Json& special_tokens_map, const std::string& map_file,
                                         const std::vector<AddedToken>& decoder, const TokenizerClass& cls) {
  struct Attribute {
    const char* name;
    const char* xlm_roberta_default;
    const char* deberta_default;
  };
  static constexpr Attribute kAttributes[] = {
      {"bos_token", "<s>", "[CLS]"},   {"eos_token", "</s>", "[SEP]"}, {"unk_token", "<unk>", "[UNK]"},
      {"sep_token", "</s>", "[SEP]"},  {"pad_token", "<pad>", "[PAD]"}, {"cls_token", "<s>", "[CLS]"},
      {"mask_token", "<mask>", "[MASK]"}};
  const bool has_decoder = tokenizer_config.contains("added_tokens_decoder");
  // With added_tokens_decoder, a named token takes the decoder entry of the same content.
  auto from_decoder = [&](SpecialToken value) {
    for (const AddedToken& t : decoder)
      if (t.content == value.token.content) value = {t, true};
    return value;
  };

  std::vector<SpecialToken> out;
  auto push = [&](SpecialToken value) {
    if (std::ranges::none_of(out, [&](const SpecialToken& s) { return s.token.content == value.token.content; }))
      out.push_back(std::move(value));
  };
  for (const Attribute& a : kAttributes) {
    // special_tokens_map.json only counts without a decoder; its AddedTokens are special.
    const Json* value = nullptr;
    std::string where;
    bool from_map = false;
    if (auto it = tokenizer_config.find(a.name); it != tokenizer_config.end()) value = &*it, where = config_file;
    if (!has_decoder)
      if (auto it = special_tokens_map.find(a.name); it != special_tokens_map.end())
        value = &*it, where = map_file, from_map = true;

    SpecialToken token;
    if (value == nullptr) {
      token = {plain_special(cls.xlm_roberta ? a.xlm_roberta_default : a.deberta_default), false};
    } else if (value->is_null()) {
      continue;  // explicitly none
    } else {
      token = read_special(*value, path(where, a.name), from_map);
      if (has_decoder) token = from_decoder(token);
    }
    if (token.token.content.empty()) continue;
    // The class constructors wrap two plain strings in AddedTokens.
    if (!token.flags_given && cls.xlm_roberta && std::string_view(a.name) == "mask_token") {
      token.token.lstrip = true;
      token.flags_given = true;
    }
    if (!token.flags_given && !cls.xlm_roberta && std::string_view(a.name) == "unk_token") {
      token.token.normalized = true;
      token.flags_given = true;
    }
    push(std::move(token));
  }

  // additional_special_tokens: tokenizer_config.json's, then (without a
  // decoder) special_tokens_map.json's that are not already listed.
  auto read_list = [&](const Json& list, const std::string& at, bool force_special) {
    if (!list.is_array()) fail_type(at, "an array", list);
    for (size_t i = 0; i < list.size(); ++i) {
      SpecialToken token = read_special(list[i], path(at, i), force_special);
      token.token.special = true;
      if (!token.token.content.empty()) push(std::move(token));
    }
  };
  if (const Json* list = optional_member(tokenizer_config, "additional_special_tokens"))
    read_list(*list, path(config_file, "additional_special_tokens"), false);
  if (!has_decoder)
    if (const Json* list = optional_member(special_tokens_map, "additional_special_tokens"))
      read_list(*list, path(map_file, "additional_special_tokens"), true);
  return out;
}

// tokenizer_config.json added_tokens_decoder ({"<id>": AddedToken}) in id order.
std::vector<AddedToken> read_decoder(const Json& tokenizer_config, const std::string& config_file) {
  std::vector<AddedToken> tokens;
  const Json* decoder = optional_member(tokenizer_config, "added_tokens_decoder");
  if (decoder == nullptr) return tokens;
  const std::string where = path(config_file, "added_tokens_decoder");
  require_object(*decoder, where);
  std::map<long long, AddedToken> by_id;
  for (const auto& [key, token] : decoder->items()) {
    const std::string at = path(where, key);
    char* end = nullptr;
    const long long id = std::strtoll(key.c_str(), &end, 10);
    if (key.empty() || *end != '\0' || id < 0) fail(at, "expected a token id as key");
    by_id[id] = read_added_token(token, at);
  }
  for (auto& [id, token] : by_id) tokens.push_back(std::move(token));
  return tokens;
}

// The converter adds CONTROL pieces as special tokens and USER_DEFINED pieces
// as plain ones; PreTrainedTokenizerFast.__init__ then adds the decoder
// entries and the named special tokens it does not have yet.
Json added_tokens_section(AddedTokens& added, const SentencePieceModel& model, const Json& tokenizer_config,
                          const std::string& config_file, const Json& special_tokens_map, const std::string& map_file,
                          const TokenizerClass& cls) {
  for (const Piece& p : model.pieces)
    if (p.type == PieceType::kControl || p.type == PieceType::kUserDefined)
      added.add(AddedToken{p.piece, false, false, false, /*normalized=*/false, p.type == PieceType::kControl});

  const std::vector<AddedToken> decoder = read_decoder(tokenizer_config, config_file);
  const std::vector<SpecialToken> specials =
      special_tokens(tokenizer_config, config_file, special_tokens_map, map_file, decoder, cls);

  std::vector<SpecialToken> to_add;
  for (const AddedToken& t : decoder)
    if (!added.contains(t)) to_add.push_back({t, true});
  auto known = [&](std::string_view content) {
    return added.contains_content(content) ||
           std::ranges::any_of(to_add, [&](const SpecialToken& s) { return s.token.content == content; });
  };
  // A plain string is added when its content is new; an AddedToken unless an
  // identical one is already queued (Python compares AddedTokens by every flag).
  for (const SpecialToken& s : specials) {
    const bool queued = s.flags_given ? std::ranges::any_of(to_add, [&](const SpecialToken& q) {
      return q.flags_given && q.token == s.token;
    })
                                      : known(s.token.content);
    if (!queued) to_add.push_back(s);
  }
  for (SpecialToken& s : to_add) {
    const bool is_special = s.token.special || std::ranges::any_of(specials, [&](const SpecialToken& n) {
                              return n.token.content == s.token.content;
                            });
    s.token.special = is_special;
    if (!s.flags_given) s.token.normalized = !is_special;
    added.add(s.token);
  }
  return added.to_json();
}

}  // namespace

Json sentencepiece_to_tokenizer_json(const std::filesystem::path& model_file, const Json& tokenizer_config,
                                     const Json& special_tokens_map) {
  require_object(tokenizer_config, sibling(model_file, "tokenizer_config.json"));
  require_object(special_tokens_map, sibling(model_file, "special_tokens_map.json"));
  const std::string config_file = sibling(model_file, "tokenizer_config.json") + ": ";
  const std::string map_file = sibling(model_file, "special_tokens_map.json") + ": ";
  const TokenizerClass& cls = tokenizer_class(tokenizer_config, config_file);
  ClassOptions options;
  if (!cls.xlm_roberta) {
    options.do_lower_case = bool_member(tokenizer_config, "do_lower_case", config_file, false);
    options.split_by_punct = bool_member(tokenizer_config, "split_by_punct", config_file, false);
  }

  const SentencePieceModel model = SentencePieceModel::read(model_file);
  const std::string file = model_file.string();
  ModelSection model_json = model_section(model, cls, file);
  AddedTokens added(model_json);
  Json added_json =
      added_tokens_section(added, model, tokenizer_config, config_file, special_tokens_map, map_file, cls);

  // The converter names its special tokens literally and asks the slow
  // tokenizer for their ids (XLM-R's are fixed by the fairseq layout).
  // For a token it does not know, sentencepiece answers the unknown piece's id.
  const std::string cls_token = cls.xlm_roberta ? "<s>" : "[CLS]";
  const std::string sep_token = cls.xlm_roberta ? "</s>" : "[SEP]";
  auto id_of = [&](const std::string& token) { return added.id_of(token).value_or(model.trainer_spec.unk_id); };
  Json post_processor = template_processing(cls_token, id_of(cls_token), sep_token, id_of(sep_token),
                                            /*pair_type_one=*/!cls.xlm_roberta, /*double_separator=*/cls.xlm_roberta);

  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", std::move(added_json)},
          {"normalizer", normalizer_section(model, cls, options)},
          {"pre_tokenizer", pre_tokenizer_section(cls, options)},
          {"post_processor", std::move(post_processor)},
          {"decoder", metaspace()},
          {"model", std::move(model_json.json)}};
}

std::optional<SentencePieceTokenizer> read_sentencepiece_tokenizer(const DirectoryConfig& config) {
  std::error_code ec;
  bool has_model = false;
  for (const auto& entry : std::filesystem::directory_iterator(config.dir, ec))
    has_model = has_model || entry.path().extension() == ".model";
  if (!has_model) return std::nullopt;

  // Without tokenizer_class, transformers picks the class from config.json.
  Json tokenizer_config = config.tokenizer_config;
  if (!tokenizer_config.contains("tokenizer_class")) {
    const std::string model_type =
        optional_string(config.model_config, "model_type", config.file("config.json") + ": ").value_or("");
    for (const TokenizerClass& c : kClasses)
      if (c.model_type == model_type) tokenizer_config["tokenizer_class"] = c.name;
  }
  const std::string config_file = config.file("tokenizer_config.json") + ": ";
  if (!tokenizer_config.contains("tokenizer_class"))
    fail(path(config_file, "tokenizer_class"),
         "missing, and config.json's model_type does not name a SentencePiece tokenizer (needed to read the .model file)");
  const TokenizerClass& cls = tokenizer_class(tokenizer_config, config_file);
  SentencePieceTokenizer out;
  out.model_file = config.dir / cls.vocab_file;
  out.document = sentencepiece_to_tokenizer_json(out.model_file, tokenizer_config, config.special_tokens_map);
  return out;
}

}  // namespace xenc
