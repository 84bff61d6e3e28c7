// Upstream client implementation: pooled plain/TLS connections driven by Beast's parser.
#include "litellm/net/client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <map>
#include <optional>
#include <variant>

#include "litellm/common/strings.hpp"

namespace litellm::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

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
  return u;
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

struct Connection {
  std::string origin;
  std::variant<std::unique_ptr<PlainStream>, std::unique_ptr<TlsStream>> stream;
  beast::flat_buffer buffer;
  Clock::time_point idle_since;

  beast::tcp_stream& lowest() {
    if (auto* p = std::get_if<0>(&stream)) return **p;
    return beast::get_lowest_layer(*std::get<1>(stream));
  }
};

class ConnectionPool {
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

  std::unique_ptr<Connection> take(const std::string& origin) {
    auto it = idle_.find(origin);
    if (it == idle_.end()) return nullptr;
    auto now = Clock::now();
    while (!it->second.empty()) {
      auto c = std::move(it->second.back());
      it->second.pop_back();
      if (now - c->idle_since < options_.idle_keepalive) return c;
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<Connection> c) {
    auto& list = idle_[c->origin];
    if (list.size() >= options_.max_idle_per_origin) return;
    c->idle_since = Clock::now();
    c->lowest().expires_never();
    list.push_back(std::move(c));
  }

  asio::awaitable<Result<std::unique_ptr<Connection>>> connect(const Url& url, const Deadline& d) {
    auto c = std::make_unique<Connection>();
    c->origin = (url.tls ? "https://" : "http://") + url.host + ":" + url.port;
    auto connect_deadline = std::min(d.total, Clock::now() + d.connect);
    auto resolved = co_await resolve(url);
    if (!resolved) co_return resolved.error();
    const auto& results = *resolved;
    if (Clock::now() >= connect_deadline)
      co_return transport_error("DNS resolution timed out", true);
    if (url.tls) {
      auto s = std::make_unique<TlsStream>(ioc_, tls());
      beast::get_lowest_layer(*s).expires_at(connect_deadline);
      auto [cec, ep] = co_await beast::get_lowest_layer(*s).async_connect(results, kTuple);
      if (cec)
        co_return transport_error(url.host + ":" + url.port + ": " + cec.message(),
                                  cec == beast::error::timeout);
      beast::get_lowest_layer(*s).socket().set_option(tcp::no_delay(true));
      if (!SSL_set_tlsext_host_name(s->native_handle(), url.host.c_str()))
        co_return transport_error("TLS SNI setup failed", false);
      if (options_.verify_tls) s->set_verify_callback(asio::ssl::host_name_verification(url.host));
      auto [hec] = co_await s->async_handshake(asio::ssl::stream_base::client, kTuple);
      if (hec)
        co_return transport_error("TLS handshake with " + url.host + " failed: " + hec.message(),
                                  hec == beast::error::timeout);
      c->stream = std::move(s);
    } else {
      auto s = std::make_unique<PlainStream>(ioc_);
      s->expires_at(connect_deadline);
      auto [cec, ep] = co_await s->async_connect(results, kTuple);
      if (cec)
        co_return transport_error(url.host + ":" + url.port + ": " + cec.message(),
                                  cec == beast::error::timeout);
      s->socket().set_option(tcp::no_delay(true));
      c->stream = std::move(s);
    }
    co_return std::move(c);
  }

 private:
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
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

// ---------------------------------------------------------------------------------------------

struct Exchange::Impl {
  std::shared_ptr<ConnectionPool> pool;
  std::unique_ptr<Connection> conn;
  std::optional<http::response_parser<http::buffer_body>> parser;
  Deadline deadline;
  int status = 0;
  Headers headers;
  bool failed = false;
  char chunk[16384];

  void arm() {
    auto t = std::min(deadline.total, Clock::now() + deadline.idle);
    conn->lowest().expires_at(t);
  }

  template <class Stream>
  asio::awaitable<boost::system::error_code> send_and_read_head(Stream& s, const std::string& head,
                                                                const std::string& body) {
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body)};
    auto [wec, wn] = co_await asio::async_write(s, bufs, kTuple);
    if (wec) co_return wec;
    parser.emplace();
    parser->body_limit(boost::none);
    parser->header_limit(64 * 1024);
    auto [rec, rn] = co_await http::async_read_header(s, conn->buffer, *parser, kTuple);
    co_return rec;
  }

  asio::awaitable<boost::system::error_code> exchange_once(const std::string& head,
                                                           const std::string& body) {
    arm();
    if (auto* p = std::get_if<0>(&conn->stream))
      co_return co_await send_and_read_head(**p, head, body);
    co_return co_await send_and_read_head(*std::get<1>(conn->stream), head, body);
  }

