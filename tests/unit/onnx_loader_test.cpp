#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "graph/onnx_loader.h"
#include "graph_builders.h"
#include "ops/registry.h"
#include "runtime/session.h"
#include "temp_dir.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using test::Contains;
using test::error_of;

using test::TempDir;

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << file;
}

void write_model(const fs::path& file, const onnx::ModelProto& model) {
  write_bytes(file, model.SerializeAsString());
}

std::string float_bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// A dim given as a number or as a symbol name.
struct DimSpec {
  DimSpec(int64_t v) : value(v) {}  // NOLINT: implicit by design
  DimSpec(const char* s) : symbol(s) {}  // NOLINT
  int64_t value = 0;
  std::string symbol;
};

void set_value(onnx::ValueInfoProto* v, const std::string& name, int elem_type, std::vector<DimSpec> dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  auto* shape = tt->mutable_shape();
  for (const DimSpec& d : dims) {
    auto* dim = shape->add_dim();
    if (d.symbol.empty())
      dim->set_dim_value(d.value);
    else
      dim->set_dim_param(d.symbol);
  }
}

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, const std::string& name,
                          std::vector<std::string> inputs, std::vector<std::string> outputs) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& in : inputs) n->add_input(in);
  for (const auto& out : outputs) n->add_output(out);
  return n;
}

onnx::TensorProto* add_initializer(onnx::GraphProto* g, const std::string& name, int dtype, std::vector<int64_t> dims) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(dtype);
  for (int64_t d : dims) t->add_dims(d);
  return t;
}

// y[batch,3] = x[batch,3] + w + b, importing opset `opset`.
onnx::ModelProto add_model(int64_t opset = 14) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("xenc-unit-test");
  auto* imp = m.add_opset_import();
  imp->set_domain("");
  imp->set_version(opset);
  auto* g = m.mutable_graph();
  g->set_name("add_model");
  set_value(g->add_input(), "x", onnx::TensorProto::FLOAT, {"batch", 3});
  set_value(g->add_output(), "y", onnx::TensorProto::FLOAT, {"batch", 3});
  add_initializer(g, "w", onnx::TensorProto::FLOAT, {3})->set_raw_data(float_bytes({0.5f, -1.0f, 2.0f}));
  auto* b = add_initializer(g, "b", onnx::TensorProto::FLOAT, {3});
  for (float f : {10.0f, 20.0f, 30.0f}) b->add_float_data(f);
  add_node(g, "Add", "add_w", {"x", "w"}, {"t"});
  add_node(g, "Add", "add_b", {"t", "b"}, {"y"});
  return m;
}

class LoaderTest : public ::testing::Test {
 protected:
  // Writes `model` as model.onnx in the temp dir and returns the load error.
  std::string load_error(const onnx::ModelProto& model) {
    const fs::path file = dir_.path() / "model.onnx";
    write_model(file, model);
    return error_of([&] { load_onnx(file); });
  }
  std::string model_file() const { return (dir_.path() / "model.onnx").string(); }

  TempDir dir_;
};

TEST_F(LoaderTest, XencsInternalDomainIsRefused) {
  onnx::ModelProto m = add_model();
  auto* internal = m.add_opset_import();
  internal->set_domain("xenc");
  internal->set_version(1);
  EXPECT_TRUE(Contains(load_error(m), "imports domain 'xenc', which holds xenc's internal ops"));
}

