// Router state shared by a fleet of instances through Redis, layered over the host's shared state.
// Reads never leave the host: the request path reads the local table only. Writes go to the local
// table at once and to Redis in the background (cooldowns immediately, counter increments batched
// every sync interval); each sync also reads back the fleet's cooldowns and epochs. When Redis is
// down the host-local state simply keeps working alone, and sharing resumes when it returns.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "litellm/state/router_state.hpp"

namespace boost::asio {
class io_context;
}
namespace litellm::redis {
class Client;
}

namespace litellm::state {

struct FleetOptions {
  std::chrono::milliseconds sync_interval{200};
  // Prefix of our own keys (usage counters, epochs). Cooldowns use LiteLLM's key,
  // `deployment:{id}:cooldown`, so that a mixed LiteLLM / litellm-cpp fleet shares them.
  std::string prefix = "litellm_cpp:";
  // Deployments whose cooldowns are read from the start (others join when first routed to).
  std::vector<std::string> deployment_ids;
};

std::unique_ptr<RouterState> make_fleet_state(std::shared_ptr<RouterState> local,
                                              std::shared_ptr<redis::Client> client,
                                              boost::asio::io_context& ioc, FleetOptions options);

// LiteLLM's CooldownCacheValue as JSON ("status_code" is a string there) and back.
std::string cooldown_json(const CooldownRecord& record);
std::optional<CooldownRecord> parse_cooldown_json(std::string_view text);

}  // namespace litellm::state
