#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include <onnx/onnx_pb.h>

#include "exporter/onnx_writer.h"
#include "graph/onnx_loader.h"
#include "graph/passes/pattern.h"
#include "graph_builders.h"
#include "models/graph_builder.h"
#include "runtime/session.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::TempDir;

std::vector<float> ramp(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = 0.01f * static_cast<float>((i * 7) % 31) - 0.1f;
  return v;
}

// y = Softmax(2 * Transpose(Transpose(0.5 * x @ w + b))): every attribute
// kind the builders write (int, ints, float, tensor).
Graph small_graph(int64_t rows = 300) {
  GraphBuilder b(17);
  const ValueType x_type{DType::kFloat, SymShape{Dim::named("batch"), Dim::known(4)}};
  b.add_input("x", x_type);
  const std::string w = b.add_initializer("w", test::float_tensor({4, rows}, ramp(4 * static_cast<size_t>(rows))));
  const std::string bias = b.add_initializer("b", test::float_tensor({rows}, ramp(static_cast<size_t>(rows))));
  const std::string sum = b.add_node("/dense", "Gemm", {"x", w, bias}, {{"alpha", float_attribute(0.5f)}});
  const std::string flipped = b.add_node("/t", "Transpose", {sum}, {{"perm", ints_attribute({1, 0})}});
  const std::string back = b.add_node("/t", "Transpose", {flipped}, {{"perm", ints_attribute({1, 0})}});
  Attribute value;
  value.kind = Attribute::Kind::kTensor;
  value.t = test::float_tensor({}, {2.0f});
  const std::string two = b.add_node("/scale", "Constant", {}, {{"value", value}});
  const std::string scaled = b.add_node("/scale", "Mul", {back, two});
  b.add_node("/act", "Softmax", {scaled}, {{"axis", int_attribute(-1)}}, "y");
  b.add_output("y", ValueType{DType::kFloat, SymShape{Dim::named("batch"), Dim::known(rows)}});
  return std::move(b).finish();
}

Tensor input(int64_t batch) { return test::float_tensor({batch, 4}, ramp(static_cast<size_t>(batch) * 4)); }

onnx::ModelProto read_proto(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  onnx::ModelProto model;
  EXPECT_TRUE(model.ParseFromIstream(&in));
  return model;
}

TEST(OnnxWriter, WritesACheckedModelThatLoadsBack) {
  TempDir dir;
  const Graph graph = small_graph();
  write_onnx(graph, dir.path() / "model.onnx");
  const Model model = load_onnx(dir.path() / "model.onnx");
  EXPECT_EQ(model.ir_version, 8);
  EXPECT_EQ(model.producer, "xenc");
  EXPECT_EQ(model.graph.opsets, (std::map<std::string, int>{{"", 17}}));
  ASSERT_EQ(model.graph.nodes.size(), graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    EXPECT_EQ(model.graph.nodes[i].name, graph.nodes[i].name);
    EXPECT_EQ(model.graph.nodes[i].outputs, graph.nodes[i].outputs);
  }
  EXPECT_EQ(model.graph.inputs[0].type.str(), "float[batch,4]");
  EXPECT_EQ(model.graph.outputs[0].type.str(), "float[batch,300]");
  EXPECT_EQ(test::float_values(model.graph.initializers.at("w")), test::float_values(graph.initializers.at("w")));

  const std::vector<Tensor> expected = Session(small_graph()).run({{"x", input(3)}});
  const std::vector<Tensor> loaded = Session(model.graph).run({{"x", input(3)}});
  EXPECT_EQ(test::float_values(loaded[0]), test::float_values(expected[0]));
  // The checker's shape inference leaves no value_info behind.
  EXPECT_EQ(read_proto(dir.path() / "model.onnx").graph().value_info_size(), 0);

  // A graph that imports no default-domain opset gets opset 17.
  Graph unversioned = small_graph();
  unversioned.opsets.clear();
  write_onnx(unversioned, dir.path() / "unversioned.onnx");
  EXPECT_EQ(load_onnx(dir.path() / "unversioned.onnx").graph.opsets, (std::map<std::string, int>{{"", 17}}));
}

TEST(OnnxWriter, MovesLargeInitializersToExternalDataAboveTheThreshold) {
  TempDir dir;
  OnnxWriteOptions options;
  options.external_data_threshold = 1000;  // the 4 x 300 floats of w are 4800 bytes
  write_onnx(small_graph(), dir.path() / "model.onnx", options);
  ASSERT_TRUE(fs::exists(dir.path() / "model.onnx_data"));
  const onnx::ModelProto proto = read_proto(dir.path() / "model.onnx");
  std::map<std::string, const onnx::TensorProto*> stored;
  for (const onnx::TensorProto& t : proto.graph().initializer()) stored[t.name()] = &t;
  EXPECT_EQ(stored.at("w")->data_location(), onnx::TensorProto::EXTERNAL);
  EXPECT_TRUE(stored.at("w")->raw_data().empty());
  EXPECT_EQ(stored.at("b")->data_location(), onnx::TensorProto::EXTERNAL);  // 1200 bytes
  std::map<std::string, std::string> w_location;
  for (const auto& e : stored.at("w")->external_data()) w_location[e.key()] = e.value();
  EXPECT_EQ(w_location.at("location"), "model.onnx_data");
  EXPECT_EQ(std::stoul(w_location.at("offset")) % 64, 0u);
  EXPECT_EQ(w_location.at("length"), "4800");
  EXPECT_LT(fs::file_size(dir.path() / "model.onnx"), 2000u);

  const Model model = load_onnx(dir.path() / "model.onnx");
  const std::vector<Tensor> expected = Session(small_graph()).run({{"x", input(2)}});
  EXPECT_EQ(test::float_values(Session(model.graph).run({{"x", input(2)}})[0]), test::float_values(expected[0]));

  // Small initializers stay inline even then.
  TempDir small;
  write_onnx(small_graph(10), small.path() / "model.onnx", options);
  EXPECT_FALSE(fs::exists(small.path() / "model.onnx_data"));
}

TEST(OnnxWriter, AModelTheCheckerRejectsIsNotWritten) {
  TempDir dir;
  const fs::path file = dir.path() / "model.onnx";
  OnnxWriteOptions external;
  external.external_data_threshold = 0;

  Graph unknown_op = small_graph();
  unknown_op.nodes[0].op_type = "FrobnicateTensor";
  const std::string prefix = file.string() + ": the ONNX checker rejects the model: ";
  EXPECT_TRUE(test::Contains(error_of([&] { write_onnx(unknown_op, file, external); }),
                             prefix + "No Op registered for FrobnicateTensor"));

  // Only strict shape inference sees that a rank-2 tensor cannot take a 3-axis perm.
  Graph bad_perm = small_graph();
  bad_perm.nodes[1].attrs["perm"] = ints_attribute({0, 1, 2});
  EXPECT_TRUE(test::Contains(error_of([&] { write_onnx(bad_perm, file, external); }), prefix));

  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace xenc