TEST_F(LoaderTest, ValidModelLoadsInputsOutputsOpsetsAndInitializers) {
  onnx::ModelProto m = add_model();
  auto* ms = m.add_opset_import();
  ms->set_domain("com.microsoft");
  ms->set_version(1);
  auto* g = m.mutable_graph();
  auto* i64 = add_initializer(g, "i64", onnx::TensorProto::INT64, {2, 2});
  for (int64_t v : {int64_t{1} << 40, int64_t{-3}, int64_t{0}, int64_t{7}}) i64->add_int64_data(v);
  auto* i32 = add_initializer(g, "i32", onnx::TensorProto::INT32, {3});
  for (int32_t v : {-5, 0, 123456}) i32->add_int32_data(v);
  auto* half = add_initializer(g, "half", onnx::TensorProto::FLOAT16, {2});
  half->add_int32_data(to_float16(1.5f).bits);
  half->add_int32_data(to_float16(-2.0f).bits);
  add_initializer(g, "scalar", onnx::TensorProto::FLOAT, {})->add_float_data(4.25f);
  // An initializer also declared as a graph input (IR < 4 style) is not a feed.
  set_value(g->add_input(), "b", onnx::TensorProto::FLOAT, {3});

  const fs::path file = dir_.path() / "model.onnx";
  write_model(file, m);
  const Model model = load_onnx(file);
  EXPECT_EQ(model.ir_version, 8);
  EXPECT_EQ(model.producer, "xenc-unit-test");
  EXPECT_EQ(model.path, file);
  const Graph& graph = model.graph;
  EXPECT_EQ(graph.name, "add_model");
  EXPECT_EQ(graph.opsets, (std::map<std::string, int>{{"", 14}, {"com.microsoft", 1}}));

  ASSERT_EQ(graph.inputs.size(), 1u);
  EXPECT_EQ(graph.inputs[0].name, "x");
  EXPECT_EQ(graph.inputs[0].type.str(), "float[batch,3]");
  ASSERT_EQ(graph.outputs.size(), 1u);
  EXPECT_EQ(graph.outputs[0].name, "y");
  EXPECT_EQ(graph.outputs[0].type.str(), "float[batch,3]");

  ASSERT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(graph.nodes[0].name, "add_w");
  EXPECT_EQ(graph.nodes[0].op_type, "Add");
  EXPECT_EQ(graph.nodes[0].opset, 14);
  EXPECT_EQ(graph.nodes[1].inputs, (std::vector<std::string>{"t", "b"}));

  ASSERT_EQ(graph.initializers.size(), 6u);
  EXPECT_EQ(test::float_values(graph.initializers.at("w")), (std::vector<float>{0.5f, -1.0f, 2.0f}));
  EXPECT_EQ(test::float_values(graph.initializers.at("b")), (std::vector<float>{10, 20, 30}));
  const Tensor& t64 = graph.initializers.at("i64");
  EXPECT_EQ(t64.dtype(), DType::kInt64);
  EXPECT_EQ(t64.shape(), (Shape{2, 2}));
  EXPECT_EQ(t64.to_int64_vector(), (std::vector<int64_t>{int64_t{1} << 40, -3, 0, 7}));
  const Tensor& t32 = graph.initializers.at("i32");
  EXPECT_EQ(t32.dtype(), DType::kInt32);
  EXPECT_EQ(std::vector<int32_t>(t32.data<int32_t>(), t32.data<int32_t>() + 3), (std::vector<int32_t>{-5, 0, 123456}));
  const Tensor& th = graph.initializers.at("half");
  EXPECT_EQ(to_float(th.data<Float16>()[0]), 1.5f);
  EXPECT_EQ(to_float(th.data<Float16>()[1]), -2.0f);
  const Tensor& ts = graph.initializers.at("scalar");
  EXPECT_EQ(ts.rank(), 0);
  EXPECT_EQ(ts.data<float>()[0], 4.25f);
}

