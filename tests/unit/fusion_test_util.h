// Helpers for the fusion pass tests: deterministic data, op counts, and the
// check that a graph computes the same before and after the default passes.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "graph/passes/passes.h"
#include "graph_builders.h"
#include "ops/registry.h"
#include "runtime/session.h"

namespace xenc::test {

// Values in [-1, 1) from a fixed linear congruential sequence.
inline std::vector<float> pseudo_random(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (float& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<float>(seed >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return v;
}

// Values in [-scale, scale).
inline Tensor random_tensor(Shape shape, uint32_t seed, float scale = 1.0f) {
  std::vector<float> values = pseudo_random(static_cast<size_t>(shape_numel(shape)), seed);
  for (float& v : values) v *= scale;
  return float_tensor(std::move(shape), std::move(values));
}

inline Tensor scalar(float v) { return float_tensor({}, {v}); }

// "domain.op_type" (or "op_type") -> count.
inline std::map<std::string, int> op_counts(const Graph& g) {
  std::map<std::string, int> counts;
  for (const Node& n : g.nodes) counts[(n.domain.empty() ? "" : n.domain + ".") + n.op_type]++;
  return counts;
}

inline int count_of(const Graph& g, const std::string& op) {
  const auto counts = op_counts(g);
  const auto it = counts.find(op);
  return it == counts.end() ? 0 : it->second;
}

// Runs the default passes on a copy of g (what a Session does).
inline Graph optimized(Graph g) {
  run_passes(g, OpRegistry::instance(), default_passes());
  return g;
}

// The graph gives the same outputs (within atol) with and without the default passes.
inline void expect_same_outputs(const Graph& g, const std::map<std::string, Tensor>& feeds, float atol = 1e-5f) {
  SessionOptions plain;
  plain.optimize = false;
  const std::vector<Tensor> want = Session(g, plain).run(feeds);
  const std::vector<Tensor> got = Session(g).run(feeds);
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(want[i].shape(), got[i].shape()) << "output " << i;
    const std::vector<float> a = float_values(want[i]), b = float_values(got[i]);
    for (size_t j = 0; j < a.size(); ++j) ASSERT_NEAR(a[j], b[j], atol) << "output " << i << " element " << j;
  }
}

}  // namespace xenc::test
