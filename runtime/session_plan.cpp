// Planned runs: building a plan from a recorded run, and running it.
#include "runtime/session_plan.h"

#include <algorithm>
#include <cstring>

#include "runtime/memory_plan.h"

namespace xenc {

namespace {

constexpr std::align_val_t kBufferAlignment{64};

std::shared_ptr<std::byte> new_buffer(size_t bytes) {
  auto* p = static_cast<std::byte*>(::operator new(std::max<size_t>(bytes, 1), kBufferAlignment));
  return std::shared_ptr<std::byte>(p, [](std::byte* q) { ::operator delete(q, kBufferAlignment); });
}

}  // namespace

void Session::Recording::guard(size_t step, std::span<const Tensor* const> inputs, const std::vector<Tensor>& constants,
                               const std::vector<int>& slots) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor* t = inputs[i];
    if (t == nullptr || t->numel() > kMaxGuardedElements) continue;
    if (!constants[static_cast<size_t>(slots[i])].empty_handle()) continue;
    const auto* bytes = static_cast<const std::byte*>(t->raw());
    guards.push_back({step, i, std::vector<std::byte>(bytes, bytes + t->nbytes())});
  }
}

std::unique_ptr<Session::Plan> Session::build_plan(const Recording& recording, std::vector<Shape> input_shapes) const {
  auto plan = std::make_unique<Plan>();
  plan->input_shapes = std::move(input_shapes);
  plan->values = constants_;
  plan->guards = recording.guards;

  std::vector<bool> is_output(slot_of_.size(), false);
  for (int v : output_slots_) is_output[static_cast<size_t>(v)] = true;
  std::vector<int> planned_slots;
  std::vector<BufferRequest> requests;
  for (size_t v = 0; v < slot_of_.size(); ++v) {
    if (producer_of_[v] < 0 || !recording.types[v]) continue;
    const auto& [dtype, shape] = *recording.types[v];
    if (is_output[v]) {
      plan->fresh_outputs.push_back({static_cast<int>(v), {dtype, shape}});
      continue;
    }
    const size_t bytes = static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype);
    requests.push_back({bytes, producer_of_[v], std::max(producer_of_[v], last_use_of_[v])});
    planned_slots.push_back(static_cast<int>(v));
  }
  const MemoryPlan layout = plan_memory(requests);
  // Past the cap, runs of these shapes keep taking blocks from the arena,
  // which enforces it (and so far held them in no more).
  if (layout.total_bytes > memory_caps_.arena_bytes) return nullptr;
  plan->buffer = new_buffer(layout.total_bytes);
  for (size_t r = 0; r < planned_slots.size(); ++r) {
    const auto& [dtype, shape] = *recording.types[static_cast<size_t>(planned_slots[r])];
    plan->values[static_cast<size_t>(planned_slots[r])] =
        Tensor(dtype, shape, plan->buffer.get() + layout.offsets[r], plan->buffer);
  }
  for (const Step& step : steps_) {
    std::vector<const Tensor*> ins;
    for (int v : step.inputs) ins.push_back(v < 0 ? nullptr : &plan->values[static_cast<size_t>(v)]);
    std::vector<Tensor*> outs;
    for (int v : step.outputs) outs.push_back(v < 0 ? nullptr : &plan->values[static_cast<size_t>(v)]);
    plan->step_inputs.push_back(std::move(ins));
    plan->step_outputs.push_back(std::move(outs));
  }
  return plan;
}

bool Session::plan_fits(const Plan& plan, const std::map<std::string, Tensor>& feeds) const {
  if (feeds.size() != graph_.inputs.size()) return false;
  for (size_t i = 0; i < graph_.inputs.size(); ++i) {
    const auto it = feeds.find(graph_.inputs[i].name);
    if (it == feeds.end() || it->second.dtype() != graph_.inputs[i].type.dtype ||
        it->second.shape() != plan.input_shapes[i])
      return false;
  }
  return true;
}

std::optional<std::vector<Tensor>> Session::run_planned(Plan& plan, const std::map<std::string, Tensor>& feeds) const {
  for (size_t i = 0; i < graph_.inputs.size(); ++i)
    plan.values[static_cast<size_t>(input_slots_[i])] = feeds.find(graph_.inputs[i].name)->second;
  for (const auto& [slot, type] : plan.fresh_outputs)
    plan.values[static_cast<size_t>(slot)] = Tensor(type.first, type.second);

  size_t next_guard = 0;
  for (size_t s = 0; s < steps_.size(); ++s) {
    for (; next_guard < plan.guards.size() && plan.guards[next_guard].step == s; ++next_guard) {
      const Recording::Guard& g = plan.guards[next_guard];
      const Tensor* t = plan.step_inputs[s][g.input];
      if (t->nbytes() != g.bytes.size() || std::memcmp(t->raw(), g.bytes.data(), g.bytes.size()) != 0)
        return std::nullopt;
    }
    try {
      steps_[s].kernel(*steps_[s].node, plan.step_inputs[s], plan.step_outputs[s]);
    } catch (const Error&) {
      rethrow_at(*steps_[s].node);
    }
  }
  // Fresh outputs move out to the caller (the next run makes new ones); the
  // others (inputs or initializers passed through) are shared.
  std::vector<Tensor> results;
  results.reserve(output_slots_.size());
  for (int v : output_slots_) {
    Tensor& value = plan.values[static_cast<size_t>(v)];
    results.push_back(producer_of_[static_cast<size_t>(v)] >= 0 ? std::move(value) : value);
  }
  return results;
}

}  // namespace xenc
