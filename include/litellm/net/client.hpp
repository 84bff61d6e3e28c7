// Upstream HTTP/1.1 client: keep-alive pool per origin, TLS with verification, deadlines.
// Beast stays inside src/net; callers see plain types.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "litellm/common/error.hpp"
#include "litellm/common/strings.hpp"

namespace boost::asio {
class io_context;
}

namespace litellm::net {

using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;    // path and query, without a trailing slash; may be empty
  std::string origin;  // scheme://host:port, what pooled connections are kept by: url_origin()
};
Result<Url> parse_url(std::string_view url);
std::string url_origin(bool tls, std::string_view host, std::string_view port);

struct Request {
  std::string method = "POST";
  Url url;          // origin and path
  Headers headers;  // Host, Content-Length and Connection are added by the client
  std::string body;
};

struct Deadline {
  Clock::time_point total;                   // the whole exchange
  std::chrono::milliseconds connect{10000};  // TCP connect + TLS handshake
  std::chrono::milliseconds idle{600000};    // first byte, and between body reads
};

class ConnectionPool;

// One request and its response. Destroying it returns a cleanly finished connection to the
// pool; anything else (an error, an unread body, abandon()) closes the connection.
class Exchange {
 public:
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // Sends the request and reads the response head.
  boost::asio::awaitable<Status> start(const Request& request, const Deadline& deadline);
  int status() const;
  // The response's fields, valid while this exchange lives.
  const HeaderViews& headers() const;
  // Next body bytes as they arrive; an empty view means the body is complete. The view is valid
  // until the next call.
  boost::asio::awaitable<Result<std::string_view>> read_some();
  boost::asio::awaitable<Result<std::string>> read_all(size_t limit);
  // The whole body when the bytes already received complete it (no read, no coroutine: an answer
  // that came with its head), else nullopt and read_all() waits for the rest.
  std::optional<Result<std::string>> take_body(size_t limit);
  // Closes the connection now (client went away): cancels the upstream request.
  void abandon();
  // Replaces the deadlines for the reads still to come (e.g. once a stream's first chunk arrived).
  void set_deadline(const Deadline& deadline);

 private:
  friend class Client;
  struct Impl;
  explicit Exchange(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Client {
 public:
  struct Options {
    bool verify_tls = true;
    size_t max_idle_per_origin = 64;
    std::chrono::seconds idle_keepalive{60};
    // Keep one connection per origin ready while requests go there: when a request has taken the
    // last idle one, another is opened in the background once its response head is in, so the next
    // request does not wait for a TCP connect (and a TLS handshake) on its path.
    bool warm_spare = false;
  };
  Client(boost::asio::io_context& ioc, Options options);
  ~Client();
  std::unique_ptr<Exchange> exchange();
  // parse_url, remembered: requests go to the few URLs their deployments name.
  Result<Url> url(std::string_view url);

 private:
  std::shared_ptr<ConnectionPool> pool_;
  std::unordered_map<std::string, Url, StringHash, std::equal_to<>> urls_;
};

// Error for a transport failure (connect refused, reset, timeout), as LiteLLM maps it.
Error transport_error(std::string_view what, bool timeout);

}  // namespace litellm::net
