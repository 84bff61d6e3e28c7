// Upstream client implementation: pooled plain/TLS connections driven by Beast's parser.
#include "litellm/net/client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <map>
#include <optional>
#include <tuple>

#include "litellm/common/strings.hpp"
#include "litellm/net/http_io.hpp"

namespace litellm::net {

using namespace std::string_view_literals;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

using TlsStream = beast::ssl_stream<tcp::socket>;

Result<Url> parse_url(std::string_view url) {
  Url u;
  if (istarts_with(url, "https://")) {
    u.tls = true;
    url.remove_prefix(8);
  } else if (istarts_with(url, "http://")) {
    url.remove_prefix(7);
  } else {
    return Error::make(ErrorKind::kBadRequest, 400,
                       "invalid api_base '" + std::string(url) + "': expected http:// or https://");
  }
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : url.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return Error::make(ErrorKind::kBadRequest, 400, "invalid IPv6 host");
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      u.port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    u.host = std::string(authority.substr(0, colon));
    u.port = std::string(authority.substr(colon + 1));
  } else {
    u.host = std::string(authority);
  }
  if (u.host.empty()) return Error::make(ErrorKind::kBadRequest, 400, "invalid api_base: no host");
  if (u.port.empty()) u.port = u.tls ? "443" : "80";
  u.path = std::string(path);
  u.origin = url_origin(u.tls, u.host, u.port);
  return u;
}

std::string url_origin(bool tls, std::string_view host, std::string_view port) {
  std::string o = tls ? "https://" : "http://";
  o.append(host).append(1, ':').append(port);
  return o;
}

Error transport_error(std::string_view what, bool timeout) {
  if (timeout) {
    Error e = Error::make(ErrorKind::kTimeout, 408,
                          std::string("Request timed out. ") + std::string(what));
    return e;
  }
  return Error::make(ErrorKind::kApiConnection, 500,
                     std::string("Connection error: ") + std::string(what));
}

// ---------------------------------------------------------------------------------------------

struct Connection : std::enable_shared_from_this<Connection> {
  std::string origin;
  std::unique_ptr<tcp::socket> plain;
  std::unique_ptr<TlsStream> tls;
  beast::flat_buffer buffer;
  ParsedHead head;  // the current response's, reused by the next exchange
  std::optional<LazyDeadline> deadline;
  Clock::time_point idle_since;

