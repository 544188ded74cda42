#include "runtime/tokenizer/directory_config.h"

#include <algorithm>
#include <array>

#include "runtime/tokenizer/json_access.h"

namespace xenc {

using namespace json_access;

namespace {

Json read_optional(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return Json::object();
  Json j = read_file(file);
  require_object(j, file.string() + ": ");
  return j;
}

// Model types whose position ids are offset by padding_idx + 1 (create_position_ids_from_input_ids).
constexpr std::array<std::string_view, 8> kOffsetPositionFamilies = {
    "roberta", "xlm-roberta", "xlm-roberta-xl", "camembert", "data2vec-text", "longformer", "mpnet", "ibert"};

// transformers writes int(1e30) when a tokenizer has no length limit; anything this large means the same.
constexpr double kNoLimitPlaceholder = 1e18;

}  // namespace

DirectoryConfig DirectoryConfig::read(const std::filesystem::path& dir) {
  DirectoryConfig c;
  c.dir = dir;
  c.tokenizer_config = read_optional(dir / "tokenizer_config.json");
  c.special_tokens_map = read_optional(dir / "special_tokens_map.json");
  c.model_config = read_optional(dir / "config.json");
  return c;
}

std::optional<AddedToken> DirectoryConfig::special_token(std::string_view name) const {
  for (const auto& [config, file_name] : {std::pair{&special_tokens_map, "special_tokens_map.json"},
                                          std::pair{&tokenizer_config, "tokenizer_config.json"}}) {
    const Json* value = optional_member(*config, name);
    if (value == nullptr) continue;
    const std::string where = path(file(file_name) + ": ", name);
    if (value->is_string()) {
      AddedToken t;
      t.content = value->get<std::string>();
      t.special = true;
      t.normalized = false;
      return t;
    }
    AddedToken t = read_added_token(*value, where);
    t.special = true;  // a named special token is special whatever its flag says
    return t;
  }
  return std::nullopt;
}

size_t DirectoryConfig::default_max_length(std::optional<size_t> truncation_max_length) const {
  size_t limit = 0;
  if (const Json* m = optional_member(tokenizer_config, "model_max_length"); m && m->is_number()) {
    const double v = m->get<double>();
    if (v > 0 && v < kNoLimitPlaceholder) limit = static_cast<size_t>(v);
  }
  if (limit == 0 && truncation_max_length) limit = *truncation_max_length;

  const std::optional<size_t> positions = position_limit();
  if (!positions) return limit;
  return limit == 0 ? *positions : std::min(limit, *positions);
}

std::optional<size_t> DirectoryConfig::position_limit() const {
  const Json* positions = optional_member(model_config, "max_position_embeddings");
  if (positions == nullptr || !positions->is_number_integer() || positions->get<int64_t>() <= 0) return std::nullopt;
  int64_t usable = positions->get<int64_t>();
  const Json* model_type = optional_member(model_config, "model_type");
  if (model_type && model_type->is_string() &&
      std::ranges::find(kOffsetPositionFamilies, model_type->get<std::string>()) != kOffsetPositionFamilies.end()) {
    const Json* pad = optional_member(model_config, "pad_token_id");
    usable -= (pad && pad->is_number_integer() ? pad->get<int64_t>() : 1) + 1;
  }
  if (usable <= 0) return std::nullopt;
  return static_cast<size_t>(usable);
}

}  // namespace xenc
