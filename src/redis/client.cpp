// The connection state machine: resolve → connect → (TLS) → AUTH/SELECT → up; on any error all
// pending callbacks fail, the socket closes and a timer retries with doubling backoff. Writes are
// coalesced: commands issued while a write is in flight go out together in the next one.
#include "litellm/redis/client.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <deque>
#include <optional>

#include "litellm/logging/log.hpp"

namespace litellm::redis {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string Options::describe() const {
  return (tls ? "rediss://" : "redis://") + host + ":" + port;
}

Result<Options> parse_url(std::string_view url) {
  Options o;
  auto bad = [&](std::string_view why) {
    return Error::make(ErrorKind::kInternalServer, 500,
                       std::string("invalid Redis URL (") + std::string(why) + ")", "None", "None");
  };
  if (url.starts_with("rediss://")) {
    o.tls = true;
    url.remove_prefix(9);
  } else if (url.starts_with("redis://")) {
    url.remove_prefix(8);
  } else {
    return bad("expected redis:// or rediss://");
  }
  url = url.substr(0, url.find('?'));
  std::string_view path;
  if (size_t slash = url.find('/'); slash != std::string_view::npos) {
    path = url.substr(slash + 1);
    url = url.substr(0, slash);
  }
  if (size_t at = url.rfind('@'); at != std::string_view::npos) {
    std::string_view cred = url.substr(0, at);
    url.remove_prefix(at + 1);
    if (size_t colon = cred.find(':'); colon != std::string_view::npos) {
      o.username = std::string(cred.substr(0, colon));
      o.password = std::string(cred.substr(colon + 1));
    } else {
      o.password = std::string(cred);
    }
  }
  if (!url.empty() && url.front() == '[') {  // [ipv6]:port
    size_t close = url.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    o.host = std::string(url.substr(1, close - 1));
    url.remove_prefix(close + 1);
    if (url.starts_with(":")) o.port = std::string(url.substr(1));
  } else if (size_t colon = url.rfind(':'); colon != std::string_view::npos) {
    o.host = std::string(url.substr(0, colon));
    o.port = std::string(url.substr(colon + 1));
  } else if (!url.empty()) {
    o.host = std::string(url);
  }
  if (o.host.empty()) return bad("no host");
  if (!path.empty()) {
    auto [p, ec] = std::from_chars(path.data(), path.data() + path.size(), o.db);
    if (ec != std::errc() || p != path.data() + path.size()) return bad("database is not a number");
  }
  return o;
}

namespace {

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = r->type == REDIS_REPLY_STRING   ? Reply::Type::kString
                 : r->type == REDIS_REPLY_STATUS ? Reply::Type::kStatus
                                                 : Reply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

void append_command(std::string& out, const Command& c) {
  out += '*';
  out += std::to_string(c.size());
  out += "\r\n";
  for (const auto& a : c) {
    out += '$';
    out += std::to_string(a.size());
    out += "\r\n";
    out += a;
    out += "\r\n";
  }
}

}  // namespace

struct Client::Impl : std::enable_shared_from_this<Impl> {
  enum class State { kIdle, kConnecting, kHandshake, kUp, kStopped };

  Impl(asio::io_context& ioc, Options o)
      : ioc(ioc), options(std::move(o)), resolver(ioc), retry(ioc), watchdog(ioc) {
    // Only for rediss://: loading the system trust store costs megabytes and milliseconds.
    if (options.tls) {
      tls_ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      tls_ctx->set_default_verify_paths();
      tls_ctx->set_verify_mode(asio::ssl::verify_peer);
    }
  }

  ~Impl() {
    if (reader) redisReaderFree(reader);
  }

  asio::io_context& ioc;
  Options options;
  std::unique_ptr<asio::ssl::context> tls_ctx;  // rediss:// only
  tcp::resolver resolver;
  std::unique_ptr<tcp::socket> plain;                   // redis://
  std::unique_ptr<asio::ssl::stream<tcp::socket>> tls;  // rediss://
  tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }
  bool open() const { return plain || tls; }
  asio::steady_timer retry, watchdog;
  redisReader* reader = nullptr;
  State state = State::kIdle;
  uint64_t generation = 0;  // bumps on every (re)connect: stale completions are ignored
  struct Waiting {
    std::function<void(Reply)> done;
    Clock::time_point sent;
  };
  std::deque<Waiting> waiting;  // replies expected, in order
  std::string out, writing;
  bool write_busy = false;
  std::array<char, 16384> in{};
  std::chrono::milliseconds backoff{0};
  bool announced_down = false;  // the outage was logged (once per outage)
  StateHook hook;

  bool up() const { return state == State::kUp; }

  void start() {
    if (state != State::kIdle) return;
    connect();
    arm_watchdog();
  }

