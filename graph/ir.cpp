#include "graph/ir.h"

namespace xenc {

namespace {
const char* kind_name(Attribute::Kind k) {
  switch (k) {
    case Attribute::Kind::kFloat: return "float";
    case Attribute::Kind::kInt: return "int";
    case Attribute::Kind::kString: return "string";
    case Attribute::Kind::kTensor: return "tensor";
    case Attribute::Kind::kFloats: return "floats";
    case Attribute::Kind::kInts: return "ints";
    case Attribute::Kind::kStrings: return "strings";
    default: return "unsupported kind";
  }
}
}  // namespace

const Attribute* Node::find_attr(const std::string& key) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? nullptr : &it->second;
}

static const Attribute* expect_kind(const Node& n, const std::string& key, Attribute::Kind kind) {
  const Attribute* a = n.find_attr(key);
  if (a && a->kind != kind)
    throw NodeError(n.describe() + ": attribute '" + key + "' is " + kind_name(a->kind) + ", expected " +
                kind_name(kind));
  return a;
}

int64_t Node::attr_int(const std::string& key, int64_t fallback) const {
  const Attribute* a = expect_kind(*this, key, Attribute::Kind::kInt);
  return a ? a->i : fallback;
}

float Node::attr_float(const std::string& key, float fallback) const {
  const Attribute* a = expect_kind(*this, key, Attribute::Kind::kFloat);
  return a ? a->f : fallback;
}

std::string Node::attr_string(const std::string& key, const std::string& fallback) const {
  const Attribute* a = expect_kind(*this, key, Attribute::Kind::kString);
  return a ? a->s : fallback;
}

std::vector<int64_t> Node::attr_ints(const std::string& key, const std::vector<int64_t>& fallback) const {
  const Attribute* a = expect_kind(*this, key, Attribute::Kind::kInts);
  return a ? a->ints : fallback;
}

std::vector<float> Node::attr_floats(const std::string& key, const std::vector<float>& fallback) const {
  const Attribute* a = expect_kind(*this, key, Attribute::Kind::kFloats);
  return a ? a->floats : fallback;
}

const Tensor* Node::attr_tensor(const std::string& key) const {
  const Attribute* a = expect_kind(*this, key, Attribute::Kind::kTensor);
  return a ? &a->t : nullptr;
}

std::string Node::describe() const {
  return op_type + " node '" + name + "' (domain '" + (domain.empty() ? "ai.onnx" : domain) + "', opset " +
         std::to_string(opset) + ")";
}

void rethrow_at(const Node& node) {
  try {
    throw;
  } catch (const NodeError&) {
    throw;
  } catch (const Error& e) {
    throw NodeError(node.describe() + ": " + e.what());
  }
}

int Graph::opset(const std::string& domain) const {
  auto it = opsets.find(domain);
  return it == opsets.end() ? 0 : it->second;
}

}  // namespace xenc
