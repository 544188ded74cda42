#include "exporter/onnx_writer.h"

#include <climits>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "graph/atomic_file.h"
#include "graph/error.h"
#include "graph/tensor_proto.h"

namespace xenc {

namespace fs = std::filesystem;

namespace {

constexpr size_t kExternalMinBytes = 1024;  // smaller initializers (shapes, scalars) stay inline
constexpr size_t kExternalAlignment = 64;

void type_to_proto(const ValueType& type, onnx::TypeProto* proto) {
  onnx::TypeProto_Tensor* tensor = proto->mutable_tensor_type();
  tensor->set_elem_type(static_cast<int32_t>(type.dtype));
  if (!type.shape) return;
  onnx::TensorShapeProto* shape = tensor->mutable_shape();
  for (const Dim& d : *type.shape) {
    onnx::TensorShapeProto_Dimension* dim = shape->add_dim();
    if (d.is_known())
      dim->set_dim_value(d.value);
    else if (!d.symbol.empty())
      dim->set_dim_param(d.symbol);
  }
}

void value_to_proto(const Graph& graph, const GraphValue& value, onnx::ValueInfoProto* proto) {
  proto->set_name(value.name);
  const ValueType* type = &value.type;
  if (type->dtype == DType::kUndefined)
    if (const auto it = graph.value_types.find(value.name); it != graph.value_types.end()) type = &it->second;
  if (type->dtype == DType::kUndefined) throw Error("graph value '" + value.name + "' has no known type to write");
  type_to_proto(*type, proto->mutable_type());
}

void attribute_to_proto(const Node& node, const std::string& key, const Attribute& a, onnx::AttributeProto* proto) {
  using A = onnx::AttributeProto;
  proto->set_name(key);
  switch (a.kind) {
    case Attribute::Kind::kFloat: proto->set_type(A::FLOAT); proto->set_f(a.f); break;
    case Attribute::Kind::kInt: proto->set_type(A::INT); proto->set_i(a.i); break;
    case Attribute::Kind::kString: proto->set_type(A::STRING); proto->set_s(a.s); break;
    case Attribute::Kind::kTensor: proto->set_type(A::TENSOR); tensor_to_proto(a.t, "", proto->mutable_t()); break;
    case Attribute::Kind::kFloats:
      proto->set_type(A::FLOATS);
      proto->mutable_floats()->Add(a.floats.begin(), a.floats.end());
      break;
    case Attribute::Kind::kInts:
      proto->set_type(A::INTS);
      proto->mutable_ints()->Add(a.ints.begin(), a.ints.end());
      break;
    case Attribute::Kind::kStrings:
      proto->set_type(A::STRINGS);
      for (const std::string& s : a.strings) proto->add_strings(s);
      break;
    case Attribute::Kind::kOther:
      throw Error(node.describe() + ": attribute '" + key + "' is of a kind xenc cannot write");
  }
}

void node_to_proto(const Node& node, onnx::NodeProto* proto) {
  proto->set_name(node.name);
  proto->set_op_type(node.op_type);
  if (!node.domain.empty()) proto->set_domain(node.domain);
  for (const std::string& in : node.inputs) proto->add_input(in);
  for (const std::string& out : node.outputs) proto->add_output(out);
  for (const auto& [key, a] : node.attrs) attribute_to_proto(node, key, a, proto->add_attribute());
}

size_t aligned(size_t offset) { return (offset + kExternalAlignment - 1) / kExternalAlignment * kExternalAlignment; }

// Moves the raw_data of the large initializers into one buffer (the
// external-data file's bytes) and points the tensors at `location`.
std::string move_to_external_data(onnx::ModelProto& model, const std::string& location) {
  const auto moves = [](const onnx::TensorProto& t) { return t.raw_data().size() >= kExternalMinBytes; };
  size_t total = 0;
  for (const onnx::TensorProto& t : model.graph().initializer())
    if (moves(t)) total = aligned(total) + t.raw_data().size();
  std::string data;
  data.reserve(total);
  for (onnx::TensorProto& t : *model.mutable_graph()->mutable_initializer()) {
    if (!moves(t)) continue;
    data.resize(aligned(data.size()), '\0');
    const size_t offset = data.size();
    data += t.raw_data();
    std::string().swap(*t.mutable_raw_data());  // clear() would keep the capacity
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    const auto entry = [&](const std::string& key, const std::string& value) {
      onnx::StringStringEntryProto* e = t.add_external_data();
      e->set_key(key);
      e->set_value(value);
    };
    entry("location", location);
    entry("offset", std::to_string(offset));
    entry("length", std::to_string(data.size() - offset));
  }
  return data;
}

std::string serialized(const onnx::ModelProto& model, const fs::path& file) {
  if (model.ByteSizeLong() > static_cast<size_t>(INT_MAX))
    throw Error(file.string() + ": the model is too large for protobuf (2 GiB) even without its initializers");
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw Error(file.string() + ": cannot serialize the model");
  return bytes;
}

}  // namespace

onnx::ModelProto to_model_proto(const Graph& graph, const OnnxWriteOptions& options) {
  onnx::ModelProto model;
  model.set_ir_version(options.ir_version);
  model.set_producer_name(options.producer);
  std::map<std::string, int> opsets = graph.opsets;
  opsets.try_emplace("", options.default_opset);
  for (const auto& [domain, version] : opsets) {
    onnx::OperatorSetIdProto* op = model.add_opset_import();
    op->set_domain(domain);
    op->set_version(version);
  }
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name(graph.name.empty() ? "main_graph" : graph.name);
  for (const Node& node : graph.nodes) node_to_proto(node, g->add_node());
  for (const auto& [name, tensor] : graph.initializers) tensor_to_proto(tensor, name, g->add_initializer());
  for (const GraphValue& v : graph.inputs) value_to_proto(graph, v, g->add_input());
  for (const GraphValue& v : graph.outputs) value_to_proto(graph, v, g->add_output());
  return model;
}

void check_model_proto(onnx::ModelProto& model, const fs::path& file) {
  try {
    onnx::checker::check_model(model);
    const onnx::ShapeInferenceOptions strict(/*check_type=*/true, /*strict_mode=*/1);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), strict);
  } catch (const std::exception& e) {
    throw Error(file.string() + ": the ONNX checker rejects the model: " + e.what());
  }
  model.mutable_graph()->clear_value_info();
}

void write_onnx(const Graph& graph, const fs::path& file, const OnnxWriteOptions& options) {
  onnx::ModelProto model = to_model_proto(graph, options);
  check_model_proto(model, file);
  uint64_t initializer_bytes = 0;
  for (const auto& [name, tensor] : graph.initializers) initializer_bytes += tensor.nbytes();
  if (initializer_bytes <= options.external_data_threshold) {
    write_file_atomically(file, serialized(model, file));
    return;
  }
  const fs::path data_file = file.string() + "_data";
  const std::string data = move_to_external_data(model, data_file.filename().string());
  const std::string bytes = serialized(model, file);
  write_file_atomically(data_file, data);
  try {
    write_file_atomically(file, bytes);
  } catch (...) {
    std::error_code ignored;
    fs::remove(data_file, ignored);
    throw;
  }
}

}  // namespace xenc
