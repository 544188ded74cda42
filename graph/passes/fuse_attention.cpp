// fuse_attention: the eager self-attention of Hugging Face BERT-family
// exports,
//   q, k, v  = MatMul(x, W) + bias                               [B, S, D]
//   Q, V     = Transpose(Reshape(q or v, [B, S, heads, d]), perm [0, 2, 1, 3])
//   K^T      = Transpose(Reshape(k, [B, S, heads, d]), perm [0, 2, 3, 1])
//              (or perm [0, 2, 1, 3] then [0, 1, 3, 2])
//   scores   = MatMul(Q, K^T) / c  (or * c, or Q and K each multiplied by a constant)
//   probs    = Softmax(scores + mask, last axis)
//   out      = Reshape(Transpose(MatMul(probs, V), perm [0, 2, 1, 3]), [B, S, heads * d])
// becomes com.microsoft MultiHeadAttention(q_matmul, k_matmul, v_matmul,
// bias = the three biases concatenated (a new initializer), key_padding_mask)
// with num_heads, scale = the product of the constants, and mask_filter_value.
//
// Every Reshape target must be [dim 0, dim 1] of the reshaped tensor itself
// (from its Shape, or 0 = copy) followed by constants, so only the last axis
// is split or merged. The mask is the extended attention mask of
// transformers' get_extended_attention_mask,
//   mask = (1 - Cast(Unsqueeze(mask2d, axes 1 and 2), float)) * filter
// (filter -10000 in older versions, the float32 minimum in newer ones) of a
// 2-D int32 or int64 tensor; it adds filter where mask2d is 0 and nothing
// where it is 1, which is what MultiHeadAttention does with a [B, L]
// key_padding_mask (attention masks hold only 0 and 1). The mask
// subgraph is shared by all layers and is left to dead-code elimination.
// Any other float rank-4 addend of the scores after the Div becomes the
// op's attention_bias input ([B|1, N|1, S|1, L], added as it is).
#include <algorithm>
#include <cmath>
#include <set>

#include "graph/passes/passes.h"
#include "graph/passes/pattern.h"
#include "graph/shape_inference.h"