  static std::shared_ptr<Connection> make(asio::io_context& ioc) {
    auto c = std::make_shared<Connection>();
    c->deadline.emplace(ioc.get_executor(), c->weak_from_this(), [raw = c.get()] { raw->close(); });
    return c;
  }
  tcp::socket& socket() { return plain ? *plain : beast::get_lowest_layer(*tls); }
  void close() {
    boost::system::error_code ignored;
    socket().close(ignored);
  }
  // Runs `f` on the connection's stream (plain or TLS); both return the same awaitable type.
  template <class F>
  auto on_stream(F&& f) {
    return plain ? f(*plain) : f(*tls);
  }
  // A failure caused by the deadline reads as a timeout.
  boost::system::error_code why(boost::system::error_code ec) const {
    return ec && deadline->expired() ? beast::error::timeout : ec;
  }
};

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  ConnectionPool(asio::io_context& ioc, Client::Options o)
      : ioc_(ioc), options_(o), resolver_(ioc) {}

  // Made on the first https connection: loading the system trust store costs a worker about a
  // megabyte and a few milliseconds, which a deployment list without https never needs.
  asio::ssl::context& tls() {
    if (!tls_) {
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      tls_->set_default_verify_paths();
      tls_->set_verify_mode(options_.verify_tls ? asio::ssl::verify_peer : asio::ssl::verify_none);
    }
    return *tls_;
  }

  std::shared_ptr<Connection> take(std::string_view origin) {
    auto it = origins_.find(origin);
    if (it == origins_.end()) return nullptr;
    auto& idle = it->second.idle;
    auto now = Clock::now();
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      if (now - c->idle_since < options_.idle_keepalive) return c;
    }
    return nullptr;
  }

  void give_back(std::shared_ptr<Connection> c) {
    auto& idle = origins_[c->origin].idle;
    if (idle.size() >= options_.max_idle_per_origin) return;
    c->idle_since = Clock::now();
    c->deadline->clear();
    idle.push_back(std::move(c));
  }

  // Client::Options::warm_spare: after a request to `url`'s origin got its response head, a
  // connection is opened in the background when no idle one is left there (one at a time per
  // origin). It is posted: co_spawn would run it up to its first wait right here, and the connect
  // system call would then delay the response this request is about to relay.
  void keep_spare(const Url& url) {
    if (!options_.warm_spare) return;
    auto& o = origins_[url.origin];
    if (!o.idle.empty() || o.opening) return;
    o.opening = true;
    asio::post(ioc_, [self = shared_from_this(), url]() mutable {
      asio::co_spawn(self->ioc_, open_spare(self, std::move(url)), asio::detached);
    });
  }

  asio::awaitable<Result<std::shared_ptr<Connection>>> connect(const Url& url,
                                                               std::string_view origin,
                                                               const Deadline& d) {
    auto c = Connection::make(ioc_);
    c->origin = origin;
    auto connect_deadline = std::min(d.total, Clock::now() + d.connect);
    auto resolved = co_await resolve(url);
    if (!resolved) co_return resolved.error();
    const auto& results = *resolved;
    if (Clock::now() >= connect_deadline)
      co_return transport_error("DNS resolution timed out", true);
    if (url.tls)
      c->tls = std::make_unique<TlsStream>(ioc_, tls());
    else
      c->plain = std::make_unique<tcp::socket>(ioc_);
    c->deadline->set(connect_deadline);
    // Each address in turn, as asio::async_connect, with the socket non-blocking before the
    // connect: one ioctl serves Asio's operations and our direct writes.
    boost::system::error_code cec = asio::error::not_found;
    for (const auto& entry : results) {
      auto& s = c->socket();
      if (s.is_open()) s.close(cec);
      s.open(entry.endpoint().protocol(), cec);
      if (!cec) s.non_blocking(true, cec);
      if (!cec) std::tie(cec) = co_await s.async_connect(entry.endpoint(), kTuple);
      if (!cec || c->deadline->expired()) break;
    }
    if (cec) {
      cec = c->why(cec);
      co_return transport_error(url.host + ":" + url.port + ": " + cec.message(),
                                cec == beast::error::timeout);
    }
    c->socket().set_option(tcp::no_delay(true));
    if (url.tls) {
      auto& s = *c->tls;
      if (!SSL_set_tlsext_host_name(s.native_handle(), url.host.c_str()))
        co_return transport_error("TLS SNI setup failed", false);
      if (options_.verify_tls) s.set_verify_callback(asio::ssl::host_name_verification(url.host));
      auto [hec] = co_await s.async_handshake(asio::ssl::stream_base::client, kTuple);
      if (hec) {
        hec = c->why(hec);
        co_return transport_error("TLS handshake with " + url.host + " failed: " + hec.message(),
                                  hec == beast::error::timeout);
      }
    }
    co_return std::move(c);
  }

 private:
  static asio::awaitable<void> open_spare(std::shared_ptr<ConnectionPool> self, Url url) {
    // The origin may have another spare once this one is done, however it ends (an exception out
    // of a detached coroutine is dropped, and the frame may be destroyed unfinished at shutdown).
    struct Opening {
      ConnectionPool& pool;
      const std::string& origin;
      ~Opening() { pool.origins_[origin].opening = false; }
    } opening{*self, url.origin};
    Deadline deadline;
    deadline.total = Clock::now() + deadline.connect;
    auto c = co_await self->connect(url, url.origin, deadline);
    if (c) self->give_back(std::move(c.value()));  // a failure is the next request's to report
  }

  // Numeric hosts skip the resolver; names are cached for 30 s (Asio resolves on one helper thread,
  // so a burst of new connections would otherwise queue behind getaddrinfo calls).
  asio::awaitable<Result<tcp::resolver::results_type>> resolve(const Url& url) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(url.host, ec);
    if (!ec) {
      auto port = static_cast<uint16_t>(std::strtoul(url.port.c_str(), nullptr, 10));
      co_return tcp::resolver::results_type::create(tcp::endpoint(addr, port), url.host, url.port);
    }
    const std::string key = url.host + ":" + url.port;
    auto now = Clock::now();
    if (auto it = dns_.find(key); it != dns_.end() && it->second.expires > now)
      co_return it->second.results;
    auto [rec, results] = co_await resolver_.async_resolve(url.host, url.port, kTuple);
    if (rec)
      co_return transport_error("could not resolve " + url.host + ": " + rec.message(), false);
    dns_[key] = DnsEntry{results, now + std::chrono::seconds(30)};
    co_return results;
  }
  struct DnsEntry {
    tcp::resolver::results_type results;
    Clock::time_point expires;
  };
  std::map<std::string, DnsEntry> dns_;

  asio::io_context& ioc_;
  Client::Options options_;
  std::unique_ptr<asio::ssl::context> tls_;  // see tls()
  tcp::resolver resolver_;
  struct Origin {
    std::vector<std::shared_ptr<Connection>> idle;
    bool opening = false;  // a spare connection is being opened (keep_spare)
  };
  std::map<std::string, Origin, std::less<>> origins_;
};

