#include "runtime/cpu_count.h"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace xenc {

namespace {

std::optional<size_t> affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return std::nullopt;
  const int n = CPU_COUNT(&set);
  return n > 0 ? std::optional<size_t>(static_cast<size_t>(n)) : std::nullopt;
}

std::optional<size_t> quota_cpus(double quota, double period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  return static_cast<size_t>(std::max(1.0, std::ceil(quota / period)));
}

// cgroup v2: cpu.max is "<quota> <period>" or "max <period>".
std::optional<size_t> cgroup_v2_cpus() {
  std::ifstream in("/sys/fs/cgroup/cpu.max");
  std::string quota;
  double period = 0;
  if (!(in >> quota >> period) || quota == "max") return std::nullopt;
  try {
    return quota_cpus(std::stod(quota), period);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// cgroup v1: cpu.cfs_quota_us (-1: no limit) over cpu.cfs_period_us.
std::optional<size_t> cgroup_v1_cpus() {
  std::ifstream quota_in("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  std::ifstream period_in("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  double quota = 0, period = 0;
  if (!(quota_in >> quota) || !(period_in >> period)) return std::nullopt;
  return quota_cpus(quota, period);
}

}  // namespace

size_t available_cpus() {
  size_t n = affinity_cpus().value_or(std::max(1u, std::thread::hardware_concurrency()));
  if (auto q = cgroup_v2_cpus()) n = std::min(n, *q);
  if (auto q = cgroup_v1_cpus()) n = std::min(n, *q);
  return std::max<size_t>(n, 1);
}

}  // namespace xenc
