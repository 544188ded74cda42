#include "runtime/tokenizer/tokenizer.h"

#include <algorithm>

#include "graph/error.h"
#include "runtime/tokenizer/directory_config.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/legacy_tokenizer.h"
#include "runtime/tokenizer/sentencepiece_conversion.h"

namespace xenc {

using namespace json_access;

Tokenizer Tokenizer::from_json(const Json& document, const std::string& file) {
  const std::string root = file + ": ";
  require_object(document, file);
  Tokenizer t;
  if (const Json* n = optional_member(document, "normalizer")) t.normalizer_ = make_normalizer(*n, path(root, "normalizer"));
  if (const Json* p = optional_member(document, "pre_tokenizer"))
    t.pre_tokenizer_ = make_pre_tokenizer(*p, path(root, "pre_tokenizer"));
  t.model_ = make_model(member(document, "model", root), path(root, "model"));
  if (const Json* p = optional_member(document, "post_processor"))
    t.post_processor_ = make_post_processor(*p, path(root, "post_processor"));

  std::vector<AddedToken> added;
  if (const Json* list = optional_member(document, "added_tokens")) {
    const std::string where = path(root, "added_tokens");
    if (!list->is_array()) fail_type(where, "an array", *list);
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string at = path(where, i);
      // HF recomputes the id (see AddedVocabulary); it is only checked here.
      if (const Json* id = optional_member((*list)[i], "id")) as_u32(*id, path(at, "id"));
      added.push_back(read_added_token((*list)[i], at));
    }
  }
  t.added_vocabulary_ = AddedVocabulary(added, *t.model_, t.normalizer_.get());

  if (const Json* trunc = optional_member(document, "truncation")) {
    t.truncation_ = read_truncation(*trunc, path(root, "truncation"));
    t.max_length_ = t.truncation_->max_length;
  }
  if (const Json* pad = optional_member(document, "padding")) {
    const std::string where = path(root, "padding");
    require_object(*pad, where);
    t.padding_.pad_id = static_cast<int32_t>(u32_member(*pad, "pad_id", where, 0));
    t.padding_.pad_type_id = static_cast<int32_t>(u32_member(*pad, "pad_type_id", where, 0));
    const std::string direction = optional_string(*pad, "direction", where).value_or("Right");
    if (direction != "Right" && direction != "Left")
      fail(path(where, "direction"), "expected \"Right\" or \"Left\", got \"" + direction + "\"");
    t.padding_.left = direction == "Left";
    t.padding_.from_file = true;
  } else {
    for (const char* pad_token : {"[PAD]", "<pad>"})
      if (auto id = t.token_to_id(pad_token)) {
        t.padding_.pad_id = *id;
        break;
      }
  }
  return t;
}

Tokenizer Tokenizer::from_dir(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) throw Error(dir.string() + ": not a directory");
  const DirectoryConfig config = DirectoryConfig::read(dir);
  Tokenizer t;
  const std::filesystem::path json_file = dir / "tokenizer.json";
  if (std::filesystem::exists(json_file)) {
    t = from_json(read_file(json_file), json_file.string());
  } else if (std::optional<LegacyTokenizer> legacy = read_legacy_tokenizer(config)) {
    t = from_json(legacy->document, legacy->file);
    // The special tokens are in the added vocabulary by now, so their ids resolve.
    auto id_of = [&](const std::string& token) {
      if (auto id = t.token_to_id(token)) return *id;
      throw Error(legacy->file + ": special token '" + token + "' has no id");
    };
    t.post_processor_ = make_post_processor(legacy->post_processor(id_of(legacy->cls_token), id_of(legacy->sep_token)),
                                            path(legacy->file + ": ", "post_processor"));
  } else if (std::optional<SentencePieceTokenizer> spm = read_sentencepiece_tokenizer(config)) {
    t = from_json(spm->document, spm->model_file.string());
  } else {
    throw Error(dir.string() +
                ": no tokenizer files (tokenizer.json, vocab.txt, vocab.json + merges.txt, or a SentencePiece .model)");
  }

  t.max_length_ = config.default_max_length(t.truncation_ ? std::optional(t.truncation_->max_length) : std::nullopt);
  if (!t.padding_.from_file)
    if (std::optional<AddedToken> pad = config.special_token("pad_token"))
      if (auto id = t.token_to_id(pad->content)) t.padding_.pad_id = *id;
  return t;
}

