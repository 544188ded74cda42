// xenc inspect MODEL [--optimized]: inputs, outputs, opsets, op histogram
// (of the graph as loaded, or after the default passes), unsupported ops.
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "graph/onnx_loader.h"
#include "runtime/op_support.h"
#include "runtime/session.h"
#include "tools/xenc/commands.h"

namespace xenc::cli {

namespace {

struct InspectArgs {
  std::string model;
  bool json = false;
  bool optimized = false;
};

nlohmann::json values_json(const std::vector<GraphValue>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : values) {
    nlohmann::json dims = nlohmann::json::array();
    if (v.type.shape)
      for (const Dim& d : *v.type.shape) dims.push_back(d.is_known() ? nlohmann::json(d.value) : nlohmann::json(d.str()));
    out.push_back({{"name", v.name}, {"dtype", dtype_name(v.type.dtype)}, {"shape", dims}});
  }
  return out;
}

void inspect(const InspectArgs& args) {
  const std::vector<std::string> unsupported = find_unsupported_ops(args.model);
  const Model model = load_onnx(args.model);
  // The optimized graph is the one a session runs: folded, fused and pruned.
  std::unique_ptr<Session> session = args.optimized && unsupported.empty() ? Session::load(args.model) : nullptr;
  if (args.optimized && !session) throw Error(args.model + ": cannot optimize a model with unsupported ops");
  const Graph& g = session ? session->graph() : model.graph;
  std::map<std::string, int> histogram;
  for (const Node& n : g.nodes) histogram[(n.domain.empty() ? "" : n.domain + ".") + n.op_type]++;
  size_t weight_bytes = 0;
  for (const auto& [name, t] : g.initializers) weight_bytes += t.nbytes();

  if (args.json) {
    nlohmann::json j;
    j["file"] = args.model;
    j["producer"] = model.producer;
    j["ir_version"] = model.ir_version;
    j["opsets"] = g.opsets;
    j["inputs"] = values_json(g.inputs);
    j["outputs"] = values_json(g.outputs);
    j["nodes"] = g.nodes.size();
    j["initializers"] = g.initializers.size();
    j["weight_bytes"] = weight_bytes;
    j["ops"] = histogram;
    j["unsupported_ops"] = unsupported;
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "model:        " << args.model << "\n"
            << "producer:     " << (model.producer.empty() ? "(none)" : model.producer) << "\n"
            << "ir_version:   " << model.ir_version << "\n"
            << "opsets:      ";
  for (const auto& [domain, v] : g.opsets) std::cout << " " << (domain.empty() ? "ai.onnx" : domain) << "=" << v;
  std::cout << "\ninputs:\n";
  for (const auto& v : g.inputs) std::cout << "  " << v.name << "  " << v.type.str() << "\n";
  std::cout << "outputs:\n";
  for (const auto& v : g.outputs) std::cout << "  " << v.name << "  " << v.type.str() << "\n";
  std::cout << "nodes:        " << g.nodes.size() << "\n"
            << "initializers: " << g.initializers.size() << " (" << weight_bytes << " bytes)\n"
            << "ops:\n";
  for (const auto& [op, count] : histogram) std::cout << "  " << op << "  " << count << "\n";
  std::cout << "unsupported ops: " << (unsupported.empty() ? "none" : "") << "\n";
  for (const auto& op : unsupported) std::cout << "  " << op << "\n";
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show a model's inputs, outputs, opsets, ops and unsupported ops");
  cmd->add_option("MODEL", args->model, "ONNX model file")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--json", args->json, "Machine-readable JSON output");
  cmd->add_flag("--optimized", args->optimized, "Describe the graph after the default passes (folding, fusions)");
  cmd->callback([args] { inspect(*args); });
}

}  // namespace xenc::cli
