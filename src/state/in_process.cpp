// Router state for one process: plain maps, no locks (one thread per worker).
#include <algorithm>
#include <unordered_map>

#include "litellm/state/router_state.hpp"

namespace litellm::state {
namespace {

class InProcessState final : public RouterState {
 public:
  void set_cooldown(const std::string& id, const CooldownRecord& r) override { cooldowns_[id] = r; }

  std::optional<CooldownRecord> cooldown(const std::string& id, double now) override {
    auto it = cooldowns_.find(id);
    if (it == cooldowns_.end()) return std::nullopt;
    if (it->second.until() <= now) {
      cooldowns_.erase(it);
      return std::nullopt;
    }
    return it->second;
  }

  void add_usage(const std::string& id, int64_t minute, int64_t requests, int64_t tokens) override {
    auto& u = usage_[id];
    if (u.minute != minute) u = Slot{minute, {}};
    u.value.requests += requests;
    u.value.tokens += tokens;
  }

  void merge_usage(const std::string& id, int64_t minute, MinuteUsage totals, Merge how) override {
    auto& u = usage_[id];
    if (u.minute != minute) u = Slot{minute, {}};
    if (how == Merge::kAssign) {
      u.value = totals;
    } else {
      u.value.requests = std::max(u.value.requests, totals.requests);
      u.value.tokens = std::max(u.value.tokens, totals.tokens);
    }
  }

  MinuteUsage usage(const std::string& id, int64_t minute) override {
    auto it = usage_.find(id);
    if (it == usage_.end() || it->second.minute != minute) return {};
    return it->second.value;
  }

 private:
  struct Slot {
    int64_t minute = 0;
    MinuteUsage value;
  };
  std::unordered_map<std::string, CooldownRecord> cooldowns_;
  std::unordered_map<std::string, Slot> usage_;
};

}  // namespace

std::unique_ptr<RouterState> make_in_process_state() { return std::make_unique<InProcessState>(); }

}  // namespace litellm::state
