#include <algorithm>

#include "trainer/backward.h"

namespace xenc {

#define XENC_GRADIENT(name) extern const GradientRule k##name##Gradient;
#include "trainer/gradient_list.inc"
#undef XENC_GRADIENT

namespace {
const GradientRule* const kAllRules[] = {
#define XENC_GRADIENT(name) &k##name##Gradient,
#include "trainer/gradient_list.inc"
#undef XENC_GRADIENT
};
}  // namespace

const GradientRule* find_gradient_rule(const std::string& domain, const std::string& op_type) {
  const std::string canonical = domain == "ai.onnx" ? std::string() : domain;
  const auto it = std::ranges::find_if(
      kAllRules, [&](const GradientRule* r) { return r->op_type == op_type && r->domain == canonical; });
  return it == std::end(kAllRules) ? nullptr : *it;
}

std::span<const GradientRule* const> all_gradient_rules() { return kAllRules; }

}  // namespace xenc
