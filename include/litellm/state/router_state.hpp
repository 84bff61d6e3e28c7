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
  // Folds in totals learned from elsewhere (the fleet, through Redis): kRaise keeps the larger of
  // each count (counters that only grow in their window), kAssign replaces them (in-flight counts).
  enum class Merge { kRaise, kAssign };
  virtual void merge_usage(const std::string& id, int64_t minute, MinuteUsage totals,
                           Merge how) = 0;
};

// Counters that are not per minute (minute 0): a bump tells every worker, and with Redis every
// instance, to reload what it cached.
inline const std::string kKeyEpoch = "keys:epoch";       // keys, users, teams changed
inline const std::string kModelsEpoch = "models:epoch";  // DB-stored models changed

std::unique_ptr<RouterState> make_in_process_state();

}  // namespace litellm::state
