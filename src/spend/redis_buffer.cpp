#include "litellm/spend/redis_buffer.hpp"

#include <unistd.h>

#include "litellm/common/crypto.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/redis/client.hpp"

namespace litellm::spend {

namespace asio = boost::asio;

namespace {

// Takes the lock, or renews it when this instance already holds it.
constexpr const char* kLeadScript = R"(local v = redis.call('get', KEYS[1])
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
if v then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1)";

class RedisBuffer final : public db::SpendBuffer {
 public:
  RedisBuffer(std::shared_ptr<redis::Client> client, BufferOptions o)
      : client_(std::move(client)),
        options_(std::move(o)),
        queue_(options_.prefix + "spend_buffer"),
        writing_(options_.prefix + "spend_buffer:writing"),
        lock_(options_.prefix + "spend_writer"),
        token_(std::to_string(::getpid()) + "-" + uuid4()) {}

  asio::awaitable<bool> push(std::string lines) override {
    if (!client_->connected()) co_return false;
    redis::Command cmd{"LPUSH", queue_, std::move(lines)};
    auto r = co_await client_->call(std::move(cmd), options_.timeout);
    if (r.type == redis::Reply::Type::kInteger) co_return true;
    // A timeout may still have landed: then the batch is written twice, which counts once.
    LOG_WARN("spend buffer: Redis did not take a batch ({}); writing it directly", r.str);
    co_return false;
  }

  asio::awaitable<bool> lead() override {
    if (!client_->connected()) co_return false;
    redis::Command cmd{"EVAL", kLeadScript, "1",
                       lock_,  token_,      std::to_string(options_.lock_ttl.count())};
    auto r = co_await client_->call(std::move(cmd), options_.timeout);
    const bool leading = r.type == redis::Reply::Type::kInteger && r.integer == 1;
    if (leading != leading_)
      LOG_INFO("spend buffer: this worker {} the writer", leading ? "is now" : "is no longer");
    leading_ = leading;
    co_return leading;
  }

  asio::awaitable<std::optional<std::string>> next() override {
    // One batch at a time in "writing": the oldest unfinished one first.
    redis::Command peek{"LINDEX", writing_, "-1"};
    auto r = co_await client_->call(std::move(peek), options_.timeout);
    if (r.type == redis::Reply::Type::kString) co_return std::move(r.str);
    if (r.error()) co_return std::nullopt;
    redis::Command take{"RPOPLPUSH", queue_, writing_};  // the oldest (producers LPUSH)
    r = co_await client_->call(std::move(take), options_.timeout);
    if (r.type == redis::Reply::Type::kString) co_return std::move(r.str);
    co_return std::nullopt;
  }

  asio::awaitable<void> done(const std::string& batch) override {
    // By value, not by position: if a slow writer lost the lock meanwhile, the other writer's
    // batch is not the one removed.
    redis::Command rem{"LREM", writing_, "1", batch};
    (void)co_await client_->call(std::move(rem), options_.timeout);
  }

 private:
  std::shared_ptr<redis::Client> client_;
  BufferOptions options_;
  std::string queue_, writing_, lock_, token_;
  bool leading_ = false;
};

}  // namespace

BufferOptions buffer_options() {
  BufferOptions o;
  if (auto ms = env("LITELLM_CPP_SPEND_LOCK_TTL_MS"))
    o.lock_ttl = std::chrono::milliseconds(std::max(100L, std::atol(ms->c_str())));
  return o;
}

std::shared_ptr<db::SpendBuffer> make_redis_buffer(std::shared_ptr<redis::Client> client,
                                                   BufferOptions options) {
  return std::make_shared<RedisBuffer>(std::move(client), std::move(options));
}

}  // namespace litellm::spend
