#include "runtime/op_support.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <map>
#include <set>

#include "graph/error.h"
#include "ops/registry.h"

namespace xenc {

std::vector<std::string> find_unsupported_ops(const std::filesystem::path& model_file) {
  std::ifstream in(model_file, std::ios::binary);
  onnx::ModelProto proto;
  if (!in || !proto.ParseFromIstream(&in)) throw Error(model_file.string() + ": not a valid ONNX model");
  std::map<std::string, int> opsets;
  for (const auto& op : proto.opset_import()) opsets[op.domain() == "ai.onnx" ? "" : op.domain()] = static_cast<int>(op.version());
  std::set<std::string> missing;
  for (const auto& node : proto.graph().node()) {
    const std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    const int opset = opsets.count(domain) ? opsets[domain] : 0;
    if (!OpRegistry::instance().find(domain, node.op_type(), opset))
      missing.insert(node.op_type() + " (domain '" + (domain.empty() ? "ai.onnx" : domain) + "', opset " +
                     std::to_string(opset) + ")");
  }
  return {missing.begin(), missing.end()};
}

}  // namespace xenc