  void stop() {
    state = State::kStopped;
    retry.cancel();
    watchdog.cancel();
    resolver.cancel();
    close("stopped");
  }

  void transition(bool to_up, std::string_view reason) {
    if (to_up) {
      // The recovery is logged at the outage's level, so that whoever saw one sees the other.
      if (announced_down)
        LOG_WARN("Redis {} is reachable again; sharing resumes", options.describe());
      else
        LOG_INFO("Redis connected: {}", options.describe());
      announced_down = false;
    } else if (!announced_down) {
      announced_down = true;
      LOG_WARN("Redis {} unavailable ({}); using host-local state and retrying", options.describe(),
               reason);
    }
    if (hook) hook(to_up, reason);
  }

  void connect() {
    state = State::kConnecting;
    const uint64_t gen = ++generation;
    if (reader) redisReaderFree(reader);
    reader = redisReaderCreate();
    if (options.tls)
      tls = std::make_unique<asio::ssl::stream<tcp::socket>>(ioc, *tls_ctx);
    else
      plain = std::make_unique<tcp::socket>(ioc);
    auto self = shared_from_this();
    // The whole connection attempt (resolve, connect, TLS, AUTH) has one deadline.
    retry.expires_after(options.connect_timeout);
    retry.async_wait([self, gen](const boost::system::error_code& ec) {
      if (!ec && self->generation == gen && self->state != State::kUp &&
          self->state != State::kStopped)
        self->fail("connect timeout");
    });
    resolver.async_resolve(
        options.host, options.port,
        [self, gen](const boost::system::error_code& ec, tcp::resolver::results_type results) {
          if (self->generation != gen || self->state == State::kStopped) return;
          if (ec) return self->fail("resolve: " + ec.message());
          asio::async_connect(
              self->socket(), results,
              [self, gen](const boost::system::error_code& ec, const tcp::endpoint&) {
                if (self->generation != gen || self->state == State::kStopped) return;
                if (ec) return self->fail("connect: " + ec.message());
                self->socket().set_option(tcp::no_delay(true));
                if (!self->options.tls) return self->handshake(gen);
                SSL_set_tlsext_host_name(self->tls->native_handle(), self->options.host.c_str());
                self->tls->set_verify_callback(
                    asio::ssl::host_name_verification(self->options.host));
                self->tls->async_handshake(
                    asio::ssl::stream_base::client,
                    [self, gen](const boost::system::error_code& ec) {
                      if (self->generation != gen || self->state == State::kStopped) return;
                      if (ec) return self->fail("TLS: " + ec.message());
                      self->handshake(gen);
                    });
              });
        });
  }

  // AUTH and SELECT go first on a new connection; user commands wait for kUp.
  void handshake(uint64_t gen) {
    state = State::kHandshake;
    read_loop(gen);
    auto self = shared_from_this();
    std::vector<Command> cmds;
    if (!options.password.empty()) {
      if (options.username.empty())
        cmds.push_back({"AUTH", options.password});
      else
        cmds.push_back({"AUTH", options.username, options.password});
    }
    if (options.db != 0) cmds.push_back({"SELECT", std::to_string(options.db)});
    cmds.push_back({"PING"});
    for (size_t i = 0; i < cmds.size(); ++i)
      enqueue(std::move(cmds[i]), [self, gen, last = i + 1 == cmds.size()](Reply r) {
        if (self->generation != gen) return;  // an earlier reply failed the connection
        if (r.error()) return self->fail("handshake: " + r.str);
        if (!last) return;
        self->state = State::kUp;
        self->backoff = std::chrono::milliseconds(0);
        self->retry.cancel();
        self->transition(true, "");
      });
  }

  void enqueue(Command c, std::function<void(Reply)> done) {
    append_command(out, c);
    waiting.push_back({std::move(done), Clock::now()});
    flush();
  }

  void flush() {
    if (write_busy || out.empty() || !open()) return;
    write_busy = true;
    writing.swap(out);
    out.clear();
    auto self = shared_from_this();
    const uint64_t gen = generation;
    auto done = [self, gen](const boost::system::error_code& ec, size_t) {
      if (self->generation != gen) return;
      self->write_busy = false;
      self->writing.clear();
      if (ec) return self->fail("write: " + ec.message());
      self->flush();
    };
    if (tls)
      asio::async_write(*tls, asio::buffer(writing), done);
    else
      asio::async_write(*plain, asio::buffer(writing), done);
  }

