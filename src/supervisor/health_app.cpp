// Health routes answered by the supervisor itself, so probes never queue behind busy workers;
// the model checks (which call providers anyway) are forwarded to a worker.
#include "health_app.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "litellm/common/error.hpp"
#include "litellm/net/client.hpp"
#include "litellm/version.hpp"

namespace litellm::supervisor {

HealthApp::HealthApp(boost::asio::io_context& ioc, std::function<WorkerCounts()> counts,
                     std::string main_host, uint16_t main_port)
    : counts_(std::move(counts)),
      main_host_(std::move(main_host)),
      main_port_(main_port),
      client_(std::make_unique<net::Client>(
          ioc, net::Client::Options{false, 4, std::chrono::seconds(30)})) {}

HealthApp::~HealthApp() = default;

boost::asio::awaitable<void> HealthApp::handle(const handlers::HttpRequest& req,
                                               handlers::ResponseWriter& out) {
  handlers::HeaderBlock h;
  h.add("x-litellm-version", kVersion);
  if (req.method == "OPTIONS" && req.path.starts_with("/health/")) {
    h.add("allow", "GET, OPTIONS");
    h.add("access-control-allow-methods", "GET, OPTIONS");
    h.add("access-control-allow-headers", "*");
    co_await out.send(200, h.str(), "");
    co_return;
  }
  if (req.path == "/health/liveliness" || req.path == "/health/liveness") {
    h.add("content-type", "application/json");
    co_await out.send(200, h.str(), "\"I'm alive!\"");
    co_return;
  }
  if (req.path == "/health/readiness") {
    WorkerCounts c = counts_();
    const bool ready = c.ready > 0 && !c.shutting_down && c.db != 0;
    nlohmann::ordered_json j = {
        {"status", ready ? "healthy" : "unhealthy"},
        {"db", c.db < 0 ? "Not connected"
               : c.db   ? "connected"
                        : "disconnected"},
        {"cache", c.cache ? nlohmann::ordered_json("redis") : nlohmann::ordered_json(nullptr)},
        {"litellm_version", kVersion},
        {"workers", {{"ready", c.ready}, {"expected", c.expected}}},
        {"shutting_down", c.shutting_down}};
    if (c.redis >= 0) j["redis"] = c.redis ? "connected" : "disconnected";
    h.add("content-type", "application/json");
    co_await out.send(ready ? 200 : 503, h.str(), j.dump());
    co_return;
  }
  if (req.method == "GET" && (req.path == "/health" || req.path == "/health/backlog")) {
    // Forwarded with the caller's credentials; the worker answers as on the main port.
    net::Request fwd;
    fwd.method = "GET";
    fwd.url.host = main_host_;
    fwd.url.port = std::to_string(main_port_);
    fwd.url.origin = net::url_origin(false, fwd.url.host, fwd.url.port);
    fwd.url.path = std::string(req.path) + (req.query.empty() ? "" : "?" + std::string(req.query));
    for (const auto& [k, v] : req.headers)
      if (!iequals(k, "host") && !iequals(k, "content-length") && !iequals(k, "connection"))
        fwd.headers.emplace_back(std::string(k), std::string(v));
    net::Deadline d;
    d.total = net::Clock::now() + std::chrono::seconds(600);
    d.connect = std::chrono::milliseconds(5000);
    d.idle = std::chrono::milliseconds(600000);
    auto ex = client_->exchange();
    std::optional<Error> failure;
    if (auto st = co_await ex->start(fwd, d); !st) {
      failure = st.error();
    } else if (auto body = co_await ex->read_all(16u << 20); !body) {
      failure = body.error();
    } else {
      for (const auto& [k, v] : ex->headers())
        if (iequals(k, "content-type")) h.add("content-type", v);
      co_await out.send(ex->status(), h.str(), *body);
      co_return;
    }
    h.add("content-type", "application/json");
    Error e =
        Error::make(ErrorKind::kServiceUnavailable, 503,
                    "no worker answered the health check: " + failure->message, "None", "None");
    co_await out.send(503, h.str(), render_error_body(e));
    co_return;
  }
  h.add("content-type", "application/json");
  Error e = Error::make(ErrorKind::kProxyNotFound, 404, "Not Found: " + std::string(req.path),
                        "not_found_error", "None");
  co_await out.send(404, h.str(), render_error_body(e));
}

}  // namespace litellm::supervisor
