// Post-processors: add the special tokens and set the type ids of a single
// sequence or a pair (TemplateProcessing, BertProcessing, RobertaProcessing,
// ByteLevel, Sequence).
//
// As in HF, each processor maps the list of encodings (one per input
// sequence) to a new list and the tokenizer concatenates the final list;
// Sequence runs its processors one after the other on that list.
#include <variant>

#include "runtime/tokenizer/components.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/string_map.h"

namespace xenc {

namespace {

using namespace json_access;

void append(Encoding& out, const std::vector<int32_t>& ids, int32_t type_id) {
  out.ids.insert(out.ids.end(), ids.begin(), ids.end());
  out.type_ids.insert(out.type_ids.end(), ids.size(), type_id);
}

void append(Encoding& out, const Encoding& in) {
  out.ids.insert(out.ids.end(), in.ids.begin(), in.ids.end());
  out.type_ids.insert(out.type_ids.end(), in.type_ids.begin(), in.type_ids.end());
}

class ListProcessor : public PostProcessor {
 public:
  virtual std::vector<Encoding> process_list(std::vector<Encoding> encodings) const = 0;

  Encoding process(const Encoding& a, const Encoding* b) const final {
    std::vector<Encoding> list{a};
    if (b != nullptr) list.push_back(*b);
    list = process_list(std::move(list));
    if (list.size() == 1) return std::move(list.front());
    Encoding merged;
    for (const Encoding& e : list) append(merged, e);
    return merged;
  }
};

// ---- TemplateProcessing -------------------------------------------------

struct SequencePiece {
  size_t index;  // 0 for $A, 1 for $B
  int32_t type_id;
};
struct SpecialPiece {
  std::string name;
  int32_t type_id;
};
using TemplatePiece = std::variant<SequencePiece, SpecialPiece>;
using Template = std::vector<TemplatePiece>;

// {"Sequence": {"id": "A"|"B", "type_id": n}} or {"SpecialToken": {"id": name, "type_id": n}}, the form HF
// serializes (its "$A:0 [SEP]:1" string shorthand exists only in its constructors).
TemplatePiece read_piece(const Json& j, const std::string& where) {
  if (j.is_object() && j.size() == 1) {
    if (const Json* seq = optional_member(j, "Sequence")) {
      const std::string at = path(where, "Sequence");
      const std::string id = string_member(*seq, "id", at);
      if (id != "A" && id != "B") fail(path(at, "id"), "expected \"A\" or \"B\", got \"" + id + "\"");
      return SequencePiece{id == "A" ? size_t{0} : size_t{1},
                           static_cast<int32_t>(as_u32(member(*seq, "type_id", at), path(at, "type_id")))};
    }
    if (const Json* special = optional_member(j, "SpecialToken")) {
      const std::string at = path(where, "SpecialToken");
      return SpecialPiece{string_member(*special, "id", at),
                          static_cast<int32_t>(as_u32(member(*special, "type_id", at), path(at, "type_id")))};
    }
  }
  fail_type(where, "a {\"Sequence\": ...} or {\"SpecialToken\": ...} piece", j);
}

Template read_template(const Json& j, const std::string& where) {
  if (!j.is_array()) fail_type(where, "an array of template pieces", j);
  Template pieces;
  for (size_t i = 0; i < j.size(); ++i) pieces.push_back(read_piece(j[i], path(where, i)));
  return pieces;
}

class TemplateProcessor final : public ListProcessor {
 public:
  TemplateProcessor(Template single, Template pair, StringMap<std::vector<int32_t>> special_tokens)
      : single_(std::move(single)), pair_(std::move(pair)), special_tokens_(std::move(special_tokens)) {}

  size_t added_tokens(bool pair) const override {
    size_t n = 0;
    for (const TemplatePiece& piece : pair ? pair_ : single_)
      if (const auto* special = std::get_if<SpecialPiece>(&piece)) n += special_tokens_.find(special->name)->second.size();
    return n;
  }

