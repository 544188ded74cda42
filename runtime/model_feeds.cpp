#include "runtime/model_feeds.h"

#include <algorithm>
#include <cstring>

#include "graph/error.h"

namespace xenc {

ModelFeeds::ModelFeeds(const std::vector<GraphValue>& inputs, const std::string& file) : inputs_(inputs) {
  static const std::map<std::string, Role> kRoles = {
      {"input_ids", Role::input_ids}, {"attention_mask", Role::attention_mask}, {"token_type_ids", Role::token_type_ids}};
  for (const GraphValue& input : inputs) {
    const auto it = kRoles.find(input.name);
    if (it == kRoles.end())
      throw Error(file + ": input '" + input.name + "' is not one of input_ids, attention_mask, token_type_ids");
    if (input.type.dtype != DType::kInt64 && input.type.dtype != DType::kInt32)
      throw Error(file + ": input '" + input.name + "' has dtype " + dtype_name(input.type.dtype) +
                  "; a cross-encoder takes int64 or int32 token ids");
    roles_.push_back(it->second);
  }
  if (std::ranges::find(roles_, Role::input_ids) == roles_.end()) throw Error(file + ": the model has no input_ids input");
}

std::map<std::string, Tensor> ModelFeeds::feeds(const BatchEncoding& batch) const {
  std::map<std::string, Tensor> feeds;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const std::vector<int64_t>& values = roles_[i] == Role::input_ids        ? batch.input_ids
                                         : roles_[i] == Role::attention_mask ? batch.attention_mask
                                                                             : batch.token_type_ids;
    const DType dtype = inputs_[i].type.dtype;
    Tensor t(dtype, {static_cast<int64_t>(batch.batch_size), static_cast<int64_t>(batch.sequence_length)});
    if (dtype == DType::kInt64) {
      std::memcpy(t.raw(), values.data(), values.size() * sizeof(int64_t));
    } else {
      std::ranges::transform(values, t.data<int32_t>(), [](int64_t v) { return static_cast<int32_t>(v); });
    }
    feeds.emplace(inputs_[i].name, std::move(t));
  }
  return feeds;
}

}  // namespace xenc
