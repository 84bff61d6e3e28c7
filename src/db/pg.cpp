// libpq's asynchronous API on Asio: PQconnectPoll/PQsendQueryParams/PQconsumeInput, waiting on
// the connection's socket with the worker's reactor. A deadline timer cancels the wait, so an
// unreachable server costs a bounded time and never blocks the loop.
#include "litellm/db/pg.hpp"

#include "libpq.hpp"

#include <cstdlib>
#include <optional>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "litellm/logging/log.hpp"

namespace litellm::db {

namespace asio = boost::asio;
using asio::posix::stream_descriptor;

namespace {

constexpr const char* kConnectionLost = "connection_error";

Error db_error(std::string message, bool connection) {
  auto e = Error::make(ErrorKind::kServiceUnavailable, connection ? 503 : 500, std::move(message),
                       connection ? kConnectionLost : "db_error");
  return e;
}

std::string trim_msg(const char* m) {
  std::string s = m ? m : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Keywords given to libpq before the user's connection string, which overrides them
// (`expand_dbname`). GSSAPI encryption is off unless asked for: libpq's default "prefer" asks
// Kerberos for credentials on every connection (its configuration and credential cache: ~0.6 MB
// of library pages per worker and ~40 us of CPU per connection here), and Prisma, which LiteLLM
// connects with, has no GSSAPI at all, so no LiteLLM database relies on it. A `gssencmode` in
// the URL or PGGSSENCMODE in the environment still decides (docs/compatibility.md).
struct ConnectParams {
  std::vector<const char*> keys, values;
  std::string timeout;

  explicit ConnectParams(const std::string& conninfo, std::optional<int> timeout_seconds = {}) {
    if (const char* e = std::getenv("PGGSSENCMODE"); e == nullptr || *e == '\0')
      add("gssencmode", "disable");
    add("dbname", conninfo.c_str());
    if (timeout_seconds) {
      timeout = std::to_string(*timeout_seconds);
      add("connect_timeout", timeout.c_str());  // after dbname: overrides the URL's
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
  }
  ConnectParams(const ConnectParams&) = delete;
  ConnectParams& operator=(const ConnectParams&) = delete;

 private:
  void add(const char* k, const char* v) {
    keys.push_back(k);
    values.push_back(v);
  }
};

// Waits until the socket is ready (read or write) or the deadline passes. False on timeout or
// socket error.
asio::awaitable<bool> wait_socket(stream_descriptor& sock, stream_descriptor::wait_type what,
                                  std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer timer(sock.get_executor());
  timer.expires_at(deadline);
  bool timed_out = false;
  timer.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) {
      timed_out = true;
      sock.cancel();
    }
  });
  auto [ec] = co_await sock.async_wait(what, asio::as_tuple(asio::use_awaitable));
  timer.cancel();
  co_return !ec && !timed_out;
}

}  // namespace

