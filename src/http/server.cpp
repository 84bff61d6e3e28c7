// Listener and sessions. Requests are parsed with Beast; responses are written by hand with one
// gather write (no Beast serializer on the hot path: see ../shared/reference/stack-costs.md).
#include "litellm/http/server.hpp"

#include <sys/socket.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <list>

#include "litellm/handlers/exchange.hpp"
#include "litellm/logging/log.hpp"

namespace litellm::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct SessionBase {
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;
};

struct Server::Impl {
  asio::io_context& ioc;
  handlers::RequestHandler& handler;
  ServerOptions options;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> tls;
  std::list<SessionBase*> sessions;
  bool stopping = false;
  bool close_idle = false;

  Impl(asio::io_context& io, handlers::RequestHandler& h, ServerOptions o)
      : ioc(io), handler(h), options(std::move(o)), acceptor(io) {}
  asio::awaitable<void> accept_loop();
};

namespace {

template <class Stream>
class Session final : public SessionBase, public handlers::ResponseWriter {
 public:
  Session(Server::Impl& server, Stream stream) : server_(server), stream_(std::move(stream)) {
    it_ = server_.sessions.insert(server_.sessions.end(), this);
  }
  ~Session() override { server_.sessions.erase(it_); }

  void close_if_idle() override {
    if (idle_) {
      boost::system::error_code ec;
      lowest().socket().close(ec);
    }
  }

