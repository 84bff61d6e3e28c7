// A worker's view of the database: virtual keys (cached), the spend journal and its batched
// writer. Everything here runs on the worker's loop; database calls are asynchronous.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "litellm/common/error.hpp"
#include "litellm/config/config.hpp"
#include "litellm/db/pg.hpp"
#include "litellm/db/schema.hpp"

namespace boost::asio {
class io_context;
}

namespace litellm::db {

// A virtual key with what its checks need (the key row, its team, its user, its budget row).
struct KeyInfo {
  std::string token;  // SHA-256 of the key
  std::string key_alias, key_name, user_id, team_id, org_id, team_alias, user_role;
  bool blocked = false;
  std::optional<double> expires;          // unix seconds
  std::optional<double> budget_reset_at;  // unix seconds; past it the budget period is over
  std::vector<std::string> models;
  double spend = 0;
  std::optional<double> max_budget;
  std::optional<int64_t> rpm_limit, tpm_limit, max_parallel_requests;
  bool has_team = false, team_blocked = false;
  std::vector<std::string> team_models;
  double team_spend = 0;
  std::optional<double> team_max_budget;
  std::optional<int64_t> team_rpm_limit, team_tpm_limit, team_max_parallel_requests;
  bool has_user = false;
  double user_spend = 0;
  std::optional<double> user_max_budget;
  std::optional<int64_t> user_rpm_limit, user_tpm_limit, user_max_parallel_requests;
  std::chrono::steady_clock::time_point loaded;
};
using KeyPtr = std::shared_ptr<KeyInfo>;

// One request's spend record: a LiteLLM_SpendLogs row plus what the increments need.
struct SpendRecord {
  std::string request_id;
  std::string call_type;  // acompletion, aembedding, atext_completion
  std::string api_key;    // hashed
  double spend = 0;
  int64_t prompt_tokens = 0, completion_tokens = 0, total_tokens = 0;
  double start_time = 0, end_time = 0, completion_start_time = 0;  // unix seconds
  std::string model, model_id, model_group, custom_llm_provider, api_base;
  std::string user, team_id, org_id, end_user, key_alias, team_alias;
  std::string endpoint;
  std::string session_id;
  std::vector<std::string> tags;  // request_tags: metadata.tags and x-litellm-tags
  bool success = true;
  bool cache_hit = false;  // answered from the response cache (no upstream call, no spend)
  std::string cache_key;   // empty: "Cache OFF"
  // Failures (LiteLLM_ErrorLogs unless disable_error_logs).
  std::string exception_type, exception_string, status_code;
};

// Where spend records wait when several instances share one database
// (general_settings.use_redis_transaction_buffer): every instance hands its journal batches to
// the buffer and one writer, elected through it, writes them. Writing a batch twice is harmless
// (a record is counted only when its spend log row is new), so a writer that dies mid-batch
// loses nothing and counts nothing twice: the next writer takes the batch again.
class SpendBuffer {
 public:
  virtual ~SpendBuffer() = default;
  // Hands journal lines to the buffer; false when not taken (the caller writes them itself).
  virtual boost::asio::awaitable<bool> push(std::string lines) = 0;
  // True while this instance is the writer (the lock was taken or renewed now).
  virtual boost::asio::awaitable<bool> lead() = 0;
  // The batch to write next: first one a previous writer did not finish; nullopt when none.
  virtual boost::asio::awaitable<std::optional<std::string>> next() = 0;
  // `batch` (as next() returned it) is in the database.
  virtual boost::asio::awaitable<void> done(const std::string& batch) = 0;
};

struct StoreOptions {
  DatabaseSettings db;
  std::string journal_dir;  // where unflushed spend records wait (created if missing)
  std::chrono::milliseconds journal_interval{1000};
  std::chrono::milliseconds flush_interval{10000};  // proxy_batch_write_at (+ jitter)
  std::chrono::milliseconds key_cache_ttl{60000};   // user_api_key_cache_ttl
  std::chrono::milliseconds budget_reset_interval{60000};
  bool disable_spend_logs = false;
  bool disable_error_logs = false;
  bool disable_spend_updates = false;
  bool allow_requests_on_db_unavailable = false;
};

// Options from the config: general_settings and LiteLLM's environment variables.
StoreOptions store_options(const config::Config& cfg, const DatabaseSettings& db);

class Store {
 public:
  Store(boost::asio::io_context& ioc, StoreOptions options);
  ~Store();

  // Starts the journal and flush timers and claims journals left by dead workers.
  void start();
  // Flushes everything (graceful shutdown): journal to disk, then to the database, bounded by
  // `budget`. What cannot be written stays in the journal for the next worker.
  boost::asio::awaitable<void> drain(std::chrono::milliseconds budget);

