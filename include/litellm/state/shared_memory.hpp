// Router state shared by every worker of a host: a fixed table in memory the supervisor creates
// (memfd) and the workers map. Lock-free: atomics and a per-slot seqlock, nothing on the request
// path waits for another process.
#pragma once

#include <memory>

#include "litellm/state/router_state.hpp"

namespace litellm::state {

// Supervisor: creates the region and returns its file descriptor (inherited by workers), or -1.
int create_shared_region();
// Worker: maps the region behind `fd`; nullptr if it cannot be mapped.
std::unique_ptr<RouterState> attach_shared_region(int fd);

}  // namespace litellm::state
