// The response cache (litellm_settings.cache with a Redis cache_params): exact-match on the
// request's model parameters, keyed as LiteLLM keys it (sha256 of "param: value" pairs, then
// "{namespace}:"), stored as LiteLLM stores it ({"timestamp", "response"}). Chat, text completions
// and embeddings; a stream is stored as the complete response it adds up to and replayed as a
// stream, as LiteLLM does. A Redis that is down or slow is a miss, never an error.
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
  // The key for this request, or nullopt when it is not cached (call type not listed, mode
  // default_off without `cache: {"use-cache": true}`).
  std::optional<std::string> key_for(const std::vector<json::Member>& body, std::string_view model,
                                     std::string_view call_type, Controls& controls) const;
  // The cached response body, if any (and younger than s-maxage).
  boost::asio::awaitable<std::optional<std::string>> get(const std::string& key,
                                                         const Controls& controls);
  // Stores a successful response (fire and forget).
  void put(const std::string& key, std::string_view body, const Controls& controls);

  // A complete response as the SSE frames of a stream ("data: ...\n\n", [DONE] included).
  static std::string replay_as_stream(std::string_view response, bool include_usage);

 private:
  redis::CacheSettings settings_;
  std::shared_ptr<redis::Client> client_;
};

// Adds up the OpenAI chunks of a stream into the complete response LiteLLM caches for it
// (chat.completion or text_completion). Only what a replay needs: ids, text, reasoning, finish
// reason, usage; a stream with tool calls is not cached.
class StreamAssembler {
 public:
  void feed(std::string_view frames);  // any number of "data: {...}\n\n" frames
  // The complete response, or nullopt when the stream did not finish or cannot be cached.
  std::optional<std::string> result() const;

 private:
  struct Choice {
    std::string role = "assistant", content, reasoning;
    std::optional<std::string> finish_reason;
  };
  std::string id_, model_, object_, fingerprint_, usage_;
  int64_t created_ = 0;
  bool text_ = false, uncacheable_ = false;
  std::vector<Choice> choices_;
};

}  // namespace litellm::handlers