std::optional<int32_t> Tokenizer::token_to_id(std::string_view token) const {
  if (auto id = added_vocabulary_.token_to_id(token)) return id;
  return model_->token_to_id(token);
}

Encoding Tokenizer::encode_sequence(std::string_view text, int32_t type_id) const {
  Encoding e;
  std::vector<AddedVocabulary::Segment> segments;
  added_vocabulary_.split(text, normalizer_.get(), segments);
  std::vector<std::string> pieces;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].id >= 0) {
      e.ids.push_back(segments[i].id);
      continue;
    }
    pieces.clear();
    pieces.push_back(std::move(segments[i].text));
    // Only the first segment can start the text: any earlier segment is an added token.
    if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(pieces, /*starts_text=*/i == 0);
    for (const std::string& piece : pieces) model_->tokenize(piece, e.ids);
  }
  e.type_ids.assign(e.ids.size(), type_id);
  return e;
}

Encoding Tokenizer::finish(Encoding a, Encoding* b, size_t max_length) const {
  if (max_length > 0) {
    Truncation params = truncation_.value_or(Truncation{});
    const size_t special = added_tokens(b != nullptr);
    // HF subtracts the special tokens in unsigned arithmetic: when they alone
    // exceed max_length the budget wraps around and nothing is truncated.
    if (max_length >= special) {
      params.max_length = max_length - special;
      truncate(a, b, params);
    }
  }
  if (post_processor_) return post_processor_->process(a, b);
  if (b != nullptr) {
    a.ids.insert(a.ids.end(), b->ids.begin(), b->ids.end());
    a.type_ids.insert(a.type_ids.end(), b->type_ids.begin(), b->type_ids.end());
  }
  return a;
}

Encoding Tokenizer::encode(std::string_view text, size_t max_length) const {
  return finish(encode_sequence(text, 0), nullptr, max_length);
}

Encoding Tokenizer::encode_pair(std::string_view a, std::string_view b, size_t max_length) const {
  Encoding second = encode_sequence(b, 1);
  return finish(encode_sequence(a, 0), &second, max_length);
}

BatchEncoding Tokenizer::pad(std::span<const Encoding> encodings) const {
  BatchEncoding out;
  out.batch_size = encodings.size();
  for (const Encoding& e : encodings) out.sequence_length = std::max(out.sequence_length, e.ids.size());
  const size_t cells = out.batch_size * out.sequence_length;
  out.input_ids.assign(cells, padding_.pad_id);
  out.token_type_ids.assign(cells, padding_.pad_type_id);
  out.attention_mask.assign(cells, 0);
  for (size_t row = 0; row < encodings.size(); ++row) {
    const Encoding& e = encodings[row];
    const size_t first = row * out.sequence_length + (padding_.left ? out.sequence_length - e.ids.size() : 0);
    std::copy(e.ids.begin(), e.ids.end(), out.input_ids.begin() + static_cast<std::ptrdiff_t>(first));
    std::copy(e.type_ids.begin(), e.type_ids.end(), out.token_type_ids.begin() + static_cast<std::ptrdiff_t>(first));
    std::fill_n(out.attention_mask.begin() + static_cast<std::ptrdiff_t>(first), e.ids.size(), 1);
  }
  return out;
}

BatchEncoding Tokenizer::encode_batch(std::span<const TextPair> texts, size_t max_length) const {
  std::vector<Encoding> encodings;
  encodings.reserve(texts.size());
  for (const TextPair& t : texts) encodings.push_back(t.b ? encode_pair(t.a, *t.b, max_length) : encode(t.a, max_length));
  return pad(encodings);
}

}  // namespace xenc
