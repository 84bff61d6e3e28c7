// The application: routes a request to its handler (one file per endpoint family).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <memory>

#include "litellm/auth/auth.hpp"
#include "litellm/config/config.hpp"
#include "litellm/handlers/exchange.hpp"
#include "litellm/net/client.hpp"
#include "litellm/providers/provider.hpp"
#include "litellm/redis/settings.hpp"
#include "litellm/router/router.hpp"

namespace boost::asio {
class io_context;
}

namespace litellm::db {
class Store;
struct KeyInfo;
}  // namespace litellm::db
namespace litellm::metrics {
class Registry;
struct RequestLabels;
}  // namespace litellm::metrics
namespace litellm::alerting {
class Alerter;
}

namespace litellm::handlers {

class ResponseCache;

struct GatewayOptions {
  size_t max_upstream_response_bytes = 256u << 20;
  bool verify_tls = true;
  int metrics_fd = -1;     // the host's metrics region (-1: this process's own)
  int metrics_column = 0;  // this process's column in it
  // Redis (when configured): the connection the fleet state uses, and the response cache's.
  std::shared_ptr<redis::Client> redis;
  std::shared_ptr<redis::Client> cache_redis;
  std::optional<redis::CacheSettings> cache;
};

class Gateway final : public RequestHandler {
 public:
  Gateway(boost::asio::io_context& ioc, config::ConfigPtr config,
          std::unique_ptr<router::Router> router, GatewayOptions options = {},
          std::unique_ptr<db::Store> store = nullptr);
  ~Gateway();

  boost::asio::awaitable<void> handle(const HttpRequest& req, ResponseWriter& out) override;
  // Requests currently being handled (for graceful drain).
  size_t in_flight() const { return in_flight_; }
  uint64_t served() const { return served_; }
  const config::Config& config() const { return *config_; }
  db::Store* store() { return store_.get(); }
  // Starts background work: DB-stored models (store_model_in_db) joining the router, background
  // health checks, the daily report.
  void start();
  // Writes this worker's gauges (in flight, DB pool, spend queue) to the host's metrics region.
  void publish_status();
  struct Caller;  // who is calling: identity and, for virtual keys, the key (handlers/caller.hpp)

 private:
  boost::asio::awaitable<void> handle_llm(const HttpRequest& req, ResponseWriter& out,
                                          providers::Endpoint endpoint, std::string_view path_model,
                                          Caller& caller);
  // A response from the response cache (handlers/llm.cpp).
  boost::asio::awaitable<void> answer_from_cache(ResponseWriter& out, HeaderBlock& headers,
                                                 Caller& caller, const struct CallContext& ctx,
                                                 const metrics::RequestLabels& labels,
                                                 const std::string& key, std::string body,
                                                 std::chrono::steady_clock::time_point started,
                                                 double started_unix);
  // A virtual key: looked up (cache, else database) and checked (blocked, expired, budgets).
  boost::asio::awaitable<Status> resolve_key(Caller& caller, bool llm_route);
  // Per-request checks that need the body: model access, rpm/tpm/parallel limits.
  Status admit(Caller& caller, const std::string& model);
  void release(Caller& caller);
  // Output tokens of a finished request, for tpm limits.
  void on_tokens(Caller& caller, const providers::Usage& usage);
  static bool is_management_route(std::string_view path);
  boost::asio::awaitable<void> handle_management(const HttpRequest& req, ResponseWriter& out,
                                                 const auth::Identity& who);
  // Management events for alerting (new_virtual_key_created, team_updated, ...).
  void announce(const HttpRequest& req, const auth::Identity& who);
  // Tells every worker of the host to drop its cached keys (after a key/user/team change).
  void bump_key_epoch();
  // DB-stored models (handlers/models.cpp).
  bool models_in_db() const;
  boost::asio::awaitable<void> handle_model_admin(const HttpRequest& req, ResponseWriter& out,
                                                  const auth::Identity& who);
  boost::asio::awaitable<Status> reload_models(bool force);
  void schedule_model_poll();
  std::string db_models_digest_;
  int64_t models_epoch_ = 0;
  std::chrono::steady_clock::time_point models_loaded_at_{};
  struct ModelTimer;
  std::shared_ptr<ModelTimer>
      model_timer_;  // shared_ptr: ModelTimer is complete only in models.cpp
  boost::asio::awaitable<void> send_error(ResponseWriter& out, const Error& e,
                                          const HeaderBlock& extra);
  boost::asio::awaitable<void> handle_health(const HttpRequest& req, ResponseWriter& out);
  // One pass of model checks (health.cpp): {healthy_endpoints, unhealthy_endpoints, counts}.
  boost::asio::awaitable<std::string> run_health_checks(const HttpRequest& req,
                                                        std::string only_model,
                                                        std::string only_id);
  void schedule_background_health(std::chrono::milliseconds after);
  boost::asio::awaitable<void> handle_readiness(ResponseWriter& out, HeaderBlock base);
  boost::asio::awaitable<void> handle_metrics(const HttpRequest& req, ResponseWriter& out,
                                              HeaderBlock base);
  void schedule_daily_report();
  void start_background();
  void stop_background();
  std::string models_body() const;
  std::string model_info_body() const;

  boost::asio::io_context& ioc_;
  config::ConfigPtr config_;
  // Replaced when DB-stored models change; a request keeps the router it started with.
  std::shared_ptr<router::Router> router_;
  auth::Authenticator auth_;
  net::Client client_;
  GatewayOptions options_;
  std::unique_ptr<db::Store> store_;
  std::shared_ptr<state::RouterState> state_;  // the router's (kept across router rebuilds)
  std::unique_ptr<metrics::Registry> metrics_;
  std::unique_ptr<alerting::Alerter> alerter_;
  std::unique_ptr<ResponseCache> cache_;
  struct Background;  // health-check and report timers, readiness cache (health.cpp)
  std::shared_ptr<Background> background_;
  int64_t key_epoch_ = 0;
  size_t in_flight_ = 0;
  uint64_t served_ = 0;
};

}  // namespace litellm::handlers