// ---------------------------------------------------------------------------------------------

struct Exchange::Impl {
  std::shared_ptr<ConnectionPool> pool;
  std::shared_ptr<Connection> conn;
  std::optional<ResponseParser> parser;
  Deadline deadline;
  std::string body;         // body bytes parsed (the first may come with the head)
  bool handed_out = false;  // `body` was returned by read_some()
  std::string head;         // the request head, built once per exchange
  bool failed = false;

  void arm() { conn->deadline->set(std::min(deadline.total, Clock::now() + deadline.idle)); }

  // The body read whole (read_all, take_body), unless it exceeds `limit`.
  Result<std::string> whole_body(size_t limit) {
    if (body.size() > limit) {
      failed = true;
      return Error::make(ErrorKind::kApiError, 500, "upstream response exceeds the size limit");
    }
    return std::move(body);
  }

  // A body read failed: the connection is not reused, and a deadline reads as a timeout.
  Error body_read_failed(boost::system::error_code ec) {
    ec = conn->why(ec);
    failed = true;
    return transport_error("upstream body read failed: " + ec.message(),
                           ec == beast::error::timeout);
  }
};

Exchange::Exchange(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Exchange::~Exchange() {
  if (impl_ && impl_->conn && !impl_->failed && impl_->parser && impl_->parser->is_done() &&
      impl_->parser->keep_alive()) {
    impl_->pool->give_back(std::move(impl_->conn));
  } else if (impl_ && impl_->conn) {
    impl_->conn->close();
  }
}

int Exchange::status() const { return impl_->conn ? impl_->conn->head.status : 0; }
void Exchange::set_deadline(const Deadline& deadline) { impl_->deadline = deadline; }
const HeaderViews& Exchange::headers() const {
  static const HeaderViews kNone;
  return impl_->conn ? impl_->conn->head.fields : kNone;
}

void Exchange::abandon() {
  impl_->failed = true;
  if (impl_->conn) impl_->conn->close();
}

asio::awaitable<Status> Exchange::start(const Request& req, const Deadline& deadline) {
  auto& im = *impl_;
  im.deadline = deadline;
  std::string& head = im.head;
  head.reserve(256);
  head += req.method;
  head += ' ';
  head += req.url.path.empty() ? "/" : req.url.path;
  head += " HTTP/1.1\r\nHost: "sv;
  head += req.url.host;
  const bool default_port = req.url.port == (req.url.tls ? "443" : "80");
  if (!default_port) {
    head += ':';
    head += req.url.port;
  }
  head += "\r\n"sv;
  for (const auto& [k, v] : req.headers) {
    head += k;
    head += ": "sv;
    head += v;
    head += "\r\n"sv;
  }
  head += "Content-Length: "sv;
  char digits[24];
  head.append(digits, std::to_chars(digits, digits + sizeof digits, req.body.size()).ptr);
  head += "\r\n\r\n"sv;

  const std::string& origin = req.url.origin;
  // A pooled connection may have been closed by the server while idle: one retry on a fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = false;
    if (attempt == 0) {
      im.conn = im.pool->take(origin);
      reused = im.conn != nullptr;
    }
    if (!im.conn) {
      auto c = co_await im.pool->connect(req.url, origin, deadline);
      if (!c) {
        im.failed = true;
        co_return c.error();
      }
      im.conn = std::move(c.value());
    }
    // The request, then the response head (net::parse_until inline: one coroutine frame fewer).
    Connection& conn = *im.conn;
    im.arm();
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(req.body)};
    boost::system::error_code ec;
    const size_t written = conn.on_stream([&](auto& s) { return write_now(s, bufs, ec); });
    if (!write_finished(bufs, written, ec))
      ec = co_await conn.on_stream([&](auto& s) { return write_rest(s, bufs, written); });
    if (!ec) {
      im.body.clear();
      im.handed_out = false;
      auto& p = im.parser.emplace(conn.head, &im.body);
      p.header_limit(64 * 1024);
      const auto header_done = [&p] { return p.is_header_done(); };
      while (!parse_buffered(conn.buffer, p, header_done, ec)) {
        auto [rec, n] = co_await conn.on_stream(
            [&](auto& s) { return s.async_read_some(read_space(conn.buffer), kTuple); });
        if (took_read(rec, n, conn.buffer, p, ec)) break;
      }
    }
    if (!ec) break;
    ec = conn.why(ec);
    im.conn->close();
    im.conn.reset();
    im.parser.reset();
    bool stale =
        reused && (ec == http::error::end_of_stream || ec == http::error::partial_message ||
                   ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
                   ec == asio::error::eof);
    if (stale && Clock::now() < deadline.total) continue;
    im.failed = true;
    co_return transport_error(ec.message(), ec == beast::error::timeout);
  }
  im.pool->keep_spare(req.url);
  co_return Ok{};
}

