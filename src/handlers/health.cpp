// Health and telemetry routes: GET /health (a real call to every deployment, or the background
// checks' last results), /health/readiness (database ping cached as LiteLLM does), /metrics, and
// the background jobs behind them (health checks, the daily report, process gauges).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "cache.hpp"
#include "caller.hpp"
#include "litellm/alerting/alerting.hpp"
#include "litellm/db/pg.hpp"
#include "litellm/db/store.hpp"
#include "litellm/handlers/gateway.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/metrics/metrics.hpp"
#include "litellm/redis/client.hpp"
#include "litellm/version.hpp"
#include "llm_call.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Gateway::Background {
  explicit Background(asio::io_context& ioc) : health_timer(ioc), report_timer(ioc) {}
  asio::steady_timer health_timer, report_timer;
  std::string last_health;  // background_health_checks: the last pass's body
  bool health_running = false;
  // Readiness: the last database ping, reused for 15 s while it says connected.
  std::string db_status = "unknown";
  Clock::time_point db_checked{};
};

asio::awaitable<std::string> Gateway::run_health_checks(const HttpRequest& req,
                                                        std::string only_model,
                                                        std::string only_id) {
  const bool details = config_->general_settings.raw.value("health_check_details", true);
  nlohmann::ordered_json healthy = nlohmann::ordered_json::array(),
                         unhealthy = nlohmann::ordered_json::array();
  const auto router = router_;
  for (const auto& d : router->deployments()) {
    const auto& c = *d.config;
    if (!only_model.empty() && c.model_name != only_model && c.params.model != only_model) continue;
    if (!only_id.empty() && c.info.id != only_id) continue;
    if (c.wildcard) continue;  // no concrete model to call
    const bool embedding = c.info.mode == "embedding";
    const std::string body =
        embedding ? R"({"model":"x","input":["test"]})"
                  : R"({"model":"x","messages":[{"role":"user","content":"ping"}],"max_tokens":1})";
    HttpRequest probe = req;
    probe.body = body;
    CallContext ctx;
    ctx.req = &probe;
    ctx.endpoint = embedding ? providers::Endpoint::kEmbedding : providers::Endpoint::kChat;
    std::string err;
    json::scan_object(body, ctx.members, err);
    ctx.requested_model = c.info.id;
    ctx.request_num_retries = 0;
    ctx.disable_fallbacks = true;
    ctx.track = false;
    double timeout = c.info.raw.value("health_check_timeout", 60.0);
    ctx.deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000));
    LlmCall call(*config_, *router, client_, options_.max_upstream_response_bytes, ctx);
    Outcome o;
    auto result = co_await call.run(o);
    if (result && o.exchange) o.exchange->abandon();
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    if (details) {
      entry = d.config->raw_params;
      for (const char* secret :
           {"api_key", "aws_secret_access_key", "aws_access_key_id", "vertex_credentials"})
        entry.erase(secret);
    } else {
      entry["model"] = c.params.model;
    }
    entry["model_id"] = c.info.id;
    if (result) {
      healthy.push_back(entry);
    } else {
      if (details) entry["error"] = result.error().message;
      unhealthy.push_back(entry);
    }
  }
  nlohmann::ordered_json j = {{"healthy_endpoints", healthy},
                              {"unhealthy_endpoints", unhealthy},
                              {"healthy_count", healthy.size()},
                              {"unhealthy_count", unhealthy.size()}};
  co_return j.dump();
}

asio::awaitable<void> Gateway::handle_health(const HttpRequest& req, ResponseWriter& out) {
  const std::string only_model = query_param(req.query, "model");
  const std::string only_id = query_param(req.query, "model_id");
  HeaderBlock h;
  h.add("content-type", "application/json");
  // background_health_checks: the last pass's results (LiteLLM answers from its cache; a
  // filtered request still runs its own checks).
  if (config_->general_settings.background_health_checks && only_model.empty() && only_id.empty() &&
      background_ && !background_->last_health.empty()) {
    co_await out.send(200, h.str(), background_->last_health);
    co_return;
  }
  auto body = co_await run_health_checks(req, only_model, only_id);
  co_await out.send(200, h.str(), body);
}

void Gateway::schedule_background_health(std::chrono::milliseconds after) {
  auto bg = background_;
  bg->health_timer.expires_after(after);
  bg->health_timer.async_wait([this, bg](const boost::system::error_code& ec) {
    if (ec || bg->health_running) return;
    bg->health_running = true;
    asio::co_spawn(
        ioc_,
        [this, bg]() -> asio::awaitable<void> {
          HttpRequest none;
          none.method = "GET";
          none.path = "/health";
          auto body = co_await run_health_checks(none, "", "");
          bg->last_health = std::move(body);
          bg->health_running = false;
          const double interval = config_->general_settings.health_check_interval;
          schedule_background_health(
              std::chrono::milliseconds(static_cast<int64_t>(std::max(1.0, interval) * 1000)));
        },
        asio::detached);
  });
}

