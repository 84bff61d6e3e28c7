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
#include "litellm/router/router.hpp"

namespace boost::asio {
class io_context;
}

namespace litellm::db {
class Store;
struct KeyInfo;
}  // namespace litellm::db

namespace litellm::handlers {

struct GatewayOptions {
  size_t max_upstream_response_bytes = 256u << 20;
  bool verify_tls = true;
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
  // Starts background work: DB-stored models (store_model_in_db) joining the router.
  void start();
  struct Caller;  // who is calling: identity and, for virtual keys, the key (handlers/caller.hpp)

 private:
  boost::asio::awaitable<void> handle_llm(const HttpRequest& req, ResponseWriter& out,
                                          providers::Endpoint endpoint, std::string_view path_model,
                                          Caller& caller);
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
  std::string models_body() const;
  std::string model_info_body() const;
  std::string readiness_body() const;

  boost::asio::io_context& ioc_;
  config::ConfigPtr config_;
  // Replaced when DB-stored models change; a request keeps the router it started with.
  std::shared_ptr<router::Router> router_;
  auth::Authenticator auth_;
  net::Client client_;
  GatewayOptions options_;
  std::unique_ptr<db::Store> store_;
  int64_t key_epoch_ = 0;
  size_t in_flight_ = 0;
  uint64_t served_ = 0;
};

}  // namespace litellm::handlers
