#include "exporter/separate_texts_tokenizer.h"

#include <string>

#include "graph/atomic_file.h"
#include "runtime/tokenizer/components.h"
#include "runtime/tokenizer/json_access.h"

namespace xenc {

namespace {

using json_access::Json;

// BertProcessing {"cls": [name, id], "sep": [name, id]} as the template it stands for.
Json bert_template(const Json& processor, const std::string& where) {
  std::string names[2];
  int32_t ids[2] = {};
  for (int i = 0; i < 2; ++i) {
    const char* key = i == 0 ? "cls" : "sep";
    const std::string at = json_access::path(where, key);
    const Json& token = json_access::member(processor, key, where);
    if (!token.is_array() || token.size() != 2) json_access::fail_type(at, "[name, id]", token);
    names[i] = json_access::as_string(token[0], json_access::path(at, size_t{0}));
    ids[i] = static_cast<int32_t>(json_access::as_u32(token[1], json_access::path(at, size_t{1})));
  }
  return bert_template_processing(names[0], ids[0], names[1], ids[1]);
}

// The single template's pieces for text `id` ("A" or "B") with `type_id`.
Json pieces_for(const Json& single, const std::string& id, int type_id, const std::string& where) {
  if (!single.is_array()) json_access::fail_type(where, "an array of template pieces", single);
  Json pieces = Json::array();
  for (size_t i = 0; i < single.size(); ++i) {
    Json piece = single[i];
    const bool sequence = piece.is_object() && piece.contains("Sequence");
    const bool special = piece.is_object() && piece.contains("SpecialToken");
    Json* body = sequence ? &piece["Sequence"] : special ? &piece["SpecialToken"] : nullptr;
    if (!body || !body->is_object())
      json_access::fail_type(json_access::path(where, i), "a {\"Sequence\": ...} or {\"SpecialToken\": ...} piece",
                             single[i]);
    if (sequence) (*body)["id"] = id;
    (*body)["type_id"] = type_id;
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

}  // namespace

void write_separate_texts_tokenizer(const std::filesystem::path& from, const std::filesystem::path& to) {
  Json tokenizer = json_access::read_file(from);
  const std::string where = from.filename().string() + ": post_processor";
  json_access::require_object(tokenizer, from.filename().string());
  const Json* found = json_access::optional_member(tokenizer, "post_processor");
  if (!found) json_access::fail(where, "missing; encoding the texts separately needs the model's special tokens");
  const std::string type = json_access::as_string(json_access::member(*found, "type", where), where + ".type");
  Json processor;
  if (type == "TemplateProcessing") {
    processor = *found;
  } else if (type == "BertProcessing") {
    processor = bert_template(*found, where);
  } else {
    json_access::fail(where + ".type", "expected TemplateProcessing or BertProcessing to encode the texts "
                                       "separately, got " + type);
  }
  const Json& single = json_access::member(processor, "single", where);
  Json pair = pieces_for(single, "A", 0, where + ".single");
  for (Json& piece : pieces_for(single, "B", 1, where + ".single")) pair.push_back(std::move(piece));
  processor["pair"] = std::move(pair);
  tokenizer["post_processor"] = std::move(processor);
  write_file_atomically(to, tokenizer.dump(2) + "\n");
}

}  // namespace xenc