  std::vector<Encoding> process_list(std::vector<Encoding> encodings) const override {
    Encoding out;
    for (const TemplatePiece& piece : encodings.size() == 2 ? pair_ : single_) {
      if (const auto* seq = std::get_if<SequencePiece>(&piece)) {
        append(out, encodings[seq->index].ids, seq->type_id);
      } else {
        const auto& special = std::get<SpecialPiece>(piece);
        append(out, special_tokens_.find(special.name)->second, special.type_id);
      }
    }
    return {std::move(out)};
  }

 private:
  Template single_;
  Template pair_;
  StringMap<std::vector<int32_t>> special_tokens_;  // template name -> ids
};

std::unique_ptr<ListProcessor> make_template_processor(const Json& j, const std::string& where) {
  StringMap<std::vector<int32_t>> special_tokens;
  const Json& specials = member(j, "special_tokens", where);
  const std::string specials_where = path(where, "special_tokens");
  if (!specials.is_object()) fail_type(specials_where, "an object", specials);
  for (const auto& [name, token] : specials.items()) {
    const std::string at = path(specials_where, name);
    const Json& ids = member(token, "ids", at);
    if (!ids.is_array()) fail_type(path(at, "ids"), "an array of ids", ids);
    std::vector<int32_t>& out = special_tokens[name];
    for (size_t i = 0; i < ids.size(); ++i) out.push_back(static_cast<int32_t>(as_u32(ids[i], path(path(at, "ids"), i))));
  }
  Template single = read_template(member(j, "single", where), path(where, "single"));
  Template pair = read_template(member(j, "pair", where), path(where, "pair"));
  // HF would panic on these at encode time; they are file errors here.
  for (const auto& [key, pieces] : {std::pair{"single", &single}, std::pair{"pair", &pair}}) {
    for (size_t i = 0; i < pieces->size(); ++i) {
      const std::string at = path(path(where, key), i);
      if (const auto* special = std::get_if<SpecialPiece>(&(*pieces)[i]); special && !special_tokens.contains(special->name))
        fail(at, "special token '" + special->name + "' is not in special_tokens");
      if (const auto* seq = std::get_if<SequencePiece>(&(*pieces)[i]); seq && seq->index == 1 && pieces == &single)
        fail(at, "the single-sequence template cannot use $B");
    }
  }
  return std::make_unique<TemplateProcessor>(std::move(single), std::move(pair), std::move(special_tokens));
}

// ---- BertProcessing / RobertaProcessing -----------------------------------

// A ["token", id] pair; only the id matters for encoding.
int32_t read_token_id(const Json& j, const std::string& where) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_string()) fail_type(where, "a [\"token\", id] pair", j);
  return static_cast<int32_t>(as_u32(j[1], path(where, size_t{1})));
}

// [CLS] A [SEP] (B [SEP]); the type ids are the sequences' own: 0 for A and 1 for B.
class BertProcessor final : public ListProcessor {
 public:
  BertProcessor(int32_t cls, int32_t sep) : cls_(cls), sep_(sep) {}

  size_t added_tokens(bool pair) const override { return pair ? 3 : 2; }

  std::vector<Encoding> process_list(std::vector<Encoding> encodings) const override {
    std::vector<Encoding> out(encodings.size());
    append(out[0], {cls_}, 0);
    append(out[0], encodings[0]);
    append(out[0], {sep_}, 0);
    if (encodings.size() == 2) {
      append(out[1], encodings[1]);
      append(out[1], {sep_}, 1);
    }
    return out;
  }

 private:
  int32_t cls_, sep_;
};

// <s> A </s> (</s> B </s>); RoBERTa sets every type id to 0.
class RobertaProcessor final : public ListProcessor {
 public:
  RobertaProcessor(int32_t cls, int32_t sep) : cls_(cls), sep_(sep) {}

  size_t added_tokens(bool pair) const override { return pair ? 4 : 2; }