  template <class Stream>
  asio::awaitable<std::pair<boost::system::error_code, size_t>> read_body(Stream& s) {
    parser->get().body().data = chunk;
    parser->get().body().size = sizeof chunk;
    auto [ec, n] = co_await http::async_read_some(s, conn->buffer, *parser, kTuple);
    if (ec == http::error::need_buffer) ec = {};
    co_return std::make_pair(ec, sizeof chunk - parser->get().body().size);
  }
};

Exchange::Exchange(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Exchange::~Exchange() {
  if (impl_ && impl_->conn && !impl_->failed && impl_->parser && impl_->parser->is_done() &&
      impl_->parser->keep_alive()) {
    impl_->pool->give_back(std::move(impl_->conn));
  }
}

int Exchange::status() const { return impl_->status; }
void Exchange::set_deadline(const Deadline& deadline) { impl_->deadline = deadline; }
const Headers& Exchange::headers() const { return impl_->headers; }

void Exchange::abandon() {
  impl_->failed = true;
  if (impl_->conn) {
    boost::system::error_code ignored;
    impl_->conn->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl_->conn->lowest().close();
  }
}

asio::awaitable<Status> Exchange::start(const Request& req, const Deadline& deadline) {
  auto& im = *impl_;
  im.deadline = deadline;
  std::string head;
  head.reserve(256 + req.body.size() / 64);
  head += req.method;
  head += ' ';
  head += req.url.path.empty() ? "/" : req.url.path;
  head += " HTTP/1.1\r\nHost: ";
  head += req.url.host;
  if (req.url.port != (req.url.tls ? "443" : "80")) head += ":" + req.url.port;
  head += "\r\n";
  for (const auto& [k, v] : req.headers) head += k + ": " + v + "\r\n";
  head += "Content-Length: " + std::to_string(req.body.size()) + "\r\n\r\n";

  const std::string origin =
      (req.url.tls ? "https://" : "http://") + req.url.host + ":" + req.url.port;
  // A pooled connection may have been closed by the server while idle: one retry on a fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = false;
    if (attempt == 0) {
      im.conn = im.pool->take(origin);
      reused = im.conn != nullptr;
    }
    if (!im.conn) {
      auto c = co_await im.pool->connect(req.url, deadline);
      if (!c) {
        im.failed = true;
        co_return c.error();
      }
      im.conn = std::move(c.value());
    }
    auto ec = co_await im.exchange_once(head, req.body);
    if (!ec) break;
    im.conn.reset();
    bool stale =
        reused && (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                   ec == asio::error::broken_pipe || ec == asio::error::eof);
    if (stale && Clock::now() < deadline.total) continue;
    im.failed = true;
    co_return transport_error(ec.message(), ec == beast::error::timeout);
  }
  const auto& msg = im.parser->get();
  im.status = static_cast<int>(msg.result_int());
  im.headers.clear();
  for (const auto& f : msg)
    im.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  co_return Ok{};
}

asio::awaitable<Result<std::string_view>> Exchange::read_some() {
  auto& im = *impl_;
  while (!im.parser->is_done()) {
    im.arm();
    std::pair<boost::system::error_code, size_t> r;
    if (auto* p = std::get_if<0>(&im.conn->stream)) {
      r = co_await im.read_body(**p);
    } else {
      r = co_await im.read_body(*std::get<1>(im.conn->stream));
    }
    if (r.first) {
      im.failed = true;
      co_return transport_error("upstream body read failed: " + r.first.message(),
                                r.first == beast::error::timeout);
    }
    if (r.second > 0) co_return std::string_view(im.chunk, r.second);
  }
  co_return std::string_view{};
}

asio::awaitable<Result<std::string>> Exchange::read_all(size_t limit) {
  std::string body;
  if (auto len = impl_->parser->content_length()) body.reserve(std::min<size_t>(*len, limit));
  while (true) {
    auto part = co_await read_some();
    if (!part) co_return part.error();
    if (part->empty()) break;
    if (body.size() + part->size() > limit) {
      impl_->failed = true;
      co_return Error::make(ErrorKind::kApiError, 500, "upstream response exceeds the size limit");
    }
    body.append(*part);
  }
  co_return body;
}

Client::Client(asio::io_context& ioc, Options options)
    : pool_(std::make_shared<ConnectionPool>(ioc, options)) {}
Client::~Client() = default;

std::unique_ptr<Exchange> Client::exchange() {
  std::unique_ptr<Exchange::Impl> impl(
      new Exchange::Impl);  // default-init: the chunk buffer is not zeroed
  impl->pool = pool_;
  return std::unique_ptr<Exchange>(new Exchange(std::move(impl)));
}

}  // namespace litellm::net