PgResult& PgResult::operator=(PgResult&& o) noexcept {
  if (this != &o) {
    if (r_) pq().PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}
PgResult::~PgResult() {
  if (r_) pq().PQclear(r_);
}
int PgResult::rows() const { return r_ ? pq().PQntuples(r_) : 0; }
int PgResult::columns() const { return r_ ? pq().PQnfields(r_) : 0; }
std::string_view PgResult::get(int row, int col) const {
  return {pq().PQgetvalue(r_, row, col), static_cast<size_t>(pq().PQgetlength(r_, row, col))};
}
bool PgResult::is_null(int row, int col) const { return pq().PQgetisnull(r_, row, col) != 0; }
std::string_view PgResult::column_name(int col) const { return pq().PQfname(r_, col); }
int64_t PgResult::affected() const {
  const char* n = r_ ? pq().PQcmdTuples(r_) : "";
  return *n ? std::strtoll(n, nullptr, 10) : 0;
}

bool is_connection_error(const Error& e) { return e.type && *e.type == kConnectionLost; }

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One server connection. The socket is owned by libpq; the descriptor only borrows it.
class Pool::Conn {
 public:
  Conn(asio::io_context& ioc, PGconn* c) : c_(c), sock_(ioc) {}
  ~Conn() {
    if (sock_.is_open()) sock_.release();
    if (c_) pq().PQfinish(c_);
  }

  static asio::awaitable<Result<std::unique_ptr<Conn>>> open(asio::io_context& ioc,
                                                             const std::string& conninfo,
                                                             std::chrono::milliseconds timeout) {
    const ConnectParams params(conninfo);
    PGconn* c = pq().PQconnectStartParams(params.keys.data(), params.values.data(), 1);
    if (c == nullptr) co_return db_error("out of memory starting a database connection", true);
    auto conn = std::make_unique<Conn>(ioc, c);
    if (pq().PQstatus(c) == CONNECTION_BAD)
      co_return db_error("database connection failed: " + trim_msg(pq().PQerrorMessage(c)), true);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK) {
      if (st == PGRES_POLLING_FAILED)
        co_return db_error("database connection failed: " + trim_msg(pq().PQerrorMessage(c)), true);
      // The socket can change while libpq tries addresses: wait on the current one.
      stream_descriptor sock(ioc, pq().PQsocket(c));
      bool ok = co_await wait_socket(sock,
                                     st == PGRES_POLLING_READING ? stream_descriptor::wait_read
                                                                 : stream_descriptor::wait_write,
                                     deadline);
      sock.release();
      if (!ok) co_return db_error("database connection timed out", true);
      st = pq().PQconnectPoll(c);
    }
    if (pq().PQsetnonblocking(c, 1) != 0)
      co_return db_error("database connection failed: cannot enter non-blocking mode", true);
    conn->sock_.assign(pq().PQsocket(c));
    co_return conn;
  }

  bool healthy() const { return c_ && pq().PQstatus(c_) == CONNECTION_OK; }

  asio::awaitable<Result<PgResult>> exec(std::string_view sql, const Params& params,
                                         std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string text(sql);
    int sent;
    if (params.empty()) {
      sent = pq().PQsendQuery(c_, text.c_str());
    } else {
      std::vector<const char*> values;
      values.reserve(params.size());
      for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
      sent = pq().PQsendQueryParams(c_, text.c_str(), static_cast<int>(params.size()), nullptr,
                                    values.data(), nullptr, nullptr, 0);
    }
    if (!sent) co_return failure();
    for (;;) {  // push the query out
      int f = pq().PQflush(c_);
      if (f == 0) break;
      if (f < 0) co_return failure();
      if (!co_await wait_socket(sock_, stream_descriptor::wait_write, deadline))
        co_return timeout_failure();
      if (!pq().PQconsumeInput(c_)) co_return failure();
    }
    PgResult last;
    std::optional<Error> statement_error;
    for (;;) {
      while (pq().PQisBusy(c_)) {
        if (!co_await wait_socket(sock_, stream_descriptor::wait_read, deadline))
          co_return timeout_failure();
        if (!pq().PQconsumeInput(c_)) co_return failure();
      }
      PGresult* r = pq().PQgetResult(c_);
      if (r == nullptr) break;
      auto status = pq().PQresultStatus(r);
      if (status == PGRES_FATAL_ERROR && !statement_error) {
        const char* state = pq().PQresultErrorField(r, PG_DIAG_SQLSTATE);
        std::string msg = trim_msg(pq().PQresultErrorMessage(r));
        // Class 08 (connection exception) and 57P01..03 (admin shutdown) are connection-level.
        bool conn = state && (std::string_view(state).starts_with("08") ||
                              std::string_view(state).starts_with("57P"));
        statement_error = db_error(msg, conn);
        if (state) statement_error->param = state;
      }
      last = PgResult(r);
    }
    if (statement_error) co_return *statement_error;
    if (!healthy()) co_return failure();
    co_return last;
  }

 private:
  Error failure() {
    return db_error("database connection lost: " + trim_msg(pq().PQerrorMessage(c_)), true);
  }
  Error timeout_failure() {
    // The connection is in an unknown state; the pool drops it (deregister before libpq closes).
    sock_.release();
    pq().PQfinish(c_);
    c_ = nullptr;
    return db_error("database query timed out", true);
  }

  PGconn* c_;
  stream_descriptor sock_;
};

