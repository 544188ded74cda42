// How a cross-encoder graph's inputs are fed from the tokenizer: each input
// is input_ids, attention_mask or token_type_ids by name, int64 or int32.
// Shared by CrossEncoder and the trainer.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "runtime/tokenizer/tokenizer.h"

namespace xenc {

class ModelFeeds {
 public:
  // Throws, naming `file`, on an input of another name or dtype, or
  // without an input_ids input.
  ModelFeeds(const std::vector<GraphValue>& inputs, const std::string& file);

  // One tensor [batch, sequence] per graph input.
  std::map<std::string, Tensor> feeds(const BatchEncoding& batch) const;

 private:
  enum class Role { input_ids, attention_mask, token_type_ids };
  std::vector<GraphValue> inputs_;
  std::vector<Role> roles_;  // per input
};

}  // namespace xenc
