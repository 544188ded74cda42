// The stages of a Hugging Face tokenizer pipeline, as xenc models them:
//   normalizer -> pre-tokenizer -> model -> post-processor.
// Offsets are not tracked: cross-encoders need ids, type ids and masks only.
// Each stage is built from its tokenizer.json section by a make_* factory
// that throws xenc::Error naming the file and the JSON path of a bad field
// (e.g. "tokenizer.json: normalizer.normalizers[2].type: unknown normalizer 'Foo'").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace xenc {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// Splits text into pieces; each stage refines every current piece in order.
class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // `starts_text`: pieces[0] begins the input text, i.e. no added token comes
  // before it (HF: its original offset is 0). Only Metaspace's prepend_scheme
  // "first" looks at it.
  virtual void pre_tokenize(std::vector<std::string>& pieces, bool starts_text) const = 0;
};

class TokenModel {
 public:
  virtual ~TokenModel() = default;
  // Appends the ids of one pre-tokenized piece.
  virtual void tokenize(std::string_view piece, std::vector<int32_t>& ids) const = 0;
  virtual std::optional<int32_t> token_to_id(std::string_view token) const = 0;
  virtual size_t vocab_size() const = 0;
};

// Ids and type ids of one sequence (or the final pair).
struct Encoding {
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
};

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Number of special tokens added for a single sequence or a pair (for truncation).
  virtual size_t added_tokens(bool pair) const = 0;
  // Adds special tokens and type ids; `b` is null for a single sequence.
  virtual Encoding process(const Encoding& a, const Encoding* b) const = 0;
};

// `where` is the JSON path used in errors, e.g. "tokenizer.json: normalizer".
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j, const std::string& where);
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j, const std::string& where);
std::unique_ptr<TokenModel> make_model(const nlohmann::json& j, const std::string& where);
std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& j, const std::string& where);

// The TemplateProcessing that BertProcessing stands for, as tokenizer.json
// writes it: "[CLS] $A [SEP]" and "[CLS] $A [SEP] $B:1 [SEP]:1".
nlohmann::json bert_template_processing(const std::string& cls, int32_t cls_id, const std::string& sep,
                                        int32_t sep_id);

}  // namespace xenc
