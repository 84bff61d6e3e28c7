// The separate health app the supervisor serves (SEPARATE_HEALTH_APP=1): liveness always,
// readiness from the workers' state (and their database status), model checks and the backlog
// forwarded to a worker.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "litellm/handlers/exchange.hpp"

namespace boost::asio {
class io_context;
}
namespace litellm::net {
class Client;
}

namespace litellm::supervisor {

struct WorkerCounts {
  int ready = 0;
  int expected = 0;
  bool shutting_down = false;
  int db = -1;     // -1: no database; 0: a worker's last call failed; 1: connected
  int redis = -1;  // -1: no Redis; 0: no worker connected; 1: connected
  bool cache = false;
};

class HealthApp final : public handlers::RequestHandler {
 public:
  // `main_host`/`main_port`: where GET /health and /health/backlog are forwarded (the workers).
  HealthApp(boost::asio::io_context& ioc, std::function<WorkerCounts()> counts,
            std::string main_host, uint16_t main_port);
  ~HealthApp() override;
  boost::asio::awaitable<void> handle(const handlers::HttpRequest& req,
                                      handlers::ResponseWriter& out) override;

 private:
  std::function<WorkerCounts()> counts_;
  std::string main_host_;
  uint16_t main_port_;
  std::unique_ptr<net::Client> client_;
};

}  // namespace litellm::supervisor