  asio::awaitable<void> run() {
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      lowest().expires_after(server_.options.request_read_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kTuple);
      if (ec) co_return;
    }
    // The loop ends when a response said `connection: close`: a response sent while the server ran
    // promised keep-alive, so the next request on this connection is still served (with close).
    for (;;) {
      if (server_.stopping && server_.close_idle)
        break;  // shutdown: no new request on this connection
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(server_.options.body_limit);
      idle_ = true;
      lowest().expires_after(server_.options.keepalive_timeout);
      auto [hec, hn] = co_await bhttp::async_read_header(stream_, buffer_, parser, kTuple);
      idle_ = false;
      if (hec == bhttp::error::body_limit) {  // Content-Length over the limit, seen with the header
        co_await reply_too_large(declared_length(parser));
        break;
      }
      if (hec) {
        if (hec == bhttp::error::header_limit)
          co_await reply_error(431, "Request header fields too large");
        else if (hec != bhttp::error::end_of_stream && hec != beast::error::timeout &&
                 hec != asio::error::eof && hec != asio::error::operation_aborted &&
                 hec != asio::error::connection_reset)
          co_await reply_error(400, "Invalid HTTP request: " + hec.message());
        break;
      }
      const auto& head = parser.get();
      version_ = head.version();
      if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
        static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [wec, wn] = co_await asio::async_write(stream_, asio::buffer(k100), kTuple);
        if (wec) break;
      }
      lowest().expires_after(server_.options.request_read_timeout);
      auto [bec, bn] = co_await bhttp::async_read(stream_, buffer_, parser, kTuple);
      if (bec) {
        if (bec == bhttp::error::body_limit) {
          co_await reply_too_large(declared_length(parser));
        } else if (bec != beast::error::timeout && bec != bhttp::error::end_of_stream) {
          co_await reply_error(400, "Invalid HTTP request: " + bec.message());
        }
        break;
      }
      lowest().expires_never();
      const auto& msg = parser.get();
      keep_alive_ = msg.keep_alive();
      head_only_ = msg.method() == bhttp::verb::head;
      handlers::HttpRequest req;
      req.method = msg.method_string();
      req.target = msg.target();
      auto q = req.target.find('?');
      req.path = req.target.substr(0, q);
      req.query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
      req.headers.reserve(16);
      for (const auto& f : msg) req.headers.emplace_back(f.name_string(), f.value());
      req.body = msg.body();
      broken_ = false;
      bool failed = false;
      try {
        co_await server_.handler.handle(req, *this);
      } catch (const std::exception& e) {
        // A bug, not an expected failure: log it, answer 500 if we still can, keep the worker.
        LOG_ERROR("unhandled error while serving {} {}: {}", req.method, req.path, e.what());
        failed = true;
      }
      if (failed) {
        if (!broken_ && !responded_) co_await reply_error(500, "Internal Server Error");
        break;
      }
      responded_ = false;
      if (broken_ || !keep_alive_) break;
    }
    boost::system::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (linger_) {
      // Lingering close (as nginx): the client may still be sending a body we refused; reading it
      // off for a bounded time lets it see our answer instead of a connection reset.
      lowest().expires_after(std::chrono::seconds(2));
      static char sink[16384];
      for (size_t total = 0; total < (256u << 20);) {
        auto [rec, n] = co_await lowest().async_read_some(asio::buffer(sink), kTuple);
        if (rec) break;
        total += n;
      }
    }
    lowest().socket().close(ec);
  }

  // --- ResponseWriter ---
  asio::awaitable<bool> send(int status, std::string_view headers, std::string_view body) override {
    if (server_.stopping) keep_alive_ = false;  // decided when the response goes out
    std::string head = status_line(status);
    head += "content-length: " + std::to_string(body.size()) + "\r\n";
    head.append(headers);
    if (!keep_alive_) head += "connection: close\r\n";
    head += "\r\n";
    responded_ = true;
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head),
                                           asio::buffer(body.data(), head_only_ ? 0 : body.size())};
    co_return co_await write(bufs);
  }

  asio::awaitable<bool> begin_stream(int status, std::string_view headers) override {
    if (server_.stopping) keep_alive_ = false;
    std::string head = status_line(status);
    chunked_ = version_ >= 11;
    if (chunked_)
      head += "transfer-encoding: chunked\r\n";
    else
      keep_alive_ = false;
    head.append(headers);
    if (!keep_alive_) head += "connection: close\r\n";
    head += "\r\n";
    responded_ = true;
    // Sent together with the first chunk: one write instead of two.
    pending_head_ = std::move(head);
    co_return true;
  }

  asio::awaitable<bool> send_chunk(std::string_view data) override {
    if (data.empty()) co_return true;
    if (!chunked_) {
      std::array<asio::const_buffer, 2> bufs{asio::buffer(pending_head_),
                                             asio::buffer(data.data(), data.size())};
      bool ok = co_await write(bufs);
      pending_head_.clear();
      co_return ok;
    }
    char size_line[24];
    int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
    std::array<asio::const_buffer, 4> bufs{
        asio::buffer(pending_head_), asio::buffer(size_line, static_cast<size_t>(n)),
        asio::buffer(data.data(), data.size()), asio::buffer("\r\n", 2)};
    bool ok = co_await write(bufs);
    pending_head_.clear();
    co_return ok;
  }

  asio::awaitable<bool> end_stream() override {
    std::array<asio::const_buffer, 2> bufs{asio::buffer(pending_head_),
                                           asio::buffer("0\r\n\r\n", chunked_ ? 5 : 0)};
    bool ok = co_await write(bufs);
    pending_head_.clear();
    co_return ok;
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  std::string status_line(int status) {
    std::string s = version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    s += std::to_string(status);
    s += ' ';
    s += bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    s += "\r\nserver: litellm-cpp\r\n";
    return s;
  }

  template <class Buffers>
  asio::awaitable<bool> write(const Buffers& bufs) {
    if (broken_) co_return false;
    // A client that stops reading must not hold the worker forever.
    lowest().expires_after(server_.options.request_read_timeout);
    auto [ec, n] = co_await asio::async_write(stream_, bufs, kTuple);
    lowest().expires_never();
    if (ec) broken_ = true;
    co_return !ec;
  }

  // Content-Length as sent (the parser may have stopped before the header was complete).
  static std::optional<std::uint64_t> declared_length(
      const bhttp::request_parser<bhttp::string_body>& p) {
    auto v = p.get()[bhttp::field::content_length];
    if (v.empty()) return std::nullopt;
    return std::strtoull(std::string(v).c_str(), nullptr, 10);
  }

  // LiteLLM's max_request_size_mb refusal.
  asio::awaitable<void> reply_too_large(std::optional<std::uint64_t> length) {
    double mb = static_cast<double>(server_.options.body_limit) / (1024.0 * 1024.0);
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "Request size is too large. Request size is %.2f MB. Max size is %.2f MB",
                  length ? static_cast<double>(*length) / (1024.0 * 1024.0) : mb, mb);
    co_await reply_error(400, buf);
  }

  asio::awaitable<void> reply_error(int status, std::string message) {
    keep_alive_ = false;
    linger_ = true;
    Error e = Error::make(status == 500 ? ErrorKind::kInternalServer : ErrorKind::kProxyBadRequest,
                          status, std::move(message),
                          status == 500 ? "internal_server_error" : "bad_request_error", "None");
    co_await send(status, "content-type: application/json\r\n", render_error_body(e));
  }

  Server::Impl& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::list<SessionBase*>::iterator it_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_only_ = false;
  bool chunked_ = true;
  bool broken_ = false;
  bool responded_ = false;
  bool idle_ = false;
  std::string pending_head_;
  bool linger_ = false;
};

}  // namespace

