// Listener and sessions. Requests are parsed by net::RequestParser into per-connection storage
// (net/http_io.hpp); responses are written by hand with one gather write (no Beast message, fields
// or serializer on the hot path: see docs/performance.md).
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
#include <boost/beast/http/status.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <list>

#include "litellm/handlers/exchange.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/net/http_io.hpp"

namespace litellm::http {

using namespace std::string_view_literals;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;
using TlsStream = beast::ssl_stream<tcp::socket>;
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
class Session final : public SessionBase,
                      public handlers::ResponseWriter,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Server::Impl& server, Stream stream) : server_(server), stream_(std::move(stream)) {
    it_ = server_.sessions.insert(server_.sessions.end(), this);
  }
  ~Session() override { server_.sessions.erase(it_); }

  void close_if_idle() override {
    if (idle_) close_socket();
  }

  asio::awaitable<void> run() {
    deadline_.emplace(socket().get_executor(), this->weak_from_this(), [this] { close_socket(); });
    if constexpr (!std::is_same_v<Stream, tcp::socket>) {
      deadline_->set(Clock::now() + server_.options.request_read_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kTuple);
      if (ec) co_return;
    }
    // The loop ends when a response said `connection: close`: a response sent while the server ran
    // promised keep-alive, so the next request on this connection is still served (with close).
    for (;;) {
      if (server_.stopping && server_.close_idle)
        break;  // shutdown: no new request on this connection
      body_.clear();
      net::RequestParser parser(head_, &body_);
      parser.header_limit(64 * 1024);
      parser.body_limit(server_.options.body_limit);
      idle_ = true;
      deadline_->set(Clock::now() + server_.options.keepalive_timeout);
      // net::parse_until, inline: one coroutine frame fewer per request.
      beast::error_code hec;
      const auto header_done = [&parser] { return parser.is_header_done(); };
      while (!net::parse_buffered(buffer_, parser, header_done, hec)) {
        auto [rec, n] = co_await stream_.async_read_some(net::read_space(buffer_), kTuple);
        if (net::took_read(rec, n, buffer_, parser, hec)) break;
      }
      idle_ = false;
      if (hec == bhttp::error::body_limit) {  // Content-Length over the limit, seen with the header
        co_await reply_too_large(parser.declared_length());
        break;
      }
      if (hec) {
        peer_closed_ = hec == bhttp::error::end_of_stream;
        if (hec == bhttp::error::header_limit)
          co_await reply_error(431, "Request header fields too large");
        else if (hec != bhttp::error::end_of_stream && !deadline_->expired() &&
                 hec != asio::error::eof && hec != asio::error::operation_aborted &&
                 hec != asio::error::connection_reset && hec != asio::error::bad_descriptor)
          co_await reply_error(400, "Invalid HTTP request: " + hec.message());
        break;
      }
      version_ = head_.version;
      deadline_->set(Clock::now() + server_.options.request_read_timeout);
      if (!parser.is_done()) {
        if (beast::iequals(find_header(head_.fields, "expect").value_or(""), "100-continue")) {
          static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
          auto [wec, wn] = co_await asio::async_write(stream_, asio::buffer(k100), kTuple);
          if (wec) break;
        }
        auto bec = co_await net::parse_until(stream_, buffer_, parser, [] { return false; });
        if (bec) {
          if (bec == bhttp::error::body_limit) {
            co_await reply_too_large(parser.declared_length());
          } else if (!deadline_->expired() && bec != bhttp::error::end_of_stream &&
                     bec != bhttp::error::partial_message) {
            co_await reply_error(400, "Invalid HTTP request: " + bec.message());
          }
          break;
        }
      }
      deadline_->clear();
      keep_alive_ = parser.keep_alive();
      head_only_ = head_.method == "HEAD";
      handlers::HttpRequest req;
      req.method = head_.method;
      req.target = head_.target;
      auto q = req.target.find('?');
      req.path = req.target.substr(0, q);
      req.query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
      req.headers = std::move(head_.fields);  // handed back below: its storage serves the next one
      req.body = body_;
      broken_ = false;
      bool failed = false;
      try {
        co_await server_.handler.handle(req, *this);
      } catch (const std::exception& e) {
        // A bug, not an expected failure: log it, answer 500 if we still can, keep the worker.
        LOG_ERROR("unhandled error while serving {} {}: {}", req.method, req.path, e.what());
        failed = true;
      }
      head_.fields = std::move(req.headers);
      if (failed) {
        if (!broken_ && !responded_) co_await reply_error(500, "Internal Server Error");
        break;
      }
      responded_ = false;
      if (broken_ || !keep_alive_) break;
    }
    boost::system::error_code ec;
    // The peer closed between requests: closing the socket sends our FIN, no shutdown needed.
    if (!peer_closed_) socket().shutdown(tcp::socket::shutdown_send, ec);
    if (linger_ && socket().is_open()) {
      // Lingering close (as nginx): the client may still be sending a body we refused; reading it
      // off for a bounded time lets it see our answer instead of a connection reset.
      deadline_->set(Clock::now() + std::chrono::seconds(2));
      static char sink[16384];
      for (size_t total = 0; total < (256u << 20);) {
        auto [rec, n] = co_await socket().async_read_some(asio::buffer(sink), kTuple);
        if (rec) break;
        total += n;
      }
    }
    deadline_->cancel();
    socket().close(ec);
  }

  // --- ResponseWriter ---
  asio::awaitable<bool> send(int status, std::string_view headers, std::string_view body) override {
    if (server_.stopping) keep_alive_ = false;  // decided when the response goes out
    std::string& head = start_head(status);
    head += "content-length: "sv;
    append_number(head, body.size());
    head += "\r\n"sv;
    head.append(headers);
    if (!keep_alive_) head += "connection: close\r\n"sv;
    head += "\r\n"sv;
    responded_ = true;
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head),
                                           asio::buffer(body.data(), head_only_ ? 0 : body.size())};
    size_t written;
    if (write_now(bufs, written)) co_return !broken_;
    co_return co_await write_rest(bufs, written);
  }

  asio::awaitable<bool> begin_stream(int status, std::string_view headers) override {
    if (server_.stopping) keep_alive_ = false;
    std::string& head = start_head(status);
    chunked_ = version_ >= 11;
    if (chunked_)
      head += "transfer-encoding: chunked\r\n"sv;
    else
      keep_alive_ = false;
    head.append(headers);
    if (!keep_alive_) head += "connection: close\r\n"sv;
    head += "\r\n"sv;
    responded_ = true;
    // Sent together with the first chunk: one write instead of two.
    pending_head_ = true;
    co_return true;
  }

  asio::awaitable<bool> send_chunk(std::string_view data) override {
    if (data.empty()) co_return true;
    const std::string_view head = pending_head_ ? std::string_view(head_out_) : std::string_view{};
    pending_head_ = false;
    if (!chunked_) {
      std::array<asio::const_buffer, 2> bufs{asio::buffer(head.data(), head.size()),
                                             asio::buffer(data.data(), data.size())};
      size_t written;
      if (write_now(bufs, written)) co_return !broken_;
      co_return co_await write_rest(bufs, written);
    }
    char size_line[20];  // the chunk size in hex (to_chars: snprintf cost ~700 instructions)
    char* end = std::to_chars(size_line, size_line + 16, data.size(), 16).ptr;
    *end++ = '\r';
    *end++ = '\n';
    std::array<asio::const_buffer, 4> bufs{
        asio::buffer(head.data(), head.size()),
        asio::buffer(size_line, static_cast<size_t>(end - size_line)),
        asio::buffer(data.data(), data.size()), asio::buffer("\r\n", 2)};
    size_t written;
    if (write_now(bufs, written)) co_return !broken_;
    co_return co_await write_rest(bufs, written);
  }

  asio::awaitable<bool> end_stream() override {
    const std::string_view head = pending_head_ ? std::string_view(head_out_) : std::string_view{};
    pending_head_ = false;
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head.data(), head.size()),
                                           asio::buffer("0\r\n\r\n", chunked_ ? 5 : 0)};
    size_t written;
    if (write_now(bufs, written)) co_return !broken_;
    co_return co_await write_rest(bufs, written);
  }

 private:
  using Clock = std::chrono::steady_clock;

  tcp::socket& socket() { return beast::get_lowest_layer(stream_); }
  void close_socket() {
    boost::system::error_code ec;
    socket().close(ec);
  }

  static void append_number(std::string& out, size_t n) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
  }

  // The status line and server header, in the connection's reusable head buffer.
  std::string& start_head(int status) {
    head_out_.assign(version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    append_number(head_out_, static_cast<size_t>(status));
    head_out_ += ' ';
    head_out_ += bhttp::obsolete_reason(static_cast<bhttp::status>(status));
    head_out_ += "\r\nserver: litellm-cpp\r\n"sv;
    return head_out_;
  }

  // The whole of `bufs` now, if the kernel takes it (the usual case): no coroutine, no Asio
  // operation. False when the rest must wait for the client (write_rest below).
  template <class Buffers>
  bool write_now(const Buffers& bufs, size_t& written) {
    written = 0;
    if (broken_) return true;
    beast::error_code ec;
    written = net::write_now(stream_, bufs, ec);
    if (!net::write_finished(bufs, written, ec)) return false;
    if (ec) broken_ = true;
    return true;
  }

  template <class Buffers>
  asio::awaitable<bool> write_rest(const Buffers& bufs, size_t written) {
    // A client that stops reading must not hold the worker forever.
    deadline_->set(Clock::now() + server_.options.request_read_timeout);
    auto ec = co_await net::write_rest(stream_, bufs, written);
    deadline_->clear();
    if (ec) broken_ = true;
    co_return !ec;
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
  std::optional<net::LazyDeadline> deadline_;
  beast::flat_buffer buffer_;
  net::ParsedHead head_;  // the current request's method, target and fields
  std::string body_;      // the current request's body
  std::string head_out_;  // the current response's head
  std::list<SessionBase*>::iterator it_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_only_ = false;
  bool chunked_ = true;
  bool broken_ = false;
  bool responded_ = false;
  bool idle_ = false;
  bool pending_head_ = false;  // head_out_ goes out with the first chunk
  bool linger_ = false;
  bool peer_closed_ = false;
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
    // Non-blocking from the start: one ioctl serves Asio's operations and our direct writes.
    socket.non_blocking(true, ignored);
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls) {
      auto s = std::make_shared<Session<TlsStream>>(*this, TlsStream(std::move(socket), *tls));
      asio::co_spawn(
          ioc, [s]() -> asio::awaitable<void> { co_await s->run(); }, asio::detached);
    } else {
      auto s = std::make_shared<Session<tcp::socket>>(*this, std::move(socket));
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
