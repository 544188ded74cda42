// A model graph prepared for training: its nodes in order with their
// kernels, its trainable parameters (owned copies the optimizer updates in
// place), and reverse-mode autodiff over the recorded forward pass.
//
// forward() runs the graph as it is in the file (no fusion, so each node
// has its own backward rule and each initializer keeps its name for the
// exporter) and keeps every value; backward() walks the nodes in reverse,
// calling each op's rule (trainer/backward.h) and adding up the gradients
// of values used more than once.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/ir.h"
#include "graph/op_schema.h"
#include "runtime/arena.h"
#include "trainer/backward.h"

namespace xenc {

// Training-mode dropout on a value: its consumers read it through a random
// mask that keeps each element with probability 1 - ratio (scaled by
// 1 / (1 - ratio)), as torch.nn.Dropout does in training.
struct DropoutSite {
  std::string value;
  float ratio = 0;
};

// The forward values of one batch, kept for the backward pass.
struct Tape {
  std::vector<Tensor> values;                   // per value slot
  std::map<size_t, std::vector<uint8_t>> masks;  // per dropout step: kept elements
};

class TrainableGraph {
 public:
  // `trainable`: float initializers to compute gradients for. Throws if one
  // is missing, or if a gradient would have to pass an op without a
  // backward rule (naming the node).
  TrainableGraph(Graph graph, const std::set<std::string>& trainable, const std::vector<DropoutSite>& dropout = {});

  const Graph& graph() const { return graph_; }
  // The trainable initializers by name: the values forward() uses.
  std::map<std::string, Tensor>& parameters() { return parameters_; }
  const std::map<std::string, Tensor>& parameters() const { return parameters_; }

  // Runs the graph. With `dropout_seed` set, dropout sites are active with
  // masks that depend on the seed alone (not the thread count). Values are
  // taken from an arena that reuses the blocks of earlier, released tapes:
  // one forward() at a time.
  Tape forward(const std::map<std::string, Tensor>& feeds, const uint64_t* dropout_seed = nullptr) const;
  const Tensor& value(const Tape& tape, const std::string& name) const;
  // The rank of every node output in `tape`.
  std::map<std::string, size_t> value_ranks(const Tape& tape) const;

  // Gradients of the trainable parameters, given the gradients of some
  // graph outputs (the loss's derivative by the logits).
  std::map<std::string, Gradient> backward(const Tape& tape, const std::map<std::string, Tensor>& output_grads) const;

 private:
  struct Step {
    const Node* node;
    const OpSchema* op;
    KernelFn kernel;
    const GradientRule* rule;  // nullptr: no gradient passes this step
    std::vector<int> inputs;   // value slots, -1 for omitted
    std::vector<int> outputs;
    float dropout_ratio = -1;  // >= 0: a dropout site (inputs[0] -> outputs[0])
  };

  void insert_dropout(const std::vector<DropoutSite>& dropout);
  void build_steps();
  void mark_gradient_paths();
  void run_step(size_t index, Tape& tape, const uint64_t* dropout_seed) const;

  Graph graph_;
  std::map<std::string, Tensor> parameters_;
  std::map<std::string, int> slot_of_;
  std::vector<Tensor> constants_;  // per slot: initializers (parameters included)
  std::vector<int> input_slots_;
  std::vector<Step> steps_;
  std::vector<bool> needs_grad_;  // per slot: depends on a trainable parameter
  mutable Arena arena_;
};

}  // namespace xenc
