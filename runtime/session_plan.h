// The two halves of a planned run (see session.h): what a run with the arena
// records, and the plan built from it. Internal to session*.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "runtime/session.h"

namespace xenc {

// Shapes and dtypes of every value one run computed, and, for the steps whose
// output shapes may depend on input values, the small inputs they read.
struct Session::Recording {
  struct Guard {
    size_t step;
    size_t input;
    std::vector<std::byte> bytes;
  };
  // Inputs larger than this are data, not shapes, axes, sizes or counts,
  // and are not guarded: no supported op takes its output shape from the
  // values of such an input.
  static constexpr int64_t kMaxGuardedElements = 64;

  std::vector<std::optional<std::pair<DType, Shape>>> types;  // per slot
  std::vector<Guard> guards;

  explicit Recording(size_t slots) : types(slots) {}
  void record(int slot, DType dtype, const Shape& shape) { types[static_cast<size_t>(slot)] = {dtype, shape}; }
  // Keeps the bytes of the step's small computed inputs (constants cannot change).
  void guard(size_t step, std::span<const Tensor* const> inputs, const std::vector<Tensor>& constants,
             const std::vector<int>& slots);
};

// A run of one signature of input shapes, prepared: intermediates are views
// into one buffer laid out by plan_memory, and each step's tensor pointers
// are resolved, so running it allocates only the returned outputs.
struct Session::Plan {
  std::vector<Shape> input_shapes;
  std::shared_ptr<std::byte> buffer;
  std::vector<Tensor> values;                           // per slot
  std::vector<std::vector<const Tensor*>> step_inputs;  // per step
  std::vector<std::vector<Tensor*>> step_outputs;       // per step
  std::vector<Recording::Guard> guards;                 // in step order
  std::vector<std::pair<int, std::pair<DType, Shape>>> fresh_outputs;  // graph outputs computed by steps
};

}  // namespace xenc
