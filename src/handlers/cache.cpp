#include "cache.hpp"

#include <nlohmann/json.hpp>

#include "litellm/common/crypto.hpp"
#include "litellm/common/py_repr.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/redis/client.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;

namespace {

// The request parameters that make up the key (LiteLLM: the OpenAI call parameters of
// completion, text completion and embedding; litellm's own params such as metadata are not).
bool key_param(std::string_view name) {
  static constexpr std::string_view kParams[] = {"model",
                                                 "messages",
                                                 "prompt",
                                                 "input",
                                                 "temperature",
                                                 "top_p",
                                                 "n",
                                                 "stream",
                                                 "stream_options",
                                                 "stop",
                                                 "max_tokens",
                                                 "max_completion_tokens",
                                                 "presence_penalty",
                                                 "frequency_penalty",
                                                 "logit_bias",
                                                 "user",
                                                 "response_format",
                                                 "seed",
                                                 "tools",
                                                 "tool_choice",
                                                 "parallel_tool_calls",
                                                 "logprobs",
                                                 "top_logprobs",
                                                 "functions",
                                                 "function_call",
                                                 "modalities",
                                                 "audio",
                                                 "prediction",
                                                 "reasoning_effort",
                                                 "service_tier",
                                                 "web_search_options",
                                                 "suffix",
                                                 "echo",
                                                 "best_of",
                                                 "encoding_format",
                                                 "dimensions",
                                                 "thinking"};
  for (auto p : kParams)
    if (p == name) return true;
  return false;
}

}  // namespace

ResponseCache::ResponseCache(redis::CacheSettings settings, std::shared_ptr<redis::Client> client)
    : settings_(std::move(settings)), client_(std::move(client)) {}

std::optional<std::string> ResponseCache::key_for(const std::vector<json::Member>& body,
                                                  std::string_view model,
                                                  std::string_view call_type, bool stream,
                                                  Controls& c) const {
  if (const auto* cc = json::find(body, "cache")) {
    auto j = nlohmann::json::parse(cc->value, nullptr, false);
    if (j.is_object()) {
      auto flag = [&](const char* k) {
        auto it = j.find(k);
        return it != j.end() && it->is_boolean() && it->get<bool>();
      };
      c.no_cache = flag("no-cache");
      c.no_store = flag("no-store");
      c.use_cache = flag("use-cache");
      if (auto it = j.find("ttl"); it != j.end() && it->is_number())
        c.ttl = static_cast<int64_t>(it->get<double>());
      for (const char* k : {"s-maxage", "s-max-age"})
        if (auto it = j.find(k); it != j.end() && it->is_number()) c.max_age = it->get<double>();
      if (auto it = j.find("namespace"); it != j.end() && it->is_string())
        c.ns = it->get<std::string>();
    }
  }
  if (stream || !settings_.allows(call_type)) return std::nullopt;
  if (settings_.default_off && !c.use_cache) return std::nullopt;
  std::string raw;
  for (const auto& m : body) {
    if (!key_param(m.key)) continue;
    raw += m.key;
    raw += ": ";
    if (m.key == "model") {
      raw += model;  // the model group the request resolved to
      continue;
    }
    // Python's str(value): a string as itself, anything else as its repr.
    if (auto s = json::as_string(m.value)) {
      raw += *s;
      continue;
    }
    auto v = nlohmann::ordered_json::parse(m.value, nullptr, false);
    if (v.is_null() || v.is_discarded()) {  // LiteLLM skips None values
      raw.resize(raw.size() - m.key.size() - 2);
      continue;
    }
    raw += py::repr(v);
  }
  std::string key = sha256_hex(raw);
  const std::string& ns = c.ns.empty() ? settings_.ns : c.ns;
  if (!ns.empty()) key = ns + ":" + key;
  return key;
}

asio::awaitable<std::optional<std::string>> ResponseCache::get(const std::string& key,
                                                               const Controls& c) {
  if (c.no_cache || !client_->connected()) co_return std::nullopt;
  redis::Command get{"GET", key};  // named: GCC 12 mis-compiles a braced list in co_await
  redis::Reply r = co_await client_->call(std::move(get));
  if (r.type != redis::Reply::Type::kString) co_return std::nullopt;
  auto v = nlohmann::json::parse(r.str, nullptr, false);
  if (!v.is_object()) co_return std::nullopt;
  auto ts = v.find("timestamp");
  auto resp = v.find("response");
  if (resp == v.end()) co_return std::nullopt;
  if (c.max_age && ts != v.end() && ts->is_number() && unix_time() - ts->get<double>() > *c.max_age)
    co_return std::nullopt;
  if (resp->is_string()) co_return resp->get<std::string>();
  if (resp->is_object()) co_return resp->dump();
  co_return std::nullopt;
}

void ResponseCache::put(const std::string& key, std::string_view body, const Controls& c) {
  if (c.no_store || !client_->connected()) return;
  nlohmann::json v = {{"timestamp", unix_time()}, {"response", std::string(body)}};
  redis::Command cmd{"SET", key, v.dump()};
  if (auto ttl = c.ttl ? c.ttl : settings_.ttl; ttl && *ttl > 0) {
    cmd.push_back("EX");
    cmd.push_back(std::to_string(*ttl));
  }
  client_->send(std::move(cmd), [](redis::Reply) {});
}

}  // namespace litellm::handlers
