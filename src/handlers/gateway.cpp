// Route dispatch, auth, and the small JSON endpoints (models, health).
#include "litellm/handlers/gateway.hpp"

#include <nlohmann/json.hpp>

#include "cache.hpp"
#include "caller.hpp"
#include "litellm/alerting/alerting.hpp"
#include "litellm/common/crypto.hpp"
#include "litellm/db/store.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/metrics/metrics.hpp"
#include "litellm/redis/client.hpp"
#include "litellm/version.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;
using Endpoint = providers::Endpoint;

namespace {

struct Route {
  std::string_view path;
  Endpoint endpoint;
};
constexpr Route kLlmRoutes[] = {
    {"/chat/completions", Endpoint::kChat},  {"/v1/chat/completions", Endpoint::kChat},
    {"/completions", Endpoint::kCompletion}, {"/v1/completions", Endpoint::kCompletion},
    {"/embeddings", Endpoint::kEmbedding},   {"/v1/embeddings", Endpoint::kEmbedding},
};

// /openai/deployments/{model}/chat/completions and /engines/{model}/... (model from the path).
bool match_model_path(std::string_view path, std::string_view& model, Endpoint& ep) {
  std::string_view rest;
  if (path.starts_with("/openai/deployments/"))
    rest = path.substr(20);
  else if (path.starts_with("/engines/"))
    rest = path.substr(9);
  else if (path.starts_with("/v1/engines/"))
    rest = path.substr(12);
  else
    return false;
  for (auto [suffix, e] : {std::pair{std::string_view("/chat/completions"), Endpoint::kChat},
                           std::pair{std::string_view("/completions"), Endpoint::kCompletion},
                           std::pair{std::string_view("/embeddings"), Endpoint::kEmbedding}}) {
    if (rest.size() > suffix.size() && rest.ends_with(suffix)) {
      model = rest.substr(0, rest.size() - suffix.size());
      ep = e;
      return true;
    }
  }
  return false;
}

struct Counter {
  size_t& n;
  explicit Counter(size_t& c) : n(c) { ++n; }
  ~Counter() { --n; }
};

}  // namespace

Gateway::Gateway(asio::io_context& ioc, config::ConfigPtr config,
                 std::unique_ptr<router::Router> router, GatewayOptions options,
                 std::unique_ptr<db::Store> store)
    : ioc_(ioc),
      config_(std::move(config)),
      router_(std::move(router)),
      auth_(config_->general_settings.master_key ? config_->general_settings.master_key
                                                 : env("LITELLM_MASTER_KEY"),
            config_->general_settings.litellm_key_header_name),
      client_(ioc, net::Client::Options{options.verify_tls, 64, std::chrono::seconds(60), true}),
      options_(options),
      store_(std::move(store)),
      state_(router_->shared_state()),
      metrics_(std::make_unique<metrics::Registry>(*config_, options.metrics_fd,
                                                   options.metrics_column)),
      alerter_(std::make_unique<alerting::Alerter>(ioc, alerting::settings_from(*config_), client_,
                                                   metrics_.get(), state_.get())) {
  if (options_.cache && options_.cache_redis)
    cache_ = std::make_unique<ResponseCache>(*options_.cache, options_.cache_redis);
  // Every Redis outage is counted once (the client logs it once).
  auto count_outages = [m = metrics_.get()](redis::Client& c, std::string_view use) {
    c.on_state_change([m, use](bool up, std::string_view) {
      if (!up) m->redis_outage(use);
    });
  };
  if (options_.redis) count_outages(*options_.redis, "state");
  if (options_.cache_redis && options_.cache_redis != options_.redis)
    count_outages(*options_.cache_redis, "cache");
  start_background();
  if (store_)
    store_->on_failure([a = alerter_.get()](bool tracking, const std::string& error) {
      if (tracking)
        a->failed_tracking(error);
      else
        a->db_exception(error);
    });
}

Gateway::~Gateway() { stop_background(); }

asio::awaitable<void> Gateway::send_error(ResponseWriter& out, const Error& e,
                                          const HeaderBlock& extra) {
  HeaderBlock h = extra;
  h.add("content-type", "application/json");
  for (const auto& [k, v] : e.headers) h.add(k, v);
  co_await out.send(e.status, h.str(), render_error_body(e));
}

