// A loaded, optimized, immutable model. Build once; run() may be called from
// many threads at once (each run takes its own arena from a pool).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "graph/op_schema.h"
#include "runtime/arena.h"

namespace xenc {

struct SessionOptions {
  bool optimize = true;            // run the default graph passes
  bool reference_kernels = false;  // run every op's reference kernel, never the fast one
};

class Session {
 public:
  // Loads an ONNX file; errors name the file and the node or tensor at fault.
  static std::unique_ptr<Session> load(const std::filesystem::path& model_file, const SessionOptions& options = {});
  Session(Graph graph, const SessionOptions& options = {});

  const std::vector<GraphValue>& inputs() const { return graph_.inputs; }
  const std::vector<GraphValue>& outputs() const { return graph_.outputs; }
  const Graph& graph() const { return graph_; }

  // Feeds by input name; returns the graph outputs in declaration order.
  std::vector<Tensor> run(const std::map<std::string, Tensor>& feeds) const;

 private:
  struct Step {
    const Node* node;
    const OpSchema* op;
    KernelFn kernel;  // op->fast, or op->run for the reference
    std::vector<int> inputs;   // value slots, -1 for omitted
    std::vector<int> outputs;  // value slots, -1 for omitted
    std::vector<int> release;  // slots whose last use is this step
  };

  void compile(const SessionOptions& options);
  void check_feeds(const std::map<std::string, Tensor>& feeds) const;
  void execute(const Step& step, std::vector<Tensor>& values, Arena& arena) const;
  std::unique_ptr<Arena> acquire_arena() const;
  void release_arena(std::unique_ptr<Arena> arena) const;

  Graph graph_;
  std::map<std::string, int> slot_of_;
  std::vector<Tensor> constants_;  // per slot: initializers, empty elsewhere
  std::vector<int> input_slots_;
  std::vector<int> output_slots_;
  std::vector<Step> steps_;

  mutable std::mutex arena_mutex_;
  mutable std::vector<std::unique_ptr<Arena>> idle_arenas_;
};

}  // namespace xenc
