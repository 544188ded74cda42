// xenc run MODEL --inputs DIR [--outputs DIR] [--check]: run a model on
// TensorProto files in the ONNX test-data layout.
#include <iostream>

#include "graph/tensor_proto.h"
#include "tools/xenc/commands.h"
#include "tools/xenc/model_options.h"
#include "tools/xenc/test_data.h"

namespace xenc::cli {

namespace {

struct RunArgs {
  std::string model;
  std::string inputs;
  std::string outputs;
  bool check = false;
  Tolerance tol{1e-4, 0};
  MemoryCapArgs memory;
};

void print_summary(const std::string& name, const Tensor& t) {
  std::cout << name << "  " << dtype_name(t.dtype()) << shape_str(t.shape());
  if (t.dtype() == DType::kFloat) {
    std::cout << "  [";
    for (int64_t i = 0; i < std::min<int64_t>(t.numel(), 8); ++i) std::cout << (i ? ", " : "") << t.data<float>()[i];
    std::cout << (t.numel() > 8 ? ", ...]" : "]");
  }
  std::cout << "\n";
}

void run(const RunArgs& args) {
  SessionOptions options;
  options.memory = args.memory.caps();
  const auto session = Session::load(args.model, options);
  const TestDataSet data = read_test_data_set(args.inputs, *session);
  const std::vector<Tensor> results = session->run(data.feeds);
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string& name = session->outputs()[i].name;
    print_summary(name, results[i]);
    if (!args.outputs.empty()) {
      std::filesystem::create_directories(args.outputs);
      write_tensor_file(std::filesystem::path(args.outputs) / ("output_" + std::to_string(i) + ".pb"), results[i], name);
    }
  }
  if (args.check) {
    if (data.expected.empty()) throw Error(args.inputs + ": --check needs output_<k>.pb files to compare against");
    if (auto diff = check_outputs(*session, data.expected, results, args.tol)) throw Error("mismatch: " + *diff);
    std::cout << "outputs match " << args.inputs << " (atol " << args.tol.atol << ", rtol " << args.tol.rtol << ")\n";
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Run a model on input_<k>.pb TensorProto files");
  cmd->add_option("MODEL", args->model, "ONNX model file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--inputs", args->inputs, "Directory with input_0.pb, input_1.pb, ...")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--outputs", args->outputs, "Write output_<k>.pb files to this directory");
  cmd->add_flag("--check", args->check, "Compare with the output_<k>.pb files in the inputs directory");
  add_memory_cap_options(*cmd, args->memory);
  cmd->add_option("--atol", args->tol.atol, "Absolute tolerance for --check")->capture_default_str();
  cmd->add_option("--rtol", args->tol.rtol, "Relative tolerance for --check")->capture_default_str();
  cmd->callback([args] { run(*args); });
}

}  // namespace xenc::cli
