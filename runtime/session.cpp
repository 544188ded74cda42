#include "runtime/session.h"

#include <algorithm>
#include <set>

#include "graph/onnx_loader.h"
#include "graph/passes/passes.h"
#include "ops/fast/quantized_import.h"
#include "ops/fast/weight_packing.h"
#include "graph/shape_inference.h"
#include "graph/topo_sort.h"
#include "ops/registry.h"
#include "runtime/session_plan.h"

namespace xenc {

std::unique_ptr<Session> Session::load(const std::filesystem::path& model_file, const SessionOptions& options) {
  Model model = load_onnx(model_file);
  try {
    return std::make_unique<Session>(std::move(model.graph), options);
  } catch (const UnsupportedOpError& e) {
    throw UnsupportedOpError(model_file.string() + ": " + e.what());
  } catch (const Error& e) {
    throw Error(model_file.string() + ": " + e.what());
  }
}

Session::Session(Graph graph, const SessionOptions& options)
    : graph_(std::move(graph)), memory_caps_(options.memory.resolved()) {
  const int default_opset = graph_.opset("");
  if (default_opset > kMaxDefaultOpset)
    throw Error("model imports opset " + std::to_string(default_opset) + " of the default domain; xenc supports up to " +
                std::to_string(kMaxDefaultOpset));
  for (const auto& [name, tensor] : graph_.initializers)
    check_tensor_cap(tensor, memory_caps_.tensor_bytes, "initializer '" + name + "'");
  const OpRegistry& ops = OpRegistry::instance();
  topo_sort(graph_);
  if (options.optimize && !options.reference_kernels) fuse_quantized_mat_muls(graph_);
  if (options.optimize) run_passes(graph_, ops, default_passes());
  if (options.precision != MatMulPrecision::fp32 || (options.optimize && !options.reference_kernels))
    pack_mat_mul_weights(graph_, options.precision);
  infer_shapes(graph_, ops);
  compile(options);
}

void Session::compile(const SessionOptions& options) {
  const auto slot = [&](const std::string& name) {
    auto [it, added] = slot_of_.try_emplace(name, static_cast<int>(slot_of_.size()));
    return it->second;
  };
  for (const auto& in : graph_.inputs) input_slots_.push_back(slot(in.name));
  for (const auto& [name, t] : graph_.initializers) slot(name);
  const OpRegistry& ops = OpRegistry::instance();
  for (const Node& node : graph_.nodes) {
    const OpSchema& op = resolve_op(node, ops);
    Step step{&node, &op, op.fast && !options.reference_kernels ? op.fast : op.run, {}, {}, {}};
    for (const std::string& in : node.inputs) step.inputs.push_back(in.empty() ? -1 : slot(in));
    while (!step.inputs.empty() && step.inputs.back() < 0) step.inputs.pop_back();
    for (const std::string& out : node.outputs) step.outputs.push_back(out.empty() ? -1 : slot(out));
    steps_.push_back(std::move(step));
  }
  for (const auto& out : graph_.outputs) output_slots_.push_back(slot(out.name));

  constants_.assign(slot_of_.size(), Tensor());
  for (const auto& [name, t] : graph_.initializers) constants_[static_cast<size_t>(slot_of_.at(name))] = t;

  // Liveness: a computed value dies after its last consumer (or its producer
  // when nobody reads it), unless it is a graph output.
  producer_of_.assign(slot_of_.size(), -1);
  last_use_of_.assign(slot_of_.size(), -1);
  for (size_t s = 0; s < steps_.size(); ++s) {
    for (int v : steps_[s].outputs)
      if (v >= 0) producer_of_[static_cast<size_t>(v)] = last_use_of_[static_cast<size_t>(v)] = static_cast<int>(s);
    for (int v : steps_[s].inputs)
      if (v >= 0) last_use_of_[static_cast<size_t>(v)] = static_cast<int>(s);
  }
  for (int v : output_slots_) last_use_of_[static_cast<size_t>(v)] = -1;
  for (const auto& [name, t] : graph_.initializers) last_use_of_[static_cast<size_t>(slot_of_.at(name))] = -1;
  for (size_t v = 0; v < last_use_of_.size(); ++v)
    if (last_use_of_[v] >= 0 && producer_of_[v] >= 0)
      steps_[static_cast<size_t>(last_use_of_[v])].release.push_back(static_cast<int>(v));

  // A step's output shape follows from the input shapes when inference gave
  // every dim as a number or as a symbol of the graph's inputs.
  std::set<std::string> input_symbols;
  for (const GraphValue& in : graph_.inputs)
    if (in.type.shape)
      for (const Dim& d : *in.type.shape)
        if (!d.is_known() && !d.symbol.empty()) input_symbols.insert(d.symbol);
  const auto tied_to_inputs = [&](const std::string& name) {
    const auto it = graph_.value_types.find(name);
    if (it == graph_.value_types.end() || !it->second.shape) return false;
    return std::ranges::all_of(*it->second.shape,
                               [&](const Dim& d) { return d.is_known() || input_symbols.count(d.symbol) > 0; });
  };
  for (Step& step : steps_)
    for (const std::string& out : step.node->outputs)
      if (!out.empty() && !tied_to_inputs(out)) step.shape_from_values = true;
}

void Session::check_feeds(const std::map<std::string, Tensor>& feeds) const {
  for (const auto& [name, t] : feeds) {
    bool known = false;
    for (const auto& in : graph_.inputs) known = known || in.name == name;
    if (!known) {
      std::string names;
      for (const auto& in : graph_.inputs) names += (names.empty() ? "" : ", ") + in.name;
      throw Error("unknown input '" + name + "'; the model's inputs are: " + names);
    }
  }
  // A named dim must be the same in every input: symbol -> (value, input that set it).
  std::map<std::string, std::pair<int64_t, std::string>> symbols;
  for (const auto& in : graph_.inputs) {
    const auto it = feeds.find(in.name);
    if (it == feeds.end()) throw Error("missing input '" + in.name + "' (" + in.type.str() + ")");
    const Tensor& t = it->second;
    check_tensor_cap(t, memory_caps_.tensor_bytes, "input '" + in.name + "'");
    if (t.dtype() != in.type.dtype)
      throw Error("input '" + in.name + "': expected dtype " + dtype_name(in.type.dtype) + ", got " +
                  dtype_name(t.dtype()));
    if (!in.type.shape) continue;
    const SymShape& want = *in.type.shape;
    bool ok = want.size() == t.shape().size();
    for (size_t d = 0; ok && d < want.size(); ++d) {
      if (want[d].is_known()) {
        ok = want[d].value == t.shape()[d];
      } else if (!want[d].symbol.empty()) {
        const auto [bound, fresh] = symbols.try_emplace(want[d].symbol, t.shape()[d], in.name);
        if (!fresh && bound->second.first != t.shape()[d])
          throw Error("input '" + in.name + "': dim '" + want[d].symbol + "' (axis " + std::to_string(d) +
                      ") expected " + std::to_string(bound->second.first) + " as in input '" + bound->second.second +
                      "', got " + std::to_string(t.shape()[d]) + " (shape " + shape_str(t.shape()) + ")");
      }
    }
    if (!ok)
      throw Error("input '" + in.name + "': expected shape " + sym_shape_str(want) + ", got " + shape_str(t.shape()));
  }
}

std::vector<Shape> Session::input_shapes(const std::map<std::string, Tensor>& feeds) const {
  std::vector<Shape> shapes;
  for (const GraphValue& in : graph_.inputs) shapes.push_back(feeds.at(in.name).shape());
  return shapes;
}

void Session::execute(size_t step_index, std::vector<Tensor>& values, Arena& arena, Recording* recording) const {
  const Step& step = steps_[step_index];
  const Node& node = *step.node;
  std::vector<ShapeInput> shape_inputs(step.inputs.size());
  std::vector<const Tensor*> inputs(step.inputs.size(), nullptr);
  for (size_t i = 0; i < step.inputs.size(); ++i) {
    if (step.inputs[i] < 0) continue;
    const Tensor& t = values[static_cast<size_t>(step.inputs[i])];
    shape_inputs[i] = ShapeInput{true, ValueType{t.dtype(), to_sym_shape(t.shape())}, &t};
    inputs[i] = &t;
  }
  if (recording && step.shape_from_values) recording->guard(step_index, inputs, constants_, step.inputs);
  const std::vector<ValueType> types = infer_node(node, *step.op, shape_inputs);
  std::vector<Tensor*> outputs(step.outputs.size(), nullptr);
  for (size_t i = 0; i < step.outputs.size(); ++i) {
    if (step.outputs[i] < 0) continue;
    const auto shape = types[i].shape ? to_concrete(*types[i].shape) : std::nullopt;
    if (!shape)
      throw Error(node.describe() + ": output '" + node.outputs[i] + "' has no concrete shape (" + types[i].str() + ")");
    Tensor& slot = values[static_cast<size_t>(step.outputs[i])];
    try {
      slot = arena.allocate(types[i].dtype, *shape);
    } catch (const Error& e) {
      throw NodeError(node.describe() + ": output '" + node.outputs[i] + "': " + e.what());
    }
    outputs[i] = &slot;
    if (recording) recording->record(step.outputs[i], types[i].dtype, *shape);
  }
  try {
    step.kernel(node, inputs, outputs);
  } catch (const Error&) {
    rethrow_at(node);
  }
  for (int v : step.release) values[static_cast<size_t>(v)] = Tensor();
}

std::vector<Tensor> Session::run_with_arena(const std::map<std::string, Tensor>& feeds, Arena& arena,
                                            Recording* recording) const {
  std::vector<Tensor> values = constants_;
  for (size_t i = 0; i < graph_.inputs.size(); ++i)
    values[static_cast<size_t>(input_slots_[i])] = feeds.at(graph_.inputs[i].name);
  try {
    for (size_t s = 0; s < steps_.size(); ++s) execute(s, values, arena, recording);
  } catch (...) {
    values.clear();
    arena.end_run();
    throw;
  }
  std::vector<Tensor> results;
  results.reserve(output_slots_.size());
  for (int v : output_slots_) results.push_back(values[static_cast<size_t>(v)]);
  values.clear();
  arena.end_run();
  return results;
}

std::vector<Tensor> Session::run(const std::map<std::string, Tensor>& feeds) const {
  std::unique_ptr<RunContext> context = acquire_context();
  struct Release {
    const Session& session;
    std::unique_ptr<RunContext>& context;
    ~Release() { session.release_context(std::move(context)); }
  } release{*this, context};

  if (context->plan && plan_fits(*context->plan, feeds)) {
    if (std::optional<std::vector<Tensor>> results = run_planned(*context->plan, feeds)) {
      context->arena.end_run();  // blocks of earlier, other-shaped runs go back
      return std::move(*results);
    }
  }
  context->plan.reset();  // other shapes: its memory goes back
  check_feeds(feeds);
  std::vector<Shape> shapes = input_shapes(feeds);
  const bool seen_just_before = shapes == context->last_input_shapes;
  context->last_input_shapes = shapes;
  if (!seen_just_before) return run_with_arena(feeds, context->arena, nullptr);
  Recording recording(slot_of_.size());
  std::vector<Tensor> results = run_with_arena(feeds, context->arena, &recording);
  context->plan = build_plan(recording, std::move(shapes));
  context->arena.release_idle();  // the plan takes over from the arena for these shapes
  return results;
}

Session::RunContext::RunContext(const MemoryCaps& caps) : arena(caps) {}
Session::RunContext::~RunContext() = default;
Session::~Session() = default;

std::unique_ptr<Session::RunContext> Session::acquire_context() const {
  std::lock_guard<std::mutex> lock(context_mutex_);
  if (idle_contexts_.empty()) return std::make_unique<RunContext>(memory_caps_);
  std::unique_ptr<RunContext> context = std::move(idle_contexts_.back());
  idle_contexts_.pop_back();
  return context;
}

void Session::release_context(std::unique_ptr<RunContext> context) const {
  std::lock_guard<std::mutex> lock(context_mutex_);
  idle_contexts_.push_back(std::move(context));
}

}  // namespace xenc
