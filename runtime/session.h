// A loaded, optimized, immutable model. Build once; run() may be called from
// many threads at once (each run takes its own context from a pool).
//
// Memory: a run of input shapes not seen just before takes buffers from an
// arena (reused by liveness). When a context sees the same input shapes
// twice in a row, it records a plan (session_plan.cpp): every intermediate
// gets an offset in one buffer from its size and lifetime, and every step
// its tensors in advance, so further runs of those shapes allocate nothing
// but the outputs they return.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "graph/op_schema.h"
#include "ops/fast/weight_packing.h"
#include "runtime/arena.h"
#include "runtime/memory_caps.h"

namespace xenc {

struct SessionOptions {
  bool optimize = true;            // run the default graph passes (and, with the fast kernels, pack MatMul weights)
  bool reference_kernels = false;  // run every op's reference kernel, never the fast one
  // Of the MatMuls with constant weights (ops/fast/weight_packing.h); int8
  // applies with the reference kernels too, which then check the fast ones.
  MatMulPrecision precision = MatMulPrecision::fp32;
  MemoryCaps memory;  // default: the memory this process may use
};

class Session {
 public:
  // Loads an ONNX file; errors name the file and the node or tensor at fault.
  static std::unique_ptr<Session> load(const std::filesystem::path& model_file, const SessionOptions& options = {});
  Session(Graph graph, const SessionOptions& options = {});
  ~Session();

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
    // Load-time shape inference could not tie this step's output shapes to
    // the graph's input shapes (they may depend on the values of its inputs).
    bool shape_from_values = false;
  };
  struct Plan;
  struct Recording;
  // What one run uses; a pool of these lets runs proceed concurrently.
  struct RunContext {
    Arena arena;
    std::unique_ptr<Plan> plan;
    std::vector<Shape> last_input_shapes;
    explicit RunContext(const MemoryCaps& caps);
    ~RunContext();
  };

  void compile(const SessionOptions& options);
  void check_feeds(const std::map<std::string, Tensor>& feeds) const;
  std::vector<Shape> input_shapes(const std::map<std::string, Tensor>& feeds) const;
  std::vector<Tensor> run_with_arena(const std::map<std::string, Tensor>& feeds, Arena& arena,
                                     Recording* recording) const;
  void execute(size_t step_index, std::vector<Tensor>& values, Arena& arena, Recording* recording) const;
  // session_plan.cpp
  // nullptr when its buffer would be larger than the arena cap.
  std::unique_ptr<Plan> build_plan(const Recording& recording, std::vector<Shape> input_shapes) const;
  bool plan_fits(const Plan& plan, const std::map<std::string, Tensor>& feeds) const;
  // nullopt when the plan no longer holds (a guarded input changed).
  std::optional<std::vector<Tensor>> run_planned(Plan& plan, const std::map<std::string, Tensor>& feeds) const;

  std::unique_ptr<RunContext> acquire_context() const;
  void release_context(std::unique_ptr<RunContext> context) const;

  Graph graph_;
  MemoryCaps memory_caps_;  // resolved
  std::map<std::string, int> slot_of_;
  std::vector<Tensor> constants_;  // per slot: initializers, empty elsewhere
  std::vector<int> input_slots_;
  std::vector<int> output_slots_;
  std::vector<Step> steps_;
  std::vector<int> producer_of_;   // per slot: the step writing it, -1 for inputs and initializers
  std::vector<int> last_use_of_;   // per slot: the last step reading it, -1 when none or kept

  mutable std::mutex context_mutex_;
  mutable std::vector<std::unique_ptr<RunContext>> idle_contexts_;
};

}  // namespace xenc
