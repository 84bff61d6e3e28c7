// The separate health app the supervisor serves (SEPARATE_HEALTH_APP=1): liveness always,
// readiness from the workers' state.
#pragma once

#include <functional>

#include "litellm/handlers/exchange.hpp"

namespace litellm::supervisor {

struct WorkerCounts {
  int ready = 0;
  int expected = 0;
  bool shutting_down = false;
};

class HealthApp final : public handlers::RequestHandler {
 public:
  explicit HealthApp(std::function<WorkerCounts()> counts) : counts_(std::move(counts)) {}
  boost::asio::awaitable<void> handle(const handlers::HttpRequest& req,
                                      handlers::ResponseWriter& out) override;

 private:
  std::function<WorkerCounts()> counts_;
};

}  // namespace litellm::supervisor
