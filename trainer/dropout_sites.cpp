#include "trainer/dropout_sites.h"

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "graph/error.h"

namespace xenc {

DropoutRates read_dropout_rates(const std::filesystem::path& model_dir) {
  DropoutRates rates;
  std::ifstream in(model_dir / "config.json");
  if (!in) return rates;
  const nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  if (!config.is_object()) throw Error((model_dir / "config.json").string() + ": not a JSON object");
  const auto rate = [&](const char* key, float& into) {
    const auto it = config.find(key);
    if (it == config.end() || it->is_null()) return;
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() >= 1)
      throw Error((model_dir / "config.json").string() + ": " + key + " must be a number in [0, 1)");
    into = it->get<float>();
  };
  rate("hidden_dropout_prob", rates.hidden);
  rate("attention_probs_dropout_prob", rates.attention);
  return rates;
}

std::vector<DropoutSite> find_dropout_sites(const Graph& graph, const DropoutRates& rates) {
  std::map<std::string, const Node*> producer;
  for (const Node& node : graph.nodes)
    for (const std::string& out : node.outputs) producer[out] = &node;
  const auto made_by = [&](const std::string& value, const char* op_type) {
    const auto it = producer.find(value);
    return it != producer.end() && it->second->op_type == op_type;
  };

  std::vector<DropoutSite> sites;
  std::set<std::string> chosen;
  const auto add = [&](const std::string& value, float ratio) {
    if (ratio > 0 && chosen.insert(value).second) sites.push_back({value, ratio});
  };
  bool first_norm = true;
  const Node* classifier = nullptr;
  for (const Node& node : graph.nodes) {
    if (node.op_type == "Softmax") add(node.outputs[0], rates.attention);
    if (node.op_type == "MatMul" || node.op_type == "Gemm") classifier = &node;
    if (node.op_type != "LayerNormalization") continue;
    const std::string& x = node.inputs[0];
    const auto sum = producer.find(x);
    if (first_norm) {
      add(node.outputs[0], rates.hidden);
    } else if (sum != producer.end() && sum->second->op_type == "Add" && sum->second->inputs.size() == 2) {
      const std::string& left = sum->second->inputs[0];
      const std::string& right = sum->second->inputs[1];
      // The residual is the previous LayerNormalization's output; the other addend is the branch.
      if (made_by(left, "LayerNormalization") != made_by(right, "LayerNormalization"))
        add(made_by(left, "LayerNormalization") ? right : left, rates.hidden);
    }
    first_norm = false;
  }
  if (classifier) add(classifier->inputs[0], rates.hidden);
  return sites;
}

}  // namespace xenc