  std::vector<Encoding> process_list(std::vector<Encoding> encodings) const override {
    std::vector<Encoding> out(encodings.size());
    for (size_t i = 0; i < encodings.size(); ++i) {
      append(out[i], {i == 0 ? cls_ : sep_}, 0);
      append(out[i], encodings[i].ids, 0);
      append(out[i], {sep_}, 0);
    }
    return out;
  }

 private:
  int32_t cls_, sep_;
};

// ---- ByteLevel / Sequence -----------------------------------------------

// ByteLevel only trims offsets, which xenc does not track.
class ByteLevelProcessor final : public ListProcessor {
 public:
  size_t added_tokens(bool) const override { return 0; }
  std::vector<Encoding> process_list(std::vector<Encoding> encodings) const override { return encodings; }
};

class SequenceProcessor final : public ListProcessor {
 public:
  explicit SequenceProcessor(std::vector<std::unique_ptr<ListProcessor>> processors)
      : processors_(std::move(processors)) {}

  size_t added_tokens(bool pair) const override {
    size_t n = 0;
    for (const auto& p : processors_) n += p->added_tokens(pair);
    return n;
  }

  std::vector<Encoding> process_list(std::vector<Encoding> encodings) const override {
    for (const auto& p : processors_) encodings = p->process_list(std::move(encodings));
    return encodings;
  }

 private:
  std::vector<std::unique_ptr<ListProcessor>> processors_;
};

std::unique_ptr<ListProcessor> make_list_processor(const Json& j, const std::string& where) {
  const std::optional<std::string> type = type_tag(j, where);
  if (!type) fail(path(where, "type"), "missing");
  if (*type == "TemplateProcessing") return make_template_processor(j, where);
  if (*type == "BertProcessing" || *type == "RobertaProcessing") {
    const int32_t sep = read_token_id(member(j, "sep", where), path(where, "sep"));
    const int32_t cls = read_token_id(member(j, "cls", where), path(where, "cls"));
    if (*type == "BertProcessing") return std::make_unique<BertProcessor>(cls, sep);
    return std::make_unique<RobertaProcessor>(cls, sep);
  }
  if (*type == "ByteLevel") return std::make_unique<ByteLevelProcessor>();
  if (*type == "Sequence") {
    const Json& list = member(j, "processors", where);
    const std::string list_where = path(where, "processors");
    if (!list.is_array()) fail_type(list_where, "an array", list);
    std::vector<std::unique_ptr<ListProcessor>> processors;
    for (size_t i = 0; i < list.size(); ++i) processors.push_back(make_list_processor(list[i], path(list_where, i)));
    return std::make_unique<SequenceProcessor>(std::move(processors));
  }
  fail(path(where, "type"), "unknown post-processor '" + *type + "'");
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const Json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  return make_list_processor(j, where);
}

Json bert_template_processing(const std::string& cls, int32_t cls_id, const std::string& sep, int32_t sep_id) {
  const auto special = [](const std::string& name, int32_t type_id) {
    return Json{{"SpecialToken", {{"id", name}, {"type_id", type_id}}}};
  };
  const auto sequence = [](const char* id, int32_t type_id) {
    return Json{{"Sequence", {{"id", id}, {"type_id", type_id}}}};
  };
  const auto special_token = [](const std::string& name, int32_t id) {
    return Json{{"id", name}, {"ids", Json::array({id})}, {"tokens", Json::array({name})}};
  };
  Json special_tokens = Json::object();
  special_tokens[cls] = special_token(cls, cls_id);
  special_tokens[sep] = special_token(sep, sep_id);
  return {{"type", "TemplateProcessing"},
          {"single", Json::array({special(cls, 0), sequence("A", 0), special(sep, 0)})},
          {"pair",
           Json::array({special(cls, 0), sequence("A", 0), special(sep, 0), sequence("B", 1), special(sep, 1)})},
          {"special_tokens", std::move(special_tokens)}};
}

}  // namespace xenc
