// Redis client for one worker: one connection on the worker's io_context, commands pipelined,
// replies parsed by hiredis's reader, TLS by Asio. Never blocks the I/O thread: while the
// connection is down, commands fail at once (the callers fall back to host-local state) and the
// client reconnects with backoff.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "litellm/common/error.hpp"

namespace boost::asio {
class io_context;
}

namespace litellm::redis {

struct Reply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // string, status and error replies
  int64_t integer = 0;
  std::vector<Reply> elements;
  bool error() const { return type == Type::kError; }
  static Reply failure(std::string message) {
    Reply r;
    r.type = Type::kError;
    r.str = std::move(message);
    return r;
  }
};

using Command = std::vector<std::string>;

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "6379";
  std::string username;  // ACL user (redis://user:pass@...); empty: AUTH <password>
  std::string password;
  int db = 0;
  bool tls = false;  // rediss:// or ssl: true (the certificate is always verified)
  std::chrono::milliseconds connect_timeout{2000};
  // A reply slower than this is treated as a miss by awaiting callers (REDIS_SOCKET_TIMEOUT).
  std::chrono::milliseconds command_timeout{100};
  // A connection whose oldest command waits longer than this is dropped and reconnected.
  std::chrono::milliseconds stall_timeout{2000};
  std::chrono::milliseconds max_backoff{2000};
  std::string describe() const;  // host:port, for logs (never the password)
};

// redis://[user:password@]host[:port][/db], rediss:// for TLS. Query parameters are ignored.
Result<Options> parse_url(std::string_view url);

class Client {
 public:
  // Called on every transition: up = true once authenticated, false when the connection is lost
  // or cannot be made (with the reason).
  using StateHook = std::function<void(bool up, std::string_view reason)>;

  Client(boost::asio::io_context& ioc, Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start();  // connects in the background
  void stop();   // closes; pending callbacks get an error
  bool connected() const;
  const Options& options() const;
  void on_state_change(StateHook hook);

  // One command; the callback runs on the io_context (at once, with an error reply, when the
  // connection is down).
  void send(Command command, std::function<void(Reply)> done);
  // Several commands written together; one callback with a reply per command.
  void send_batch(std::vector<Command> commands, std::function<void(std::vector<Reply>)> done);
  // Awaitable form with `command_timeout`: a late reply is an error reply ("timeout").
  boost::asio::awaitable<Reply> call(Command command);
  boost::asio::awaitable<Reply> call(Command command, std::chrono::milliseconds timeout);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace litellm::redis