  void read_loop(uint64_t gen) {
    auto self = shared_from_this();
    auto on_read = [self, gen](const boost::system::error_code& ec, size_t n) {
      if (self->generation != gen || self->state == State::kStopped) return;
      if (ec) return self->fail("read: " + ec.message());
      if (redisReaderFeed(self->reader, self->in.data(), n) != REDIS_OK)
        return self->fail("protocol error");
      for (;;) {
        void* raw = nullptr;
        if (redisReaderGetReply(self->reader, &raw) != REDIS_OK)
          return self->fail("protocol error");
        if (raw == nullptr) break;
        Reply r = convert(static_cast<redisReply*>(raw));
        freeReplyObject(raw);
        if (self->waiting.empty()) return self->fail("unexpected reply");
        auto w = std::move(self->waiting.front());
        self->waiting.pop_front();
        w.done(std::move(r));
        if (self->generation != gen) return;  // the callback closed the connection
      }
      self->read_loop(gen);
    };
    if (tls)
      tls->async_read_some(asio::buffer(in), on_read);
    else
      plain->async_read_some(asio::buffer(in), on_read);
  }

  void close(std::string_view reason) {
    ++generation;
    if (open()) {
      boost::system::error_code ignored;
      socket().close(ignored);
    }
    write_busy = false;
    out.clear();
    writing.clear();
    auto pending = std::move(waiting);
    waiting.clear();
    for (auto& w : pending)
      w.done(Reply::failure(std::string("Redis connection: ") + std::string(reason)));
  }

  void fail(std::string reason) {
    if (state == State::kStopped) return;
    const bool was_up = state == State::kUp;
    state = State::kIdle;  // before close(): callbacks that send again must see the outage
    close(reason);
    if (was_up || !announced_down) transition(false, reason);
    backoff = std::min(options.max_backoff,
                       backoff.count() ? backoff * 2 : std::chrono::milliseconds(100));
    auto self = shared_from_this();
    retry.expires_after(backoff);
    retry.async_wait([self](const boost::system::error_code& ec) {
      if (!ec && self->state == State::kIdle) self->connect();
    });
  }

  // A server that stops answering (paused, network black hole) holds replies forever: drop the
  // connection when the oldest command has waited past stall_timeout.
  void arm_watchdog() {
    auto self = shared_from_this();
    watchdog.expires_after(std::chrono::milliseconds(250));
    watchdog.async_wait([self](const boost::system::error_code& ec) {
      if (ec || self->state == State::kStopped) return;
      if (!self->waiting.empty() && self->state == State::kUp &&
          Clock::now() - self->waiting.front().sent > self->options.stall_timeout)
        self->fail("no reply within " + std::to_string(self->options.stall_timeout.count()) +
                   " ms");
      self->arm_watchdog();
    });
  }

  void send(Command c, std::function<void(Reply)> done) {
    if (!up()) {
      Reply r = Reply::failure("Redis not connected");
      asio::post(ioc, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
      return;
    }
    enqueue(std::move(c), std::move(done));
  }
};

Client::Client(asio::io_context& ioc, Options options)
    : impl_(std::make_shared<Impl>(ioc, std::move(options))) {}

Client::~Client() { impl_->stop(); }

void Client::start() { impl_->start(); }
void Client::stop() { impl_->stop(); }
bool Client::connected() const { return impl_->up(); }
const Options& Client::options() const { return impl_->options; }
void Client::on_state_change(StateHook hook) { impl_->hook = std::move(hook); }

void Client::send(Command command, std::function<void(Reply)> done) {
  impl_->send(std::move(command), std::move(done));
}

void Client::send_batch(std::vector<Command> commands,
                        std::function<void(std::vector<Reply>)> done) {
  if (commands.empty()) {
    asio::post(impl_->ioc, [done = std::move(done)] { done({}); });
    return;
  }
  struct Batch {
    std::vector<Reply> replies;
    size_t left;
    std::function<void(std::vector<Reply>)> done;
  };
  auto b = std::make_shared<Batch>();
  b->replies.resize(commands.size());
  b->left = commands.size();
  b->done = std::move(done);
  for (size_t i = 0; i < commands.size(); ++i)
    impl_->send(std::move(commands[i]), [b, i](Reply r) {
      b->replies[i] = std::move(r);
      if (--b->left == 0) b->done(std::move(b->replies));
    });
}

asio::awaitable<Reply> Client::call(Command command) {
  return call(std::move(command), impl_->options.command_timeout);
}

asio::awaitable<Reply> Client::call(Command command, std::chrono::milliseconds timeout) {
  struct Wait {
    explicit Wait(asio::io_context& ioc) : timer(ioc) {}
    asio::steady_timer timer;
    std::optional<Reply> reply;
  };
  auto w = std::make_shared<Wait>(impl_->ioc);
  w->timer.expires_after(timeout);
  impl_->send(std::move(command), [w](Reply r) {
    w->reply = std::move(r);
    w->timer.cancel();
  });
  boost::system::error_code ec;
  co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (w->reply) co_return std::move(*w->reply);
  co_return Reply::failure("timeout");
}

}  // namespace litellm::redis
