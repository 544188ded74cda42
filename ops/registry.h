// The table of every operator xenc implements, looked up by domain, type
// and opset.
#pragma once

#include <span>
#include <string>

#include "graph/op_schema.h"

namespace xenc {

// Newest opset of the default domain xenc accepts. Models importing a newer
// one are rejected at load, since op semantics may have changed.
constexpr int kMaxDefaultOpset = 18;

class OpRegistry final : public OpResolver {
 public:
  static const OpRegistry& instance();
  const OpSchema* find(const std::string& domain, const std::string& op_type, int opset) const override;
  std::span<const OpSchema* const> all() const;
};

}  // namespace xenc