TEST_F(LoaderTest, ValidModelRunsThroughSession) {
  const fs::path file = dir_.path() / "model.onnx";
  write_model(file, add_model());
  const auto session = Session::load(file);
  const auto out = session->run({{"x", test::float_tensor({2, 3}, {1, 2, 3, 4, 5, 6})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{2, 3}));
  EXPECT_EQ(test::float_values(out[0]), (std::vector<float>{11.5f, 21, 35, 14.5f, 24, 38}));
}

TEST_F(LoaderTest, MissingOrTruncatedFileIsAnErrorNamingTheFile) {
  const fs::path missing = dir_.path() / "nope.onnx";
  EXPECT_TRUE(Contains(error_of([&] { load_onnx(missing); }), missing.string()));

  const std::string bytes = add_model().SerializeAsString();
  // Cut inside the graph and inside the last opset_import entry.
  for (size_t keep : {bytes.size() / 2, bytes.size() - 1}) {
    SCOPED_TRACE(keep);
    const fs::path file = dir_.path() / "truncated.onnx";
    write_bytes(file, bytes.substr(0, keep));
    EXPECT_TRUE(Contains(error_of([&] { load_onnx(file); }), file.string()));
  }
  const fs::path junk = dir_.path() / "junk.onnx";
  write_bytes(junk, std::string("\xff\xff\xff\xff not a protobuf"));
  EXPECT_TRUE(Contains(error_of([&] { load_onnx(junk); }), junk.string()));
}

TEST_F(LoaderTest, InitializerDataShorterThanShapeIsAnErrorNamingIt) {
  {
    onnx::ModelProto m = add_model();
    add_initializer(m.mutable_graph(), "short_raw", onnx::TensorProto::FLOAT, {4})->set_raw_data(float_bytes({1, 2}));
    const std::string msg = load_error(m);
    EXPECT_TRUE(Contains(msg, "'short_raw'"));
    EXPECT_TRUE(Contains(msg, model_file()));
  }
  {
    onnx::ModelProto m = add_model();
    auto* t = add_initializer(m.mutable_graph(), "short_typed", onnx::TensorProto::FLOAT, {2, 2});
    for (float f : {1.0f, 2.0f, 3.0f}) t->add_float_data(f);
    EXPECT_TRUE(Contains(load_error(m), "'short_typed'"));
  }
  {
    onnx::ModelProto m = add_model();
    auto* t = add_initializer(m.mutable_graph(), "short_i64", onnx::TensorProto::INT64, {3});
    t->add_int64_data(1);
    EXPECT_TRUE(Contains(load_error(m), "'short_i64'"));
  }
  {
    onnx::ModelProto m = add_model();
    add_initializer(m.mutable_graph(), "no_data", onnx::TensorProto::INT32, {2});
    EXPECT_TRUE(Contains(load_error(m), "'no_data'"));
  }
}

TEST_F(LoaderTest, UnknownDtypeIsAnError) {
  {
    onnx::ModelProto m = add_model();
    add_initializer(m.mutable_graph(), "odd", 99, {1})->set_raw_data(std::string(4, '\0'));
    const std::string msg = load_error(m);
    EXPECT_TRUE(Contains(msg, "'odd'"));
    EXPECT_TRUE(Contains(msg, "99"));
  }
  {
    onnx::ModelProto m = add_model();
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(99);
    const std::string msg = load_error(m);
    EXPECT_TRUE(Contains(msg, "'x'"));
    EXPECT_TRUE(Contains(msg, "99"));
  }
}

TEST_F(LoaderTest, NegativeDimsAreAnError) {
  {
    onnx::ModelProto m = add_model();
    add_initializer(m.mutable_graph(), "neg", onnx::TensorProto::FLOAT, {-2, 3});
    const std::string msg = load_error(m);
    EXPECT_TRUE(Contains(msg, "'neg'"));
    EXPECT_TRUE(Contains(msg, "-2"));
  }
  {
    onnx::ModelProto m = add_model();
    m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->set_dim_value(-3);
    const std::string msg = load_error(m);
    EXPECT_TRUE(Contains(msg, "'x'"));
    EXPECT_TRUE(Contains(msg, "-3"));
  }
}

TEST_F(LoaderTest, DuplicateValueNamesAreAnError) {
  {
    onnx::ModelProto m = add_model();
    add_node(m.mutable_graph(), "Relu", "second_t", {"x"}, {"t"});
    const std::string msg = load_error(m);
    EXPECT_TRUE(Contains(msg, "'second_t'"));
    EXPECT_TRUE(Contains(msg, "'t'"));
  }
  {
    onnx::ModelProto m = add_model();
    add_node(m.mutable_graph(), "Relu", "shadows_input", {"t"}, {"x"});
    EXPECT_TRUE(Contains(load_error(m), "'shadows_input'"));
  }
  {
    onnx::ModelProto m = add_model();
    add_initializer(m.mutable_graph(), "w", onnx::TensorProto::FLOAT, {1})->add_float_data(1);
    EXPECT_TRUE(Contains(load_error(m), "'w'"));
  }
}

TEST_F(LoaderTest, NodeOfAnUnimportedDomainIsAnError) {
  onnx::ModelProto m = add_model();
  auto* n = add_node(m.mutable_graph(), "FastGelu", "gelu0", {"y"}, {"z"});
  n->set_domain("com.microsoft");
  const std::string msg = load_error(m);
  EXPECT_TRUE(Contains(msg, "'gelu0'"));
  EXPECT_TRUE(Contains(msg, "'com.microsoft'"));

  // The same node loads once the domain is imported.
  auto* imp = m.add_opset_import();
  imp->set_domain("com.microsoft");
  imp->set_version(1);
  const fs::path file = dir_.path() / "imported.onnx";
  write_model(file, m);
  EXPECT_EQ(load_onnx(file).graph.nodes.back().opset, 1);
}

TEST_F(LoaderTest, OpsetNewerThanSupportedFailsSessionLoad) {
  const fs::path file = dir_.path() / "future.onnx";
  write_model(file, add_model(99));
  EXPECT_NO_THROW(load_onnx(file));  // the file itself is well formed
  const std::string msg = error_of([&] { Session::load(file); });
  EXPECT_TRUE(Contains(msg, file.string()));
  EXPECT_TRUE(Contains(msg, "opset 99"));
  EXPECT_TRUE(Contains(msg, "up to " + std::to_string(kMaxDefaultOpset)));
}

// External data: the model lives in <tmp>/model/, weights in <tmp>/model/weights.bin
// after a 16-byte header, and a decoy file in <tmp>/outside.bin.
class ExternalDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_dir_ = dir_.path() / "model";
    fs::create_directories(model_dir_ / "sub");
    write_bytes(model_dir_ / "weights.bin", std::string(16, 'h') + float_bytes(kWeights) + std::string(4, 't'));
    write_bytes(model_dir_ / "unaligned.bin", std::string(1, 'h') + float_bytes(kWeights));
    write_bytes(dir_.path() / "outside.bin", float_bytes(kWeights));
  }

  // add_model() with `w` stored externally at `location`.
  onnx::ModelProto external_model(const std::string& location, const std::string& offset, const std::string& length) {
    onnx::ModelProto m = add_model();
    auto* w = m.mutable_graph()->mutable_initializer(0);
    EXPECT_EQ(w->name(), "w");
    w->clear_raw_data();
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    const auto add_kv = [&](const char* key, const std::string& value) {
      if (value.empty()) return;
      auto* kv = w->add_external_data();
      kv->set_key(key);
      kv->set_value(value);
    };
    add_kv("location", location);
    add_kv("offset", offset);
    add_kv("length", length);
    return m;
  }

  fs::path write(const onnx::ModelProto& m) {
    const fs::path file = model_dir_ / "model.onnx";
    write_model(file, m);
    return file;
  }

  std::string load_error(const std::string& location, const std::string& offset = "",
                         const std::string& length = "") {
    const fs::path file = write(external_model(location, offset, length));
    return error_of([&] { load_onnx(file); });
  }

  const std::vector<float> kWeights{0.5f, -1.0f, 2.0f};
  TempDir dir_;
  fs::path model_dir_;
};

