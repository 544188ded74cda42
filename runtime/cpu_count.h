// How many CPUs this process may really use: the affinity mask, capped by a
// cgroup CPU quota (containers often allow fewer CPUs than the host has).
#pragma once

#include <cstddef>

namespace xenc {

// At least 1.
size_t available_cpus();

}  // namespace xenc
