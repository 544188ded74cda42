#include "tools/xenc/test_data.h"

#include "graph/tensor_proto.h"

namespace xenc {

namespace {
std::vector<std::filesystem::path> numbered_files(const std::filesystem::path& dir, const std::string& prefix) {
  std::vector<std::filesystem::path> files;
  for (int k = 0;; ++k) {
    const auto p = dir / (prefix + std::to_string(k) + ".pb");
    if (!std::filesystem::exists(p)) break;
    files.push_back(p);
  }
  return files;
}
}  // namespace

TestDataSet read_test_data_set(const std::filesystem::path& dir, const Session& session) {
  if (!std::filesystem::is_directory(dir)) throw Error(dir.string() + ": not a directory");
  TestDataSet set;
  const auto inputs = numbered_files(dir, "input_");
  const auto& graph_inputs = session.inputs();
  for (size_t k = 0; k < inputs.size(); ++k) {
    std::string name;
    Tensor t = read_tensor_file(inputs[k], &name);
    bool named_input = false;
    for (const auto& in : graph_inputs) named_input = named_input || in.name == name;
    if (!named_input) {
      if (k >= graph_inputs.size())
        throw Error(inputs[k].string() + ": the model has only " + std::to_string(graph_inputs.size()) + " inputs");
      name = graph_inputs[k].name;
    }
    set.feeds[name] = std::move(t);
  }
  for (const auto& p : numbered_files(dir, "output_")) set.expected.push_back(read_tensor_file(p));
  return set;
}

std::optional<std::string> check_outputs(const Session& session, const std::vector<Tensor>& expected,
                                         const std::vector<Tensor>& actual, Tolerance tol) {
  if (expected.size() != actual.size())
    return "model produced " + std::to_string(actual.size()) + " outputs, reference has " +
           std::to_string(expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    if (auto diff = compare_tensors(expected[i], actual[i], tol))
      return "output '" + session.outputs()[i].name + "': " + *diff;
  return std::nullopt;
}

}  // namespace xenc
