#include "graph/onnx_loader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <set>

#include "graph/mapped_file.h"
#include "graph/mapped_input_stream.h"
#include "graph/tensor_proto.h"

namespace xenc {

namespace {

ValueType value_type_from_proto(const onnx::ValueInfoProto& v, const std::string& what) {
  ValueType t;
  if (!v.has_type()) return t;
  if (!v.type().has_tensor_type()) throw Error(what + ": only tensor types are supported");
  const auto& tt = v.type().tensor_type();
  if (tt.elem_type() != 0) {
    if (!dtype_supported(tt.elem_type()))
      throw Error(what + ": unsupported data type " + dtype_name(static_cast<DType>(tt.elem_type())));
    t.dtype = static_cast<DType>(tt.elem_type());
  }
  if (tt.has_shape()) {
    SymShape s;
    for (const auto& d : tt.shape().dim()) {
      if (d.has_dim_value()) {
        if (d.dim_value() < 0) throw Error(what + ": negative dimension " + std::to_string(d.dim_value()));
        s.push_back(Dim::known(d.dim_value()));
      } else if (d.has_dim_param()) {
        s.push_back(Dim::named(d.dim_param()));
      } else {
        s.push_back(Dim::unknown());
      }
    }
    t.shape = std::move(s);
  }
  return t;
}

Attribute attribute_from_proto(onnx::AttributeProto& a, TensorReader& reader, const std::string& what) {
  Attribute out;
  using A = onnx::AttributeProto;
  switch (a.type()) {
    case A::FLOAT: out.kind = Attribute::Kind::kFloat; out.f = a.f(); break;
    case A::INT: out.kind = Attribute::Kind::kInt; out.i = a.i(); break;
    case A::STRING: out.kind = Attribute::Kind::kString; out.s = a.s(); break;
    case A::TENSOR:
      out.kind = Attribute::Kind::kTensor;
      out.t = reader.read(*a.mutable_t(), what + " attribute '" + a.name() + "'");
      break;
    case A::FLOATS: out.kind = Attribute::Kind::kFloats; out.floats.assign(a.floats().begin(), a.floats().end()); break;
    case A::INTS: out.kind = Attribute::Kind::kInts; out.ints.assign(a.ints().begin(), a.ints().end()); break;
    case A::STRINGS: out.kind = Attribute::Kind::kStrings; out.strings.assign(a.strings().begin(), a.strings().end()); break;
    default: out.kind = Attribute::Kind::kOther; break;  // graphs, sparse tensors: rejected by the ops that would need them
  }
  return out;
}

}  // namespace

Graph graph_from_proto(onnx::ModelProto& proto, const std::filesystem::path& model_dir) {
  Graph g;
  for (const auto& op : proto.opset_import()) {
    const std::string domain = op.domain() == "ai.onnx" ? "" : op.domain();
    if (op.version() < 1 || op.version() > INT_MAX)
      throw Error("opset_import of domain '" + domain + "' has invalid version " + std::to_string(op.version()));
    // xenc's own domain holds the ops its sessions put in place of others,
    // with weights in kernel layouts it checks only as it makes them.
    if (domain == "xenc")
      throw Error("imports domain 'xenc', which holds xenc's internal ops; they never come from a model file");
    g.opsets[domain] = static_cast<int>(op.version());
  }
  if (!g.opsets.count("") && proto.ir_version() < 3) g.opsets[""] = 1;  // IR v1/v2 had no opset_import
  if (!g.opsets.count("")) throw Error("model imports no version of the default ONNX domain");

  onnx::GraphProto& gp = *proto.mutable_graph();
  g.name = gp.name();
  TensorReader reader(model_dir);

  std::set<std::string> defined;
  for (auto& init : *gp.mutable_initializer()) {
    if (init.name().empty()) throw Error("an initializer has no name");
    if (g.initializers.count(init.name())) throw Error("initializer '" + init.name() + "' is defined twice");
    g.initializers[init.name()] = reader.read(init, "initializer '" + init.name() + "'");
    defined.insert(init.name());
  }
  if (gp.sparse_initializer_size() > 0) throw Error("sparse initializers are not supported");

  for (const auto& in : gp.input()) {
    const ValueType t = value_type_from_proto(in, "graph input '" + in.name() + "'");
    if (g.initializers.count(in.name())) continue;  // an initializer's declaration (IR < 4), not a feed
    if (!defined.insert(in.name()).second) throw Error("graph input '" + in.name() + "' is declared twice");
    if (t.dtype == DType::kUndefined) throw Error("graph input '" + in.name() + "' has no tensor element type");
    g.inputs.push_back({in.name(), t});
    g.value_types[in.name()] = t;
  }
  for (const auto& vi : gp.value_info())
    g.value_types[vi.name()] = value_type_from_proto(vi, "value_info '" + vi.name() + "'");

  g.nodes.reserve(static_cast<size_t>(gp.node_size()));
  for (int i = 0; i < gp.node_size(); ++i) {
    auto& np = *gp.mutable_node(i);
    Node n;
    n.name = np.name().empty() ? np.op_type() + "_" + std::to_string(i) : np.name();
    n.op_type = np.op_type();
    n.domain = np.domain() == "ai.onnx" ? "" : np.domain();
    const std::string what = "node '" + n.name + "' (" + n.op_type + ")";
    const auto opset = g.opsets.find(n.domain);
    if (opset == g.opsets.end()) throw Error(what + " uses domain '" + n.domain + "' that the model does not import");
    n.opset = opset->second;
    n.inputs.assign(np.input().begin(), np.input().end());
    n.outputs.assign(np.output().begin(), np.output().end());
    for (const std::string& out : n.outputs)
      if (!out.empty() && !defined.insert(out).second)
        throw Error(what + " output '" + out + "' is already defined by another node, input or initializer");
    for (auto& a : *np.mutable_attribute()) {
      if (a.name().empty()) throw Error(what + " has an attribute without a name");
      n.attrs[a.name()] = attribute_from_proto(a, reader, what);
    }
    g.nodes.push_back(std::move(n));
  }

  for (const auto& out : gp.output()) {
    if (!defined.count(out.name())) throw Error("graph output '" + out.name() + "' is never produced");
    const ValueType t = value_type_from_proto(out, "graph output '" + out.name() + "'");
    g.outputs.push_back({out.name(), t});
    if (t.dtype != DType::kUndefined) g.value_types[out.name()] = t;
  }
  return g;
}

Model load_onnx(const std::filesystem::path& file) {
  std::shared_ptr<MappedFile> bytes;
  try {
    bytes = MappedFile::open(file);
  } catch (const Error& e) {
    throw Error(std::string(e.what()));
  }
  auto proto = std::make_shared<onnx::ModelProto>();
  {
    MappedInputStream raw(*bytes);
    google::protobuf::io::CodedInputStream coded(&raw);
    coded.SetTotalBytesLimit(INT_MAX);
    if (bytes->size() > static_cast<size_t>(INT_MAX))
      throw Error(file.string() + ": larger than 2 GiB; store the weights as external data");
    if (!proto->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
      throw Error(file.string() + ": not a valid ONNX model (protobuf parse failed; truncated or corrupt file?)");
  }
  if (!proto->has_graph()) throw Error(file.string() + ": model has no graph");
  Model m;
  m.ir_version = proto->ir_version();
  m.producer = proto->producer_name();
  m.path = file;
  try {
    const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    m.graph = graph_from_proto(*proto, dir);
  } catch (const Error& e) {
    throw Error(file.string() + ": " + e.what());
  }
  return m;
}

}  // namespace xenc