  // The key for a raw `sk-...` (cache, else database). nullptr when unknown; an Error when the
  // database cannot be reached and the key is not cached.
  boost::asio::awaitable<Result<KeyPtr>> find_key(const std::string& raw_key);
  // Drops every cached key of this worker (after a key, user or team change anywhere on the host).
  void forget_all_keys();

  // Records a finished request: updates the cached spend at once, journals the record.
  void record(SpendRecord rec, const KeyPtr& key);

  Pool& pool() { return pool_; }
  const Catalog& catalog() const { return catalog_; }
  bool catalog_loaded() const { return catalog_loaded_; }
  boost::asio::awaitable<Status> load_catalog();
  const StoreOptions& options() const { return options_; }
  // Flushes now (tests and /spend/flush-like admin actions).
  boost::asio::awaitable<Status> flush();
  // A flush or a query is still running (after drain: the worker must not unwind normally).
  bool busy() const { return flushing_ || pool_.in_use() > 0; }
  bool db_reachable() const { return db_reachable_; }
  // For /metrics: records accepted and not yet written by this worker; its journal bytes on disk
  // (closed segments as of the last flush, plus the open one).
  size_t queued_records() const { return queued_; }
  // Called when a flush cannot reach the database (tracking=false) or the database refuses a
  // spend record (tracking=true): the alerting hook (db_exceptions, failed tracking).
  void on_failure(std::function<void(bool tracking, const std::string& error)> hook) {
    failure_hook_ = std::move(hook);
  }
  // Spend goes through a fleet-wide buffer (see SpendBuffer); nullptr: written directly.
  void set_buffer(std::shared_ptr<SpendBuffer> buffer) { buffer_ = std::move(buffer); }
  size_t journal_bytes() const { return journal_bytes_ + segment_bytes_; }
  // Sets spend to 0 where a budget period ended (keys, users, teams), as LiteLLM's reset job;
  // true when something was reset.
  boost::asio::awaitable<Result<bool>> reset_budgets();

 private:
  struct Segment {
    std::string path;  // empty: in memory (no journal directory)
    std::string data;
  };
  void write_journal();
  void claim_orphans();
  std::vector<Segment> closed_segments();
  boost::asio::awaitable<Status> write_batch(const std::vector<std::string_view>& lines);
  // Writes `lines` in statements of kRowsPerStatement; records the database refuses go to
  // `rejected`. Returns how many lines are done and, if it stopped early, why.
  struct Written {
    size_t done = 0;
    Status status = Ok{};
  };
  boost::asio::awaitable<Written> write_lines(const std::vector<std::string_view>& lines,
                                              std::string& rejected);
  // Records the database refused go to `<path>.rejected` (logged only without a journal).
  void keep_rejected(const std::string& rejected, const std::string& path);
  // The writer's part of the fleet buffer: writes batches while this instance holds the lock.
  boost::asio::awaitable<Status> write_buffered();
  std::string batch_sql() const;
  double unflushed(const std::string& id) const;
  void schedule_resets();
  void schedule_flush(std::chrono::milliseconds after);
  void schedule_journal();
  void measure_journal();

  boost::asio::io_context& ioc_;
  StoreOptions options_;
  Pool pool_;
  Catalog catalog_;
  bool catalog_loaded_ = false;
  std::unordered_map<std::string, KeyPtr> keys_;    // by token (SHA-256)
  std::unordered_map<std::string, KeyPtr> by_raw_;  // by the key as sent: no hash per request
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> unknown_keys_;
  std::string pending_;  // records not yet on disk, one JSON per line
  // Spend recorded by this worker and not yet in the database, per "k:<token>", "t:<team>",
  // "u:<user>": added to what the database says when a key is (re)loaded.
  std::unordered_map<std::string, double> unflushed_, in_flush_;
  std::vector<Segment> memory_segments_;
  int segment_fd_ = -1;
  size_t segment_bytes_ = 0;
  std::string segment_path_;
  uint64_t next_seq_ = 0;
  std::function<void(bool, const std::string&)> failure_hook_;
  std::shared_ptr<SpendBuffer> buffer_;
  size_t queued_ = 0;
  size_t journal_bytes_ = 0;
  bool flushing_ = false;
  bool db_reachable_ = true;
  bool stopped_ = false;
  struct Timers;
  std::unique_ptr<Timers> timers_;
};

// LiteLLM's duration strings: "30s", "30m", "30h", "30d", "2w", "1mo". Seconds; nullopt when
// not parseable.
std::optional<double> parse_duration(std::string_view s);
// "2024-06-01T12:00:00.123000+00:00" (LiteLLM's JSON for datetimes) from unix seconds.
std::string iso_utc(double unix_seconds);
// Postgres TIMESTAMP(3) text ("2024-06-01 12:00:00.123" or ISO "T" form) to unix seconds (UTC).
std::optional<double> parse_timestamp(std::string_view s);

}  // namespace litellm::db