asio::awaitable<Result<std::string_view>> Exchange::read_some() {
  auto& im = *impl_;
  if (std::exchange(im.handed_out, true)) im.body.clear();
  if (!im.body.empty()) co_return std::string_view(im.body);
  if (im.parser->is_done()) co_return std::string_view{};
  im.arm();
  auto& p = *im.parser;
  auto ec = co_await im.conn->on_stream([&](auto& s) {
    return parse_until(s, im.conn->buffer, p, [&im] { return !im.body.empty(); });
  });
  if (ec) co_return im.body_read_failed(ec);
  co_return std::string_view(im.body);
}

std::optional<Result<std::string>> Exchange::take_body(size_t limit) {
  auto& im = *impl_;
  auto& p = *im.parser;
  if (!p.is_done()) {
    boost::system::error_code ec;
    parse_buffered(
        im.conn->buffer, p, [&im, limit] { return im.body.size() > limit; }, ec);
    if (ec) return Result<std::string>(im.body_read_failed(ec));
    if (!p.is_done() && im.body.size() <= limit) return std::nullopt;
  }
  return im.whole_body(limit);
}

asio::awaitable<Result<std::string>> Exchange::read_all(size_t limit) {
  auto& im = *impl_;
  if (!im.parser->is_done()) {
    im.arm();
    auto& p = *im.parser;
    if (auto len = p.content_length()) im.body.reserve(std::min<size_t>(*len, limit));
    auto ec = co_await im.conn->on_stream([&](auto& s) {
      return parse_until(s, im.conn->buffer, p, [&im, limit] { return im.body.size() > limit; });
    });
    if (ec) co_return im.body_read_failed(ec);
  }
  co_return im.whole_body(limit);
}

Result<Url> Client::url(std::string_view url) {
  if (auto it = urls_.find(url); it != urls_.end()) return it->second;
  auto parsed = parse_url(url);
  if (parsed && urls_.size() < 1024) urls_.emplace(url, *parsed);  // bounded: a few per deployment
  return parsed;
}

Client::Client(asio::io_context& ioc, Options options)
    : pool_(std::make_shared<ConnectionPool>(ioc, options)) {}
Client::~Client() = default;

std::unique_ptr<Exchange> Client::exchange() {
  auto impl = std::make_unique<Exchange::Impl>();
  impl->pool = pool_;
  return std::unique_ptr<Exchange>(new Exchange(std::move(impl)));
}

}  // namespace litellm::net
