// The pre-fork supervisor: owns the listening socket and the shared state, starts and watches the
// workers (exec'd copies of this binary), recycles and drains them, serves the health port.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace litellm::metrics {
class Host;
}

namespace litellm::supervisor {

struct Options {
  int num_workers = 1;
  std::vector<std::string> worker_argv;  // argv for each worker (argv[0] included)
  int listen_fd = -1;                    // inherited by every worker as fd 3
  int shm_fd = -1;                       // shared router state, fd 5 in workers (-1: none)
  metrics::Host* metrics = nullptr;      // host-wide metrics region, fd 6 in workers
  std::optional<long> max_requests;      // --max_requests_before_restart
  std::optional<long> max_requests_jitter;
  bool separate_health = false;  // SEPARATE_HEALTH_APP=1
  std::string health_host = "0.0.0.0";
  uint16_t health_port = 4001;          // SEPARATE_HEALTH_PORT
  std::string main_host = "127.0.0.1";  // where the workers listen (health checks forwarded)
  uint16_t main_port = 4000;
  double stop_wait_seconds = 3600;  // SUPERVISORD_STOPWAITSECS
  bool response_cache = false;      // readiness shows "cache": "redis"
  // SIGHUP: validate the config file again; false keeps the running workers.
  std::function<bool()> validate_config;
};

// Runs until SIGTERM/SIGINT; returns the process exit code.
int run(const Options& options);

// Worker side of the protocol (environment and file descriptors the supervisor sets up).
struct WorkerEnv {
  int listen_fd = -1;
  int control_fd = -1;
  int shm_fd = -1;
  int metrics_fd = -1;
  int metrics_column = 0;
  std::optional<long> max_requests;  // this worker's recycle threshold (jitter applied)
  int worker_id = 0;
};
std::optional<WorkerEnv> worker_env();
// Messages a worker sends on its control socket.
inline constexpr std::string_view kReady = "ready";
inline constexpr std::string_view kRecycle = "recycle";

}  // namespace litellm::supervisor
