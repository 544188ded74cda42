#include "trainer/trainable_graph.h"

#include <algorithm>
#include <cstring>

#include "graph/shape_inference.h"
#include "graph/topo_sort.h"
#include "ops/common/dispatch.h"
#include "ops/fast/parallel.h"
#include "ops/registry.h"
#include "trainer/gradient_sum.h"

namespace xenc {
namespace {

bool is_float(DType t) { return t == DType::kFloat || t == DType::kDouble; }

// A counter-based generator: element e of a step's mask is a function of
// (seed, step, e) alone, so masks do not depend on how work is split.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

TrainableGraph::TrainableGraph(Graph graph, const std::set<std::string>& trainable,
                               const std::vector<DropoutSite>& dropout)
    : graph_(std::move(graph)) {
  for (const std::string& name : trainable) {
    const auto it = graph_.initializers.find(name);
    if (it == graph_.initializers.end()) throw Error("trainable parameter '" + name + "' is not an initializer");
    if (!is_float(it->second.dtype()))
      throw Error("trainable parameter '" + name + "' has dtype " + dtype_name(it->second.dtype()) +
                  "; only float initializers are trained");
    // An owned copy (the file's may be memory-mapped): the optimizer writes it,
    // and the graph's initializer shares its storage so forward() sees updates.
    it->second = it->second.clone();
    parameters_.emplace(name, it->second);
  }
  insert_dropout(dropout);
  topo_sort(graph_);
  infer_shapes(graph_, OpRegistry::instance());
  build_steps();
  mark_gradient_paths();
}

void TrainableGraph::insert_dropout(const std::vector<DropoutSite>& dropout) {
  for (const DropoutSite& site : dropout) {
    const std::string masked = site.value + "/dropout";
    for (Node& node : graph_.nodes)
      for (std::string& input : node.inputs)
        if (input == site.value) input = masked;
    Node node;
    node.name = "training_dropout/" + site.value;
    node.op_type = "Dropout";
    node.opset = graph_.opset("");
    node.inputs = {site.value};
    node.outputs = {masked};
    Attribute ratio;
    ratio.kind = Attribute::Kind::kFloat;
    ratio.f = site.ratio;
    node.attrs["training_ratio"] = ratio;
    graph_.nodes.push_back(std::move(node));
  }
}

void TrainableGraph::build_steps() {
  const auto slot = [&](const std::string& name) {
    const auto [it, added] = slot_of_.emplace(name, static_cast<int>(slot_of_.size()));
    if (added) constants_.emplace_back();
    return it->second;
  };
  for (const GraphValue& input : graph_.inputs) input_slots_.push_back(slot(input.name));
  for (const auto& [name, tensor] : graph_.initializers) constants_[static_cast<size_t>(slot(name))] = tensor;
  for (const Node& node : graph_.nodes) {
    Step step{&node, &resolve_op(node, OpRegistry::instance()), nullptr,
              find_gradient_rule(node.domain, node.op_type), {}, {}};
    step.kernel = step.op->fast ? step.op->fast : step.op->run;
    if (const Attribute* ratio = node.find_attr("training_ratio")) step.dropout_ratio = ratio->f;
    for (const std::string& name : node.inputs) step.inputs.push_back(name.empty() ? -1 : slot(name));
    for (const std::string& name : node.outputs) step.outputs.push_back(name.empty() ? -1 : slot(name));
    steps_.push_back(std::move(step));
  }
}

void TrainableGraph::mark_gradient_paths() {
  needs_grad_.assign(slot_of_.size(), false);
  for (const auto& [name, tensor] : parameters_) needs_grad_[static_cast<size_t>(slot_of_.at(name))] = true;
  for (const Step& step : steps_) {
    bool reached = false, through_rule = false;
    for (size_t i = 0; i < step.inputs.size(); ++i) {
      if (step.inputs[i] < 0 || !needs_grad_[static_cast<size_t>(step.inputs[i])]) continue;
      reached = true;
      through_rule |= step.rule && (step.rule->differentiable_inputs >> i & 1);
    }
    if (!reached) continue;
    bool float_output = false;
    for (size_t o = 0; o < step.outputs.size(); ++o) {
      if (step.outputs[o] < 0) continue;
      const auto type = graph_.value_types.find(step.node->outputs[o]);
      if (type == graph_.value_types.end() || !is_float(type->second.dtype)) continue;
      float_output = true;
      if (through_rule) needs_grad_[static_cast<size_t>(step.outputs[o])] = true;
    }
    if (float_output && !through_rule)
      throw Error(step.node->describe() + ": xenc has no backward rule for it, and a trainable parameter "
                  "reaches it (freeze the parameters before it)");
  }
}

void TrainableGraph::run_step(size_t index, Tape& tape, const uint64_t* dropout_seed) const {
  const Step& step = steps_[index];
  const Node& node = *step.node;
  std::vector<Tensor>& values = tape.values;
  if (step.dropout_ratio >= 0) {
    const Tensor& x = values[static_cast<size_t>(step.inputs[0])];
    Tensor& y = values[static_cast<size_t>(step.outputs[0])];
    if (!dropout_seed || step.dropout_ratio == 0) {
      y = x;
      return;
    }
    std::vector<uint8_t>& mask = tape.masks[index];
    mask.resize(static_cast<size_t>(x.numel()));
    y = arena_.allocate(x.dtype(), x.shape());
    const uint64_t stream = mix(*dropout_seed ^ mix(index));
    const auto threshold = static_cast<uint64_t>(static_cast<double>(step.dropout_ratio) * 0x1p53);
    dispatch_float(x.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T scale = T(1) / (T(1) - static_cast<T>(step.dropout_ratio));
      const T* px = x.data<T>();
      T* py = y.data<T>();
      parallel_chunks(x.numel(), 4, [&](int64_t begin, int64_t end) {
        for (int64_t e = begin; e < end; ++e) {
          const bool keep = (mix(stream + static_cast<uint64_t>(e)) >> 11) >= threshold;
          mask[static_cast<size_t>(e)] = keep;
          py[e] = keep ? px[e] * scale : T(0);
        }
      });
    });
    return;
  }
  std::vector<ShapeInput> shape_inputs(step.inputs.size());
  std::vector<const Tensor*> inputs(step.inputs.size(), nullptr);
  for (size_t i = 0; i < step.inputs.size(); ++i) {
    if (step.inputs[i] < 0) continue;
    const Tensor& t = values[static_cast<size_t>(step.inputs[i])];
    shape_inputs[i] = ShapeInput{true, ValueType{t.dtype(), to_sym_shape(t.shape())}, &t};
    inputs[i] = &t;
  }
  const std::vector<ValueType> types = infer_node(node, *step.op, shape_inputs);
  std::vector<Tensor*> outputs(step.outputs.size(), nullptr);
  for (size_t o = 0; o < step.outputs.size(); ++o) {
    if (step.outputs[o] < 0) continue;
    const auto shape = types[o].shape ? to_concrete(*types[o].shape) : std::nullopt;
    if (!shape)
      throw Error(node.describe() + ": output '" + node.outputs[o] + "' has no concrete shape (" + types[o].str() + ")");
    Tensor& out = values[static_cast<size_t>(step.outputs[o])];
    out = arena_.allocate(types[o].dtype, *shape);
    outputs[o] = &out;
  }
  try {
    step.kernel(node, inputs, outputs);
  } catch (const Error&) {
    rethrow_at(node);
  }
}

Tape TrainableGraph::forward(const std::map<std::string, Tensor>& feeds, const uint64_t* dropout_seed) const {
  arena_.end_run();
  Tape tape;
  tape.values = constants_;
  for (size_t i = 0; i < graph_.inputs.size(); ++i) {
    const auto it = feeds.find(graph_.inputs[i].name);
    if (it == feeds.end()) throw Error("no value fed for graph input '" + graph_.inputs[i].name + "'");
    tape.values[static_cast<size_t>(input_slots_[i])] = it->second;
  }
  for (size_t s = 0; s < steps_.size(); ++s) run_step(s, tape, dropout_seed);
  return tape;
}

const Tensor& TrainableGraph::value(const Tape& tape, const std::string& name) const {
  const auto it = slot_of_.find(name);
  if (it == slot_of_.end()) throw Error("the graph has no value '" + name + "'");
  return tape.values.at(static_cast<size_t>(it->second));
}

std::map<std::string, size_t> TrainableGraph::value_ranks(const Tape& tape) const {
  std::map<std::string, size_t> ranks;
  for (const Step& step : steps_)
    for (size_t o = 0; o < step.outputs.size(); ++o)
      if (step.outputs[o] >= 0)
        ranks[step.node->outputs[o]] = static_cast<size_t>(tape.values[static_cast<size_t>(step.outputs[o])].rank());
  return ranks;
}

std::map<std::string, Gradient> TrainableGraph::backward(const Tape& tape,
                                                         const std::map<std::string, Tensor>& output_grads) const {
  std::vector<Gradient> grads(slot_of_.size());
  for (const auto& [name, grad] : output_grads) {
    const auto it = slot_of_.find(name);
    if (it == slot_of_.end()) throw Error("the graph has no value '" + name + "'");
    grads[static_cast<size_t>(it->second)] = Gradient{grad, {}};
  }
  for (size_t s = steps_.size(); s-- > 0;) {
    const Step& step = steps_[s];
    bool any = false;
    for (int out : step.outputs) {
      if (out < 0) continue;
      Gradient& g = grads[static_cast<size_t>(out)];
      any |= g.present();
      // Rules take dense output gradients; rows only come from a Gather of
      // an intermediate, not of a parameter.
      if (g.is_rows()) {
        const Tensor& value = tape.values[static_cast<size_t>(out)];
        Gradient dense{Tensor(value.dtype(), value.shape()), {}};
        add_gradient(dense, std::move(g));
        g = std::move(dense);
      }
    }
    if (!any) continue;
    if (step.dropout_ratio >= 0) {
      Gradient dy = std::move(grads[static_cast<size_t>(step.outputs[0])]);
      const auto mask = tape.masks.find(s);
      if (mask != tape.masks.end()) {
        Tensor dx(dy.dense.dtype(), dy.dense.shape());
        dispatch_float(dx.dtype(), [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T scale = T(1) / (T(1) - static_cast<T>(step.dropout_ratio));
          const T* pd = dy.dense.data<T>();
          T* px = dx.data<T>();
          for (int64_t e = 0; e < dx.numel(); ++e) px[e] = mask->second[static_cast<size_t>(e)] ? pd[e] * scale : T(0);
        });
        dy = Gradient{dx, {}};
      }
      add_gradient(grads[static_cast<size_t>(step.inputs[0])], std::move(dy));
      continue;
    }
    if (!step.rule) continue;
    std::vector<const Tensor*> inputs(step.inputs.size(), nullptr), outputs(step.outputs.size(), nullptr),
        out_grads(step.outputs.size(), nullptr);
    std::unique_ptr<bool[]> wanted(new bool[step.inputs.size()]);
    bool wants_any = false;
    for (size_t i = 0; i < step.inputs.size(); ++i) {
      const int in = step.inputs[i];
      if (in >= 0) inputs[i] = &tape.values[static_cast<size_t>(in)];
      wanted[i] = in >= 0 && needs_grad_[static_cast<size_t>(in)] && (step.rule->differentiable_inputs >> i & 1);
      wants_any |= wanted[i];
    }
    for (size_t o = 0; o < step.outputs.size(); ++o) {
      const int out = step.outputs[o];
      if (out < 0) continue;
      outputs[o] = &tape.values[static_cast<size_t>(out)];
      if (grads[static_cast<size_t>(out)].present()) out_grads[o] = &grads[static_cast<size_t>(out)].dense;
    }
    if (wants_any) {
      std::vector<Gradient> input_grads;
      try {
        input_grads = step.rule->backward(
            BackwardArgs{*step.node, inputs, outputs, out_grads, std::span<const bool>(wanted.get(), step.inputs.size())});
      } catch (const Error& e) {
        throw Error(step.node->describe() + " (backward): " + e.what());
      }
      for (size_t i = 0; i < input_grads.size() && i < step.inputs.size(); ++i)
        if (wanted[i]) add_gradient(grads[static_cast<size_t>(step.inputs[i])], std::move(input_grads[i]));
    }
    for (int out : step.outputs)
      if (out >= 0) grads[static_cast<size_t>(out)] = Gradient{};
  }
  std::map<std::string, Gradient> result;
  for (const auto& [name, tensor] : parameters_) {
    Gradient& g = grads[static_cast<size_t>(slot_of_.at(name))];
    if (g.present()) result.emplace(name, std::move(g));
  }
  return result;
}

}  // namespace xenc