void Gateway::schedule_daily_report() {
  auto bg = background_;
  const double every = alerter_->settings().report_check_interval;
  bg->report_timer.expires_after(
      std::chrono::milliseconds(static_cast<int64_t>(std::max(1.0, every) * 1000)));
  bg->report_timer.async_wait([this, bg](const boost::system::error_code& ec) {
    if (ec) return;
    std::vector<alerting::Deployment> deps;
    for (const auto& d : router_->deployments())
      deps.push_back({d.config->info.id, d.config->model_name, d.provider_model, d.api_base,
                      d.provider->info().name});
    alerter_->daily_report(deps);
    schedule_daily_report();
  });
}

void Gateway::start_background() {
  background_ = std::make_shared<Background>(ioc_);
  if (config_->general_settings.background_health_checks) schedule_background_health({});
  if (alerter_->wants("daily_reports")) schedule_daily_report();
  // Deployment limits are known from the config: set once.
  for (const auto& d : router_->deployments()) {
    const auto& p = d.config->params;
    if (p.tpm || p.rpm)
      metrics_->deployment_limits({d.provider_model, d.config->info.id, d.api_base,
                                   d.provider->info().name, d.config->model_name},
                                  p.tpm, p.rpm);
  }
}

void Gateway::stop_background() {
  if (!background_) return;
  background_->health_timer.cancel();
  background_->report_timer.cancel();
}

void Gateway::publish_status() {
  metrics::ProcessStatus s;
  s.in_flight = static_cast<int64_t>(in_flight_);
  if (store_) {
    s.db_pool_in_use = static_cast<int64_t>(store_->pool().in_use());
    s.db_pool_size = static_cast<int64_t>(store_->pool().open_connections());
    s.spend_queue = static_cast<int64_t>(store_->queued_records());
    s.journal_bytes = static_cast<int64_t>(store_->journal_bytes());
    s.db_connected = store_->db_reachable() ? 1 : 0;
  }
  if (options_.redis) s.redis_connected = options_.redis->connected() ? 1 : 0;
  metrics_->set_process(s);
}

asio::awaitable<void> Gateway::handle_readiness(ResponseWriter& out, HeaderBlock base) {
  std::string db = "Not connected";
  bool ready = true;
  if (store_) {
    auto bg = background_;
    const bool fresh =
        bg->db_status == "connected" && Clock::now() - bg->db_checked < std::chrono::seconds(15);
    if (!fresh) {
      auto r = co_await store_->pool().query("SELECT 1");
      bg->db_status = r ? "connected" : "disconnected";
      bg->db_checked = Clock::now();
      if (!r && alerter_) alerter_->db_exception(r.error().message);
    }
    db = bg->db_status;
    ready = db == "connected" || config_->general_settings.allow_requests_on_db_unavailable;
  }
  nlohmann::ordered_json callbacks = nlohmann::ordered_json::array();
  for (const auto* list :
       {&config_->litellm_settings.success_callback, &config_->litellm_settings.callbacks})
    for (const auto& c : *list) callbacks.push_back(c);
  nlohmann::ordered_json j = {
      {"status", ready ? "healthy" : "unhealthy"},
      {"db", db},
      {"cache", cache_ ? nlohmann::ordered_json("redis") : nlohmann::ordered_json(nullptr)},
      {"litellm_version", kVersion},
      {"success_callbacks", callbacks},
      {"use_aiohttp_transport", false},
      {"log_level", logging::level_name(logging::proxy().level())},
      {"is_detailed_debug", logging::proxy().level() <= spdlog::level::debug}};
  // Ours: Redis is shared state, not a dependency; requests go on without it, so it never makes
  // readiness fail.
  if (options_.redis) j["redis"] = options_.redis->connected() ? "connected" : "disconnected";
  base.add("content-type", "application/json");
  co_await out.send(ready ? 200 : 503, base.str(), j.dump());
}

asio::awaitable<void> Gateway::handle_metrics(const HttpRequest& req, ResponseWriter& out,
                                              HeaderBlock base) {
  // LiteLLM mounts /metrics only with the prometheus callback; its auth is opt-in.
  if (!metrics_->enabled()) {
    co_await send_error(out,
                        Error::make(ErrorKind::kProxyNotFound, 404, "Not Found: /metrics",
                                    "not_found_error", "None"),
                        base);
    co_return;
  }
  if (config_->litellm_settings.raw.value("require_auth_for_metrics_endpoint", false)) {
    auto who = auth_.authenticate(req.headers);
    if (!who) {
      co_await send_error(out, who.error(), base);
      co_return;
    }
    if (who->role == auth::Role::kVirtualKey) {
      Caller caller;
      caller.who = std::move(*who);
      if (auto st = co_await resolve_key(caller, false); !st) {
        co_await send_error(out, st.error(), base);
        co_return;
      }
    }
  }
  publish_status();
  base.add("content-type", "text/plain; version=0.0.4; charset=utf-8");
  co_await out.send(200, base.str(), metrics_->render());
}

}  // namespace litellm::handlers