asio::awaitable<void> Gateway::handle(const HttpRequest& req, ResponseWriter& out) {
  Counter active(in_flight_);
  ++served_;
  const std::string_view path = req.path;
  HeaderBlock base;
  base.add("x-litellm-version", kVersion);

  if (req.method == "GET" || req.method == "HEAD") {
    if (path == "/health/liveliness" || path == "/health/liveness") {
      base.add("content-type", "application/json");
      co_await out.send(200, base.str(), "\"I'm alive!\"");
      co_return;
    }
    if (path == "/health/readiness") {
      co_await handle_readiness(out, base);
      co_return;
    }
    if (path == "/metrics" || path == "/metrics/") {
      co_await handle_metrics(req, out, base);
      co_return;
    }
    if (path == "/test") {
      base.add("content-type", "application/json");
      co_await out.send(200, base.str(), R"({"route": "/test"})");
      co_return;
    }
  }
  if (req.method == "OPTIONS" && path.starts_with("/health/")) {
    base.add("allow", "GET, OPTIONS");
    base.add("access-control-allow-methods", "GET, OPTIONS");
    base.add("access-control-allow-headers", "*");
    co_await out.send(200, base.str(), "");
    co_return;
  }

  std::string_view path_model;
  Endpoint endpoint = Endpoint::kChat;
  bool is_llm = match_model_path(path, path_model, endpoint);
  for (const auto& r : kLlmRoutes) {
    if (path == r.path) {
      is_llm = true;
      endpoint = r.endpoint;
    }
  }
  bool is_get_route = path == "/models" || path == "/v1/models" || path == "/model/info" ||
                      path == "/v1/model/info" || path == "/" || path == "/routes" ||
                      path == "/health" || path == "/health/backlog";
  const bool is_mgmt = !is_llm && is_management_route(path);
  if (!is_llm && !is_get_route && !is_mgmt) {
    co_await send_error(out,
                        Error::make(ErrorKind::kProxyNotFound, 404,
                                    "Not Found: " + std::string(path), "not_found_error", "None"),
                        base);
    co_return;
  }
  if ((is_llm && req.method != "POST") || (is_get_route && req.method != "GET")) {
    co_await send_error(out,
                        Error::make(ErrorKind::kProxyBadRequest, 405, "Method Not Allowed",
                                    "bad_request_error", "None"),
                        base);
    co_return;
  }
  if (path == "/") {
    base.add("content-type", "application/json");
    co_await out.send(200, base.str(),
                      R"({"message": "litellm-cpp: LiteLLM-compatible proxy. See /v1/models."})");
    co_return;
  }

  auto who = auth_.authenticate(req.headers);
  if (!who) {
    LOG_INFO("auth failed for {} {}: {}", req.method, path, who.error().message);
    co_await send_error(out, who.error(), base);
    co_return;
  }
  Caller caller;
  caller.who = std::move(*who);
  if (auth_.open()) caller.who.user_role = "proxy_admin";  // no master key: no auth at all
  if (caller.who.role == auth::Role::kVirtualKey) {
    if (auto st = co_await resolve_key(caller, is_llm); !st) {
      LOG_INFO("key refused for {} {}: {}", req.method, path, st.error().message);
      co_await send_error(out, st.error(), base);
      co_return;
    }
  }
  struct Release {
    Gateway& g;
    Caller& c;
    ~Release() { g.release(c); }
  } release_on_exit{*this, caller};

  if (is_mgmt) {
    co_await handle_management(req, out, caller.who);
    co_return;
  }
  if (is_llm) {
    co_await handle_llm(req, out, endpoint, path_model, caller);
    co_return;
  }
  if (path == "/health") {
    co_await handle_health(req, out);
    co_return;
  }
  if (path == "/health/backlog") {  // LiteLLM: this worker's in-flight requests
    base.add("content-type", "application/json");
    co_await out.send(200, base.str(),
                      "{\"in_flight_requests\": " + std::to_string(in_flight_) + "}");
    co_return;
  }
  base.add("content-type", "application/json");
  if (path == "/models" || path == "/v1/models") {
    co_await out.send(200, base.str(), models_body());
  } else if (path == "/routes") {
    co_await out.send(200, base.str(),
                      R"({"routes": [)"
                      R"("/chat/completions", "/v1/chat/completions", "/completions", )"
                      R"("/v1/completions", "/embeddings", "/v1/embeddings", "/models", )"
                      R"("/v1/models", "/model/info", "/v1/model/info", "/health/liveliness", )"
                      R"("/health/liveness", "/health/readiness"]})");
  } else {
    co_await out.send(200, base.str(), model_info_body());
  }
}

std::string Gateway::models_body() const {
  nlohmann::ordered_json data = nlohmann::ordered_json::array();
  for (const auto& name : router_->model_names())
    data.push_back(
        {{"id", name}, {"object", "model"}, {"created", 1677610602}, {"owned_by", "openai"}});
  return nlohmann::ordered_json{{"data", data}, {"object", "list"}}.dump();
}

std::string Gateway::model_info_body() const {
  nlohmann::ordered_json data = nlohmann::ordered_json::array();
  for (const auto& d : router_->deployments()) {
    auto params = d.config->raw_params;
    for (const char* secret :
         {"api_key", "aws_secret_access_key", "aws_access_key_id", "vertex_credentials"})
      params.erase(secret);
    auto info = d.config->info.raw;
    info["id"] = d.config->info.id;
    info["db_model"] = d.config->info.raw.value("db_model", false);
    if (!info.contains("mode")) info["mode"] = d.config->info.mode;
    info["litellm_provider"] = d.provider->info().name;
    data.push_back(
        {{"model_name", d.config->model_name}, {"litellm_params", params}, {"model_info", info}});
  }
  return nlohmann::ordered_json{{"data", data}}.dump();
}

}  // namespace litellm::handlers
