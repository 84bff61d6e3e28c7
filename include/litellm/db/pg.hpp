// PostgreSQL through libpq's non-blocking API, driven by the worker's Asio loop: a query never
// blocks the I/O thread. A Pool holds at most `limit` connections (LiteLLM's
// database_connection_pool_limit, per worker).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "litellm/common/error.hpp"

struct pg_result;
struct pg_conn;

namespace boost::asio {
class io_context;
}

namespace litellm::db {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* r) : r_(r) {}
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept;
  ~PgResult();

  int rows() const;
  int columns() const;
  std::string_view get(int row, int col) const;
  bool is_null(int row, int col) const;
  std::string_view column_name(int col) const;
  // Rows touched by INSERT/UPDATE/DELETE.
  int64_t affected() const;

 private:
  pg_result* r_ = nullptr;
};

using Param = std::optional<std::string>;  // nullopt is SQL NULL
using Params = std::vector<Param>;

// Params from values, built outside any coroutine expression (GCC 12 rejects an
// initializer_list temporary inside a co_await full-expression).
template <class... A>
Params params(A&&... a) {
  Params p;
  p.reserve(sizeof...(a));
  (p.emplace_back(std::forward<A>(a)), ...);
  return p;
}

// Is this a connection-level failure (server gone, unreachable, timeout), as opposed to an error
// in the statement? Connection failures are retried and never lose data.
bool is_connection_error(const Error& e);

class Pool {
 public:
  struct Options {
    std::string conninfo;  // libpq URI or key=value string (already stripped of Prisma params)
    size_t limit = 10;
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds query_timeout{60000};
    std::chrono::milliseconds acquire_timeout{60000};  // LiteLLM's pool_timeout
  };
  Pool(boost::asio::io_context& ioc, Options options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs one statement (several when `params` is empty and the text has several; then the last
  // result is returned). Text parameters $1..$n.
  boost::asio::awaitable<Result<PgResult>> query(std::string_view sql, const Params& params = {});

  size_t open_connections() const { return total_; }
  size_t in_use() const { return total_ - idle_.size(); }
  // Closes idle connections and refuses new queries (shutdown).
  void close();

 private:
  class Conn;
  boost::asio::awaitable<Result<std::unique_ptr<Conn>>> acquire();
  void release(std::unique_ptr<Conn> c, bool healthy);

  boost::asio::io_context& ioc_;
  Options options_;
  std::vector<std::unique_ptr<Conn>> idle_;
  size_t total_ = 0;
  struct Waiter;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  bool closed_ = false;
};

// Blocking helpers for the supervisor's startup (schema setup), never used by a worker's loop.
class BlockingConn {
 public:
  static Result<BlockingConn> connect(const std::string& conninfo, int timeout_seconds);
  BlockingConn(BlockingConn&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  ~BlockingConn();
  Result<PgResult> exec(const std::string& sql, const Params& params = {});

 private:
  explicit BlockingConn(pg_conn* c) : c_(c) {}
  pg_conn* c_ = nullptr;
};

// Quoted identifier: "LiteLLM_SpendLogs".
std::string quote_ident(std::string_view name);

}  // namespace litellm::db