TEST_F(ExternalDataTest, ValidExternalFileWithOffsetAndLengthLoads) {
  const Model m = load_onnx(write(external_model("weights.bin", "16", "12")));
  EXPECT_EQ(test::float_values(m.graph.initializers.at("w")), kWeights);

  // Misaligned data is copied rather than viewed, with the same values.
  const Model u = load_onnx(write(external_model("unaligned.bin", "1", "")));
  EXPECT_EQ(test::float_values(u.graph.initializers.at("w")), kWeights);

  // A symlink that stays inside the model directory, and a subdirectory.
  fs::create_symlink("weights.bin", model_dir_ / "inner_link.bin");
  fs::copy_file(model_dir_ / "weights.bin", model_dir_ / "sub" / "w.bin");
  EXPECT_EQ(test::float_values(load_onnx(write(external_model("inner_link.bin", "16", "12"))).graph.initializers.at("w")),
            kWeights);
  EXPECT_EQ(test::float_values(load_onnx(write(external_model("sub/w.bin", "16", "12"))).graph.initializers.at("w")),
            kWeights);

  // The tensors outlive the loader's mappings and run in a session.
  const auto session = Session::load(write(external_model("weights.bin", "16", "12")));
  const auto out = session->run({{"x", test::float_tensor({1, 3}, {0, 0, 0})}});
  EXPECT_EQ(test::float_values(out[0]), (std::vector<float>{10.5f, 19, 32}));
}

TEST_F(ExternalDataTest, LocationsOutsideTheModelDirectoryAreErrorsNamingTheTensor) {
  fs::create_symlink(dir_.path() / "outside.bin", model_dir_ / "abs_link.bin");
  fs::create_symlink("../outside.bin", model_dir_ / "rel_link.bin");
  fs::create_symlink("../../outside.bin", model_dir_ / "sub" / "deep_link.bin");
  const std::string absolute = (model_dir_ / "weights.bin").string();
  for (const std::string& location : {absolute, std::string("../outside.bin"), std::string("sub/../../outside.bin"),
                                     std::string("abs_link.bin"), std::string("rel_link.bin"),
                                     std::string("sub/deep_link.bin"), std::string("*/_ORT_MEM_ADDR_/*")}) {
    SCOPED_TRACE(location);
    const std::string msg = load_error(location);
    EXPECT_TRUE(Contains(msg, "'w'"));
    EXPECT_TRUE(Contains(msg, (model_dir_ / "model.onnx").string()));
  }
}

TEST_F(ExternalDataTest, BadLocationsAndRangesAreErrorsNamingTheTensor) {
  const std::string past_end = load_error("weights.bin", "24", "12");  // file has 32 bytes
  EXPECT_TRUE(Contains(past_end, "'w'"));
  EXPECT_TRUE(Contains(past_end, "24"));
  EXPECT_TRUE(Contains(load_error("weights.bin", "1000000", ""), "'w'"));
  EXPECT_TRUE(Contains(load_error("weights.bin", "18446744073709551615", ""), "'w'"));
  EXPECT_TRUE(Contains(load_error("weights.bin", "16", "8"), "'w'"));  // length disagrees with the shape
  EXPECT_TRUE(Contains(load_error("weights.bin", "sixteen", ""), "'w'"));
  EXPECT_TRUE(Contains(load_error("missing.bin"), "'w'"));
  EXPECT_TRUE(Contains(load_error("sub"), "'w'"));  // a directory, not a file
  EXPECT_TRUE(Contains(load_error(""), "'w'"));     // no location at all
}

}  // namespace
}  // namespace xenc
