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
                                                  std::string_view call_type, Controls& c) const {
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
  if (!settings_.allows(call_type)) return std::nullopt;
  if (settings_.default_off && !c.use_cache) return std::nullopt;
  std::string raw;
  for (const auto& m : body) {
    if (!key_param(m.key) || m.value == "null") continue;  // LiteLLM skips None values
    raw += m.key;
    raw += ": ";
    if (m.key == "model")
      raw += model;  // the model group the request resolved to
    else if (auto s = json::as_string(m.value))
      raw += *s;  // Python's str(value): a string as itself, anything else as its repr
    else
      raw += py::repr_json(m.value);
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

std::string ResponseCache::replay_as_stream(std::string_view response, bool include_usage) {
  auto r = nlohmann::json::parse(response, nullptr, false);
  std::string out;
  if (!r.is_object()) return out + "data: [DONE]\n\n";
  const bool text = r.value("object", "") == "text_completion";
  nlohmann::json base = {{"id", r.value("id", "")},
                         {"object", text ? "text_completion" : "chat.completion.chunk"},
                         {"created", r.value("created", int64_t{0})},
                         {"model", r.value("model", "")}};
  if (auto fp = r.find("system_fingerprint"); fp != r.end()) base["system_fingerprint"] = *fp;
  auto frame = [&](nlohmann::json choices, const nlohmann::json* usage = nullptr) {
    nlohmann::json c = base;
    c["choices"] = std::move(choices);
    if (usage) c["usage"] = *usage;
    out += "data: " + c.dump() + "\n\n";
  };
  nlohmann::json finals = nlohmann::json::array();
  for (const auto& ch : r.value("choices", nlohmann::json::array())) {
    const int64_t index = ch.value("index", int64_t{0});
    nlohmann::json first = {{"index", index}, {"finish_reason", nullptr}};
    if (text) {
      first["text"] = ch.value("text", "");
    } else {
      const auto msg = ch.value("message", nlohmann::json::object());
      nlohmann::json delta = {{"role", msg.value("role", "assistant")}};
      if (auto rc = msg.find("reasoning_content"); rc != msg.end() && rc->is_string())
        delta["reasoning_content"] = *rc;
      delta["content"] = msg.contains("content") ? msg["content"] : nlohmann::json("");
      first["delta"] = std::move(delta);
    }
    frame(nlohmann::json::array({first}));
    nlohmann::json last = {{"index", index}, {"finish_reason", ch.value("finish_reason", "stop")}};
    if (text)
      last["text"] = "";
    else
      last["delta"] = nlohmann::json::object();
    finals.push_back(std::move(last));
  }
  frame(std::move(finals));
  if (auto u = r.find("usage"); include_usage && u != r.end() && u->is_object())
    frame(nlohmann::json::array(), &*u);
  return out + "data: [DONE]\n\n";
}

void StreamAssembler::feed(std::string_view frames) {
  while (!frames.empty() && !uncacheable_) {
    const size_t end = frames.find("\n\n");
    std::string_view frame = frames.substr(0, end);
    frames.remove_prefix(end == std::string_view::npos ? frames.size() : end + 2);
    if (!frame.starts_with("data: ")) continue;
    frame.remove_prefix(6);
    if (frame == "[DONE]") continue;
    auto c = nlohmann::json::parse(frame, nullptr, false);
    if (!c.is_object()) continue;
    if (c.contains("error")) {  // a stream that failed midway is not a response
      uncacheable_ = true;
      return;
    }
    if (id_.empty()) {
      id_ = c.value("id", "");
      model_ = c.value("model", "");
      created_ = c.value("created", int64_t{0});
      text_ = c.value("object", "") == "text_completion";
      fingerprint_ = c.contains("system_fingerprint") && c["system_fingerprint"].is_string()
                         ? c["system_fingerprint"].get<std::string>()
                         : "";
    }
    if (auto u = c.find("usage"); u != c.end() && u->is_object()) usage_ = u->dump();
    for (const auto& ch : c.value("choices", nlohmann::json::array())) {
      const auto index = static_cast<size_t>(ch.value("index", int64_t{0}));
      if (index > 64) {
        uncacheable_ = true;
        return;
      }
      if (choices_.size() <= index) choices_.resize(index + 1);
      Choice& out = choices_[index];
      if (auto fr = ch.find("finish_reason"); fr != ch.end() && fr->is_string())
        out.finish_reason = fr->get<std::string>();
      if (text_) {
        if (auto t = ch.find("text"); t != ch.end() && t->is_string()) out.content += *t;
        continue;
      }
      auto d = ch.find("delta");
      if (d == ch.end() || !d->is_object()) continue;
      if (d->contains("tool_calls") || d->contains("function_call")) {
        uncacheable_ = true;
        return;
      }
      if (auto r = d->find("role"); r != d->end() && r->is_string()) out.role = *r;
      if (auto t = d->find("content"); t != d->end() && t->is_string()) out.content += *t;
      if (auto t = d->find("reasoning_content"); t != d->end() && t->is_string())
        out.reasoning += *t;
    }
  }
}

std::optional<std::string> StreamAssembler::result() const {
  if (uncacheable_ || id_.empty() || choices_.empty()) return std::nullopt;
  nlohmann::ordered_json r = {{"id", id_},
                              {"created", created_},
                              {"model", model_},
                              {"object", text_ ? "text_completion" : "chat.completion"}};
  if (!fingerprint_.empty()) r["system_fingerprint"] = fingerprint_;
  nlohmann::ordered_json choices = nlohmann::ordered_json::array();
  for (size_t i = 0; i < choices_.size(); ++i) {
    const Choice& c = choices_[i];
    if (!c.finish_reason) return std::nullopt;  // cut short
    nlohmann::ordered_json ch = {{"finish_reason", *c.finish_reason}, {"index", i}};
    if (text_) {
      ch["text"] = c.content;
    } else {
      nlohmann::ordered_json msg = {{"content", c.content}, {"role", c.role}};
      if (!c.reasoning.empty()) msg["reasoning_content"] = c.reasoning;
      ch["message"] = std::move(msg);
    }
    choices.push_back(std::move(ch));
  }
  r["choices"] = std::move(choices);
  if (!usage_.empty()) r["usage"] = nlohmann::ordered_json::parse(usage_, nullptr, false);
  return r.dump();
}

}  // namespace litellm::handlers
