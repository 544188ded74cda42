// The arithmetic of a model's matrix products for given input shapes, so a
// benchmark can report achieved GFLOP/s: 2*M*N*K per MatMul or Gemm product
// (broadcast batch dims included).
#pragma once

#include <cstdint>
#include <optional>

#include "graph/ir.h"

namespace xenc::cli {

class MatMulFlops {
 public:
  // `graph` as loaded (before fusions, which may hide products inside other ops).
  explicit MatMulFlops(Graph graph);

  // FLOPs of one run with every graph input of shape [batch, seq]; nullopt
  // when some product's shape cannot be worked out without running the model.
  std::optional<double> count(int64_t batch, int64_t seq) const;

 private:
  Graph graph_;
};

}  // namespace xenc::cli