asio::awaitable<void> Server::Impl::accept_loop() {
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) break;
      LOG_WARN("accept failed: {}", ec.message());
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls) {
      auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          *this, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls));
      asio::co_spawn(
          ioc, [s]() -> asio::awaitable<void> { co_await s->run(); }, asio::detached);
    } else {
      auto s =
          std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)));
      asio::co_spawn(
          ioc, [s]() -> asio::awaitable<void> { co_await s->run(); }, asio::detached);
    }
  }
}

Server::Server(asio::io_context& ioc, handlers::RequestHandler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(ioc, handler, std::move(options))) {}

Server::~Server() = default;

Status Server::listen() {
  auto& im = *impl_;
  boost::system::error_code ec;
  if (im.options.ssl_certfile && im.options.ssl_keyfile) {
    im.tls.emplace(asio::ssl::context::tls_server);
    im.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1);
    im.tls->use_certificate_chain_file(*im.options.ssl_certfile, ec);
    if (ec)
      return Error::make(
          ErrorKind::kInternalServer, 500,
          "cannot load --ssl_certfile_path " + *im.options.ssl_certfile + ": " + ec.message());
    im.tls->use_private_key_file(*im.options.ssl_keyfile, asio::ssl::context::pem, ec);
    if (ec)
      return Error::make(
          ErrorKind::kInternalServer, 500,
          "cannot load --ssl_keyfile_path " + *im.options.ssl_keyfile + ": " + ec.message());
  }
  if (im.options.listen_fd >= 0) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (getsockname(im.options.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return Error::make(ErrorKind::kInternalServer, 500,
                         "inherited listening socket is not usable");
    im.acceptor.assign(addr.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), im.options.listen_fd,
                       ec);
    if (ec)
      return Error::make(ErrorKind::kInternalServer, 500,
                         "cannot adopt listening socket: " + ec.message());
    return Ok{};
  }
  auto addr = asio::ip::make_address(im.options.host, ec);
  if (ec)
    return Error::make(ErrorKind::kInternalServer, 500,
                       "invalid --host '" + im.options.host + "': " + ec.message());
  tcp::endpoint ep(addr, im.options.port);
  im.acceptor.open(ep.protocol(), ec);
  if (!ec) im.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(ep, ec);
  if (!ec) im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::make(ErrorKind::kInternalServer, 500,
                       "cannot listen on " + im.options.host + ":" +
                           std::to_string(im.options.port) + ": " + ec.message());
  }
  return Ok{};
}

uint16_t Server::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Server::start() { asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached); }

void Server::stop_accepting(bool close_idle) {
  impl_->stopping = true;
  impl_->close_idle = close_idle;
  boost::system::error_code ec;
  impl_->acceptor.cancel(ec);
  impl_->acceptor.close(ec);
  if (close_idle)
    for (auto* s : std::list<SessionBase*>(impl_->sessions)) s->close_if_idle();
}

size_t Server::connections() const { return impl_->sessions.size(); }

}  // namespace litellm::http