namespace xenc {

namespace {

using Perm = std::vector<int64_t>;

// The constants after the leading [dim 0, dim 1] of a Reshape target, those
// two being x's own (x = the data input): a Concat of x's shape dims and
// constants, or a constant target starting with 0, 0 (copy the input dims).
std::optional<std::vector<int64_t>> reshape_tail(const GraphIndex& index, const Node& reshape,
                                                 std::vector<size_t>& nodes) {
  const Graph& graph = index.graph();
  if (reshape.inputs.size() != 2) return std::nullopt;
  const std::string& x = reshape.inputs[0];
  if (const auto target = int_constant(graph, reshape.inputs[1])) {
    if (reshape.attr_int("allowzero", 0) != 0 || target->size() < 2 || (*target)[0] != 0 || (*target)[1] != 0)
      return std::nullopt;
    return std::vector<int64_t>(target->begin() + 2, target->end());
  }
  const Node* concat = index.producer(reshape.inputs[1], "Concat");
  if (!concat || concat->attr_int("axis", 0) != 0 || concat->inputs.size() < 3) return std::nullopt;
  nodes.push_back(index.index_of(*concat));
  if (!is_shape_dim(index, concat->inputs[0], x, 0, nodes) || !is_shape_dim(index, concat->inputs[1], x, 1, nodes))
    return std::nullopt;
  std::vector<int64_t> tail;
  for (size_t i = 2; i < concat->inputs.size(); ++i) {
    const auto part = int_constant(graph, concat->inputs[i]);
    if (!part) return std::nullopt;
    tail.insert(tail.end(), part->begin(), part->end());
  }
  return tail;
}

struct HeadSplit {
  std::string projected;  // the [B, S, heads * head_size] tensor
  int64_t heads;
  int64_t head_size;
};

// value = Transpose(Reshape(projected, [B, S, heads, head_size]), perm).
std::optional<HeadSplit> split_heads(const GraphIndex& index, const std::string& value, const Perm& perm,
                                     std::vector<size_t>& nodes) {
  const Node* transpose = index.producer(value, "Transpose");
  if (!transpose || transpose->attr_ints("perm") != perm) return std::nullopt;
  const Node* reshape = index.producer(transpose->inputs[0], "Reshape");
  if (!reshape) return std::nullopt;
  nodes.push_back(index.index_of(*transpose));
  nodes.push_back(index.index_of(*reshape));
  const auto tail = reshape_tail(index, *reshape, nodes);
  if (!tail || tail->size() != 2 || (*tail)[0] <= 0 || (*tail)[1] <= 0) return std::nullopt;
  return HeadSplit{reshape->inputs[0], (*tail)[0], (*tail)[1]};
}

// Follows Mul(value, c) (either order) by scalar constants c back to the
// unscaled value, multiplying `scale` by each c.
std::string strip_scale(const GraphIndex& index, std::string value, double& scale, std::vector<size_t>& nodes) {
  while (const Node* mul = index.producer(value, "Mul")) {
    const auto factor = scalar_operand(index.graph(), *mul);
    if (!factor) break;
    scale *= factor->value;
    nodes.push_back(index.index_of(*mul));
    value = factor->other;
  }
  return value;
}

struct Projection {
  std::string input;  // the projection before its bias
  std::string bias;   // 1-D constant of the projection's width, or empty
};

// x = Add(p, bias) with bias a 1-D float constant of `width` elements, or x unbiased.
Projection split_bias(const GraphIndex& index, const std::string& x, int64_t width, std::vector<size_t>& nodes) {
  if (const Node* add = index.producer(x, "Add"); add && add->inputs.size() == 2) {
    for (size_t side = 0; side < 2; ++side) {
      if (vector_constant_length(index.graph(), add->inputs[1 - side]) != width) continue;
      nodes.push_back(index.index_of(*add));
      return {add->inputs[side], add->inputs[1 - side]};
    }
  }
  return {x, ""};
}

struct KeyMask {
  std::string mask;  // the 2-D int32 or int64 mask, 1 = attend
  float filter_value;
};

// Whether `value` is transformers' extended attention mask (see the file comment).
std::optional<KeyMask> trace_key_mask(const GraphIndex& index, const std::string& value) {
  const Graph& graph = index.graph();
  const Node* mul = index.producer(value, "Mul");
  const auto filter = mul ? scalar_operand(graph, *mul) : std::nullopt;
  const Node* sub = filter ? index.producer(filter->other, "Sub") : nullptr;
  if (!sub || !std::isfinite(filter->value) || scalar_constant(graph, sub->inputs[0]) != 1.0) return std::nullopt;
  // Cast to float and the Unsqueezes, in either order.
  std::string v = sub->inputs[1];
  bool cast = false;
  std::vector<std::vector<int64_t>> unsqueezes;  // outermost first
  for (;;) {
    if (const Node* c = index.producer(v, "Cast"); c && !cast) {
      if (c->attr_int("to", 0) != static_cast<int64_t>(DType::kFloat)) return std::nullopt;
      cast = true;
      v = c->inputs[0];
    } else if (const Node* u = index.producer(v, "Unsqueeze")) {
      const auto axes = unsqueeze_axes(graph, *u);
      if (!axes) return std::nullopt;
      unsqueezes.push_back(*axes);
      v = u->inputs[0];
    } else {
      break;
    }
  }
  const auto type = graph.value_types.find(v);
  if (!cast || type == graph.value_types.end() || !type->second.shape || type->second.shape->size() != 2 ||
      (type->second.dtype != DType::kInt64 && type->second.dtype != DType::kInt32))
    return std::nullopt;
  // Replay the Unsqueezes on [B, L] (as 'b', 'l'; '1' for an inserted dim):
  // they must give [B, 1, 1, L].
  std::string dims = "bl";
  for (auto it = unsqueezes.rbegin(); it != unsqueezes.rend(); ++it) {
    const int64_t out_rank = static_cast<int64_t>(dims.size() + it->size());
    std::vector<int64_t> axes = *it;
    for (int64_t& a : axes) a = a < 0 ? a + out_rank : a;
    std::sort(axes.begin(), axes.end());
    for (const int64_t a : axes) {
      if (a < 0 || a > static_cast<int64_t>(dims.size())) return std::nullopt;
      dims.insert(dims.begin() + a, '1');
    }
  }
  if (dims != "b11l") return std::nullopt;
  return KeyMask{v, static_cast<float>(filter->value)};
}

bool is_rank4_float(const Graph& graph, const std::string& value) {
  const auto type = graph.value_types.find(value);
  return type != graph.value_types.end() && type->second.dtype == DType::kFloat && type->second.shape &&
         type->second.shape->size() == 4;
}

// The three projection biases one after another (zeros for a projection
// without one); nullopt when their dtypes differ.
std::optional<Tensor> concat_biases(const Graph& graph, const Projection (&projections)[3], const int64_t (&widths)[3]) {
  DType dtype = DType::kUndefined;
  for (const Projection& p : projections) {
    if (p.bias.empty()) continue;
    const DType t = graph.initializers.at(p.bias).dtype();
    if (dtype != DType::kUndefined && t != dtype) return std::nullopt;
    dtype = t;
  }
  Tensor bias(dtype, {widths[0] + widths[1] + widths[2]});  // zero-initialised
  auto* out = static_cast<unsigned char*>(bias.raw());
  for (size_t i = 0; i < 3; ++i) {
    if (!projections[i].bias.empty()) {
      const Tensor& part = graph.initializers.at(projections[i].bias);
      std::copy_n(static_cast<const unsigned char*>(part.raw()), part.nbytes(), out);
    }
    out += static_cast<size_t>(widths[i]) * dtype_size(dtype);
  }
  return bias;
}

// `base`, or base_<n>, unused in the graph and among `taken`.
std::string unique_name(const Graph& graph, const std::string& base, std::set<std::string>& taken) {
  std::string name = base;
  for (int n = 1; graph.initializers.count(name) || graph.value_types.count(name) || taken.count(name); ++n)
    name = base + "_" + std::to_string(n);
  taken.insert(name);
  return name;
}

std::optional<Rewrite> match(const GraphIndex& index, const Node& softmax, std::set<std::string>& taken_names) {
  const Graph& graph = index.graph();
  if (softmax.inputs.size() != 1) return std::nullopt;
  // Before opset 13 the default axis is 1; -1 and 3 are the last axis of the rank-4 scores either way.
  const int64_t axis = softmax.attr_int("axis", softmax.opset < 13 ? 1 : -1);
  if (axis != -1 && axis != 3) return std::nullopt;
  std::vector<size_t> nodes = {index.index_of(softmax)};

  std::string scores = softmax.inputs[0];
  std::optional<KeyMask> mask;
  std::string attention_bias;
  if (const Node* add = index.producer(scores, "Add"); add && add->inputs.size() == 2) {
    for (size_t side = 0; side < 2 && !mask; ++side) {
      mask = trace_key_mask(index, add->inputs[1 - side]);
      if (!mask) continue;
      scores = add->inputs[side];
      nodes.push_back(index.index_of(*add));
    }
    // Any other float [B|1, N|1, S|1, L] addend (a mask per query, such as
    // models/encoder.h's for separate texts) is the op's attention_bias.
    for (size_t side = 0; side < 2 && !mask && attention_bias.empty(); ++side) {
      if (!is_rank4_float(graph, add->inputs[1 - side]) || !index.producer(add->inputs[side], "Div")) continue;
      attention_bias = add->inputs[1 - side];
      scores = add->inputs[side];
      nodes.push_back(index.index_of(*add));
    }
  }
  double scale = 1.0;
  if (const Node* div = index.producer(scores, "Div")) {
    const auto divisor = div->inputs.size() == 2 ? scalar_constant(graph, div->inputs[1]) : std::nullopt;
    if (!divisor || *divisor == 0.0) return std::nullopt;
    scale /= *divisor;
    nodes.push_back(index.index_of(*div));
    scores = div->inputs[0];
  }
  scores = strip_scale(index, scores, scale, nodes);
  const Node* qk = index.producer(scores, "MatMul");
  if (!qk || qk->inputs.size() != 2) return std::nullopt;
  nodes.push_back(index.index_of(*qk));
  const auto q = split_heads(index, strip_scale(index, qk->inputs[0], scale, nodes), {0, 2, 1, 3}, nodes);
  const std::string k_transposed = strip_scale(index, qk->inputs[1], scale, nodes);
  std::optional<HeadSplit> k;
  if (const Node* t = index.producer(k_transposed, "Transpose"); t && t->attr_ints("perm") == Perm{0, 1, 3, 2}) {
    nodes.push_back(index.index_of(*t));
    k = split_heads(index, strip_scale(index, t->inputs[0], scale, nodes), {0, 2, 1, 3}, nodes);
  } else {
    k = split_heads(index, k_transposed, {0, 2, 3, 1}, nodes);
  }
  const Node* pv = index.sole_consumer(softmax.outputs[0], "MatMul");
  if (!q || !k || !pv || pv->inputs.size() != 2 || pv->inputs[0] != softmax.outputs[0]) return std::nullopt;
  nodes.push_back(index.index_of(*pv));
  const auto v = split_heads(index, pv->inputs[1], {0, 2, 1, 3}, nodes);
  const Node* merge_heads = index.sole_consumer(pv->outputs[0], "Transpose");
  if (!v || !merge_heads || merge_heads->attr_ints("perm") != Perm{0, 2, 1, 3}) return std::nullopt;
  // The merging Reshape; Shape nodes computing its target read the same value.
  const Node* merge = index.consumer(merge_heads->outputs[0], "Reshape");
  if (!merge || merge->inputs[0] != merge_heads->outputs[0]) return std::nullopt;
  nodes.push_back(index.index_of(*merge_heads));
  nodes.push_back(index.index_of(*merge));
  const auto merged = reshape_tail(index, *merge, nodes);
  const int64_t heads = q->heads;
  if (k->heads != heads || v->heads != heads || k->head_size != q->head_size) return std::nullopt;
  const int64_t widths[3] = {heads * q->head_size, heads * q->head_size, heads * v->head_size};
  if (!merged || merged->size() != 1 || ((*merged)[0] != widths[2] && (*merged)[0] != -1)) return std::nullopt;

  const Projection projections[3] = {split_bias(index, q->projected, widths[0], nodes),
                                     split_bias(index, k->projected, widths[1], nodes),
                                     split_bias(index, v->projected, widths[2], nodes)};
  const bool has_bias = !projections[0].bias.empty() || !projections[1].bias.empty() || !projections[2].bias.empty();
  const std::optional<Tensor> bias = has_bias ? concat_biases(graph, projections, widths) : std::nullopt;
  if (has_bias && !bias) return std::nullopt;
  const std::string name = fused_name(*merge, "MultiHeadAttention");
  const std::string bias_name = bias ? unique_name(graph, name + ".qkv_bias", taken_names) : "";
  std::vector<std::string> inputs = {projections[0].input, projections[1].input, projections[2].input, bias_name,
                                     mask ? mask->mask : "", attention_bias};
  while (inputs.back().empty()) inputs.pop_back();
  Node attention = contrib_node("MultiHeadAttention", std::move(inputs), merge->outputs);
  attention.name = name;
  attention.attrs["num_heads"] = int_attribute(heads);
  attention.attrs["scale"] = float_attribute(static_cast<float>(scale));
  if (mask) attention.attrs["mask_filter_value"] = float_attribute(mask->filter_value);
  Rewrite rewrite{std::move(nodes), std::move(attention)};
  if (bias) rewrite.initializers.emplace(bias_name, *bias);
  return rewrite;
}

}  // namespace

// Whether some Softmax reads an Add with no key mask among its operands:
// deciding if the other operand is an attention_bias takes its rank.
bool needs_ranks(const GraphIndex& index) {
  for (const Node& node : index.graph().nodes) {
    if (!is_op(node, "Softmax") || node.inputs.size() != 1) continue;
    const Node* add = index.producer(node.inputs[0], "Add");
    if (add && add->inputs.size() == 2 && !trace_key_mask(index, add->inputs[0]) &&
        !trace_key_mask(index, add->inputs[1]))
      return true;
  }
  return false;
}

bool fuse_attention(Graph& graph, const OpResolver& ops) {
  const GraphIndex index(graph);
  if (needs_ranks(index)) infer_shapes(graph, ops);
  std::vector<Rewrite> rewrites;
  std::set<std::string> bias_names;
  for (const Node& node : graph.nodes)
    if (is_op(node, "Softmax"))
      if (auto rewrite = match(index, node, bias_names)) rewrites.push_back(std::move(*rewrite));
  return apply_rewrites(graph, std::move(rewrites));
}

}  // namespace xenc