struct Pool::Waiter {
  explicit Waiter(asio::io_context& ioc) : timer(ioc) {}
  asio::steady_timer timer;
  std::unique_ptr<Conn> handed;  // a released connection given directly to this waiter
  bool slot = false;             // or the right to open a new one
};

Pool::Pool(asio::io_context& ioc, Options options) : ioc_(ioc), options_(std::move(options)) {
  if (options_.limit == 0) options_.limit = 1;
}

Pool::~Pool() { close(); }

void Pool::close() {
  closed_ = true;
  total_ -= idle_.size();
  idle_.clear();
  for (auto& w : waiters_) w->timer.cancel();
  waiters_.clear();
}

asio::awaitable<Result<std::unique_ptr<Pool::Conn>>> Pool::acquire() {
  if (closed_) co_return db_error("database pool closed", true);
  while (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    if (c->healthy()) co_return c;
    --total_;
  }
  bool may_open = total_ < options_.limit;
  if (!may_open) {
    auto w = std::make_shared<Waiter>(ioc_);
    waiters_.push_back(w);
    w->timer.expires_after(options_.acquire_timeout);
    co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (w->handed) co_return std::move(w->handed);
    if (!w->slot) {
      std::erase(waiters_, w);
      co_return db_error("Timed out fetching a new connection from the connection pool (limit " +
                             std::to_string(options_.limit) + ")",
                         true);
    }
    may_open = true;  // a connection was dropped: its slot is ours
  } else {
    ++total_;
  }
  auto opened = co_await Conn::open(ioc_, options_.conninfo, options_.connect_timeout);
  if (!opened) {
    --total_;
    if (!waiters_.empty()) {  // let the next waiter try
      auto w = waiters_.front();
      waiters_.pop_front();
      w->slot = true;
      ++total_;
      w->timer.cancel();
    }
    co_return opened.error();
  }
  co_return std::move(*opened);
}

void Pool::release(std::unique_ptr<Conn> c, bool healthy) {
  if (!healthy || !c->healthy() || closed_) {
    c.reset();
    --total_;
    if (!waiters_.empty() && !closed_) {
      auto w = waiters_.front();
      waiters_.pop_front();
      w->slot = true;
      ++total_;
      w->timer.cancel();
    }
    return;
  }
  if (!waiters_.empty()) {
    auto w = waiters_.front();
    waiters_.pop_front();
    w->handed = std::move(c);
    w->timer.cancel();
    return;
  }
  idle_.push_back(std::move(c));
}

asio::awaitable<Result<PgResult>> Pool::query(std::string_view sql, const Params& params) {
  auto c = co_await acquire();
  if (!c) co_return c.error();
  auto r = co_await (*c)->exec(sql, params, options_.query_timeout);
  release(std::move(*c), static_cast<bool>(r) || !is_connection_error(r.error()));
  co_return r;
}

Result<BlockingConn> BlockingConn::connect(const std::string& conninfo, int timeout_seconds) {
  const ConnectParams params(conninfo, timeout_seconds);
  PGconn* c = pq().PQconnectdbParams(params.keys.data(), params.values.data(), 1);
  if (pq().PQstatus(c) != CONNECTION_OK) {
    std::string msg = trim_msg(pq().PQerrorMessage(c));
    pq().PQfinish(c);
    return db_error("database connection failed: " + msg, true);
  }
  return BlockingConn(c);
}

BlockingConn::~BlockingConn() {
  if (c_) pq().PQfinish(c_);
}

Result<PgResult> BlockingConn::exec(const std::string& sql, const Params& params) {
  PGresult* r;
  if (params.empty()) {
    r = pq().PQexec(c_, sql.c_str());
  } else {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    r = pq().PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                          nullptr, nullptr, 0);
  }
  PgResult res(r);
  auto st = pq().PQresultStatus(r);
  if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || r == nullptr) {
    bool conn = pq().PQstatus(c_) != CONNECTION_OK;
    return db_error(trim_msg(r ? pq().PQresultErrorMessage(r) : pq().PQerrorMessage(c_)), conn);
  }
  return res;
}

}  // namespace litellm::db
