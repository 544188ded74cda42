#include "ops/registry.h"

namespace xenc {

#define XENC_OP(name) extern const OpSchema k##name##Op;
#include "ops/op_list.inc"
#undef XENC_OP

namespace {
const OpSchema* const kAllOps[] = {
#define XENC_OP(name) &k##name##Op,
#include "ops/op_list.inc"
#undef XENC_OP
};

bool same_domain(const std::string& a, const char* b) {
  const std::string bs = b;
  const auto canonical = [](const std::string& d) { return d == "ai.onnx" ? std::string() : d; };
  return canonical(a) == canonical(bs);
}
}  // namespace

const OpRegistry& OpRegistry::instance() {
  static const OpRegistry registry;
  return registry;
}

const OpSchema* OpRegistry::find(const std::string& domain, const std::string& op_type, int opset) const {
  for (const OpSchema* op : kAllOps) {
    if (op->op_type != op_type || !same_domain(domain, op->domain)) continue;
    if (opset < op->since_opset) return nullptr;
    if ((domain.empty() || domain == "ai.onnx") && opset > kMaxDefaultOpset) return nullptr;
    return op;
  }
  return nullptr;
}

std::span<const OpSchema* const> OpRegistry::all() const { return kAllOps; }

}  // namespace xenc
