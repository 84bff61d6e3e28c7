// The client-facing HTTP/1.1 listener (plain or TLS): one coroutine per connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "litellm/common/error.hpp"

namespace boost::asio {
class io_context;
}

namespace litellm::handlers {
class RequestHandler;
}

namespace litellm::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 4000;
  std::optional<std::string> ssl_certfile;
  std::optional<std::string> ssl_keyfile;
  std::chrono::seconds keepalive_timeout{5};  // uvicorn's default
  std::chrono::seconds request_read_timeout{60};
  size_t body_limit = 64u << 20;
  int listen_fd = -1;  // an inherited listening socket (supervisor); -1 = bind ourselves
};

class Server {
 public:
  Server(boost::asio::io_context& ioc, handlers::RequestHandler& handler, ServerOptions options);
  ~Server();
  // Binds and listens (or adopts listen_fd). Errors name the address.
  Status listen();
  uint16_t port() const;
  void start();
  // Stops accepting; in-flight requests finish. With `close_idle`, idle keep-alive connections are
  // closed now (shutdown); without, each answers its next request with `connection: close` or
  // ends at its idle timeout, so no client request races a close (recycling).
  void stop_accepting(bool close_idle = true);
  size_t connections() const;

  struct Impl;  // defined in server.cpp (sessions need it)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace litellm::http
