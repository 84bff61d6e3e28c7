// Where Redis is and what it is used for, from config.yaml and the environment, as LiteLLM reads
// them: router_settings.redis_* shares router state; litellm_settings.cache with cache_params
// makes the response cache (and lends its Redis to the router when the router has none).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "litellm/common/error.hpp"
#include "litellm/redis/client.hpp"

namespace litellm::config {
struct Config;
}

namespace litellm::redis {

struct CacheSettings {
  Options redis;
  std::string ns;                       // cache_params.namespace
  std::optional<int64_t> ttl;           // seconds; none: kept until Redis evicts it
  std::vector<std::string> call_types;  // supported_call_types
  bool default_off = false;             // mode: default_off (opt in per request)
  bool allows(std::string_view call_type) const;
};

struct Settings {
  std::optional<Options> router;       // fleet state (cooldowns, usage, limits, epochs)
  std::optional<CacheSettings> cache;  // response cache (type: redis)
  bool router_from_cache = false;      // the router borrowed the cache's Redis
  std::vector<std::string> warnings;   // settings we read but do not act on
};

// Errors name the setting (a malformed redis_url, an unsupported cache type).
Result<Settings> settings_from(const config::Config& cfg);

}  // namespace litellm::redis
