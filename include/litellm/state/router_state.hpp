// State the router shares: cooldowns and per-deployment usage. One interface, three backings:
// in-process (here), shared memory across the workers of a host, Redis across hosts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace litellm::state {

// LiteLLM's CooldownCacheValue, stored under `deployment:{id}:cooldown`.
struct CooldownRecord {
  std::string exception_received;  // masked after 50 characters
  int status_code = 0;
  double timestamp = 0;      // unix seconds when the cooldown started
  double cooldown_time = 0;  // seconds
  double until() const { return timestamp + cooldown_time; }
};

struct MinuteUsage {
  int64_t requests = 0;
  int64_t tokens = 0;
};

class RouterState {
 public:
  virtual ~RouterState() = default;
  // Starts (or restarts, with the new deadline) a cooldown.
  virtual void set_cooldown(const std::string& deployment_id, const CooldownRecord& record) = 0;
  // The active cooldown at unix time `now`, if any.
  virtual std::optional<CooldownRecord> cooldown(const std::string& deployment_id, double now) = 0;
  // Usage in the calendar minute `minute` (unix seconds / 60).
  virtual void add_usage(const std::string& deployment_id, int64_t minute, int64_t requests,
                         int64_t tokens) = 0;
  virtual MinuteUsage usage(const std::string& deployment_id, int64_t minute) = 0;
};

std::unique_ptr<RouterState> make_in_process_state();

}  // namespace litellm::state
