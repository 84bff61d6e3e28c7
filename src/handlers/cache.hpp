// The response cache (litellm_settings.cache with a Redis cache_params): exact-match on the
// request's model parameters, keyed as LiteLLM keys it (sha256 of "param: value" pairs, then
// "{namespace}:"), stored as LiteLLM stores it ({"timestamp", "response"}). Non-streaming chat,
// text completions and embeddings; a Redis that is down or slow is a miss, never an error.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "litellm/common/json_scan.hpp"
#include "litellm/redis/settings.hpp"

namespace litellm::handlers {

class ResponseCache {
 public:
  ResponseCache(redis::CacheSettings settings, std::shared_ptr<redis::Client> client);

  // The request's `cache` controls (body), LiteLLM's DynamicCacheControl.
  struct Controls {
    bool no_cache = false;  // do not read
    bool no_store = false;  // do not write
    bool use_cache = false;
    std::optional<int64_t> ttl;
    std::optional<double> max_age;  // s-maxage
    std::string ns;
  };
  // The key for this request, or nullopt when it is not cached (call type not listed, streaming,
  // mode default_off without `cache: {"use-cache": true}`).
  std::optional<std::string> key_for(const std::vector<json::Member>& body, std::string_view model,
                                     std::string_view call_type, bool stream,
                                     Controls& controls) const;
  // The cached response body, if any (and younger than s-maxage).
  boost::asio::awaitable<std::optional<std::string>> get(const std::string& key,
                                                         const Controls& controls);
  // Stores a successful response (fire and forget).
  void put(const std::string& key, std::string_view body, const Controls& controls);

 private:
  redis::CacheSettings settings_;
  std::shared_ptr<redis::Client> client_;
};

}  // namespace litellm::handlers
