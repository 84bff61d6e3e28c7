// Prometheus metrics with LiteLLM's names, kept host-wide: every process of the host (supervisor
// and workers) maps one shared region; each process adds to its own column of cells (one writer,
// no lock, no shared cache line on the request path) and a scrape sums the columns.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace litellm::config {
struct Config;
}

namespace litellm::metrics {

// Who asked: the labels LiteLLM puts on its request-level series. Empty means None.
struct RequestLabels {
  std::string_view end_user, hashed_api_key, api_key_alias, team, team_alias, user, requested_model;
};

// Which deployment answered (litellm_model_name, model_id, api_base, api_provider, model_group).
struct DeploymentLabels {
  std::string_view model, model_id, api_base, api_provider, model_group;
};

struct RequestDone {
  int status = 200;
  std::string_view exception_class;  // failures: "Openai.RateLimitError", "ProxyException", ...
  double total_seconds = 0;          // the whole request, as the client saw it
  double llm_seconds = -1;           // the provider call (< 0: none was made)
  double ttft_seconds = -1;          // streams: time to the first chunk
  int64_t prompt_tokens = 0, completion_tokens = 0;
  double spend = 0;
};

// A budget gauge update (key, team or user), from the key the request used.
struct Budget {
  enum class Owner { kKey, kTeam, kUser } owner = Owner::kKey;
  std::string_view id, alias;
  double spend = 0;
  std::optional<double> max_budget;
  std::optional<double> reset_at;  // unix seconds
};

// Per-process gauges a scrape adds up over the live processes.
struct ProcessStatus {
  int64_t in_flight = 0;
  int64_t db_pool_in_use = 0, db_pool_size = 0;
  int64_t spend_queue = 0;    // records accepted, not yet in the database
  int64_t journal_bytes = 0;  // spend journal on disk
  int64_t db_connected = -1;  // 1 / 0, -1 without a database
  int64_t redis_connected = -1;
};

// The supervisor's side: creates the region, hands each process a column, counts restarts.
class Host {
 public:
  // nullptr when shared memory is unavailable.
  static std::unique_ptr<Host> create();
  ~Host();
  int fd() const;
  // A free column for a new process (never one a live process still writes); -1 when none.
  int acquire_column(int pid);
  // The process behind `column` exited: its gauges stop counting, its counters stay.
  void release_column(int column);
  void set_workers(int up, int expected);
  void count_restart(bool crash);
  // Summary for the supervisor's readiness answer: any live worker's database status.
  int db_connected() const;
  // Any live worker connected to Redis: 1; workers with Redis, none connected: 0; no Redis: -1.
  int redis_connected() const;

 private:
  explicit Host(int fd, void* region);
  int any_connected(uint32_t value) const;
  int fd_;
  void* region_;
};

class Registry {
 public:
  // Maps the region behind `fd` and writes to `column`; fd < 0: a private region (one process).
  Registry(const config::Config& cfg, int fd, int column);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // `callbacks: ["prometheus"]` (or success_callback): request series are recorded and /metrics
  // is served. Process series are kept either way.
  bool enabled() const { return enabled_; }

  void request(const RequestLabels& r, const DeploymentLabels* d, const RequestDone& done);
  // One provider attempt (retries and fallbacks each count), for the litellm_deployment_* series.
  void attempt(const RequestLabels& r, const DeploymentLabels& d, int status,
               std::string_view exception_class, double seconds, int64_t completion_tokens);
  void cooled_down(const DeploymentLabels& d, int status);
  void fallback(const RequestLabels& r, std::string_view fallback_model, bool ok, int status,
                std::string_view exception_class);
  // x-ratelimit-remaining-requests / -tokens from the provider.
  void remaining(const RequestLabels& r, const DeploymentLabels& d, std::optional<double> requests,
                 std::optional<double> tokens);
  void budget(const Budget& b);
  void deployment_limits(const DeploymentLabels& d, std::optional<double> tpm,
                         std::optional<double> rpm);
  void alert(std::string_view alert_type, bool sent);  // false: dropped (queue full, send failed)
  // A Redis connection (use: "state" or "cache") went down or could not be made.
  void redis_outage(std::string_view use);
  void set_process(const ProcessStatus& s);

  // The Prometheus text exposition of the whole host.
  std::string render() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  bool enabled_ = false;
};

}  // namespace litellm::metrics
