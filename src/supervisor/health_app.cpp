// Health routes answered by the supervisor itself, so probes never queue behind busy workers.
#include "health_app.hpp"

#include <nlohmann/json.hpp>

#include "litellm/common/error.hpp"
#include "litellm/version.hpp"

namespace litellm::supervisor {

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
  h.add("content-type", "application/json");
  if (req.path == "/health/liveliness" || req.path == "/health/liveness") {
    co_await out.send(200, h.str(), "\"I'm alive!\"");
    co_return;
  }
  if (req.path == "/health/readiness") {
    WorkerCounts c = counts_();
    const bool ready = c.ready > 0 && !c.shutting_down;
    nlohmann::ordered_json j = {{"status", ready ? "healthy" : "unhealthy"},
                                {"db", "Not connected"},
                                {"cache", nullptr},
                                {"litellm_version", kVersion},
                                {"workers", {{"ready", c.ready}, {"expected", c.expected}}},
                                {"shutting_down", c.shutting_down}};
    co_await out.send(ready ? 200 : 503, h.str(), j.dump());
    co_return;
  }
  Error e = Error::make(ErrorKind::kProxyNotFound, 404, "Not Found: " + std::string(req.path),
                        "not_found_error", "None");
  co_await out.send(404, h.str(), render_error_body(e));
}

}  // namespace litellm::supervisor
