// Redis configuration as LiteLLM reads it, LiteLLM's cooldown record, the counters' merge rules
// and the response cache key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "config_text.hpp"
#include "handlers/cache.hpp"
#include "litellm/common/crypto.hpp"
#include "litellm/config/loader.hpp"
#include "litellm/redis/settings.hpp"
#include "litellm/state/redis_state.hpp"
#include "litellm/state/shared_memory.hpp"

using namespace litellm;
using litellm::test::config_from;

namespace {

struct CleanRedisEnv {
  CleanRedisEnv() {
    for (const char* v : {"REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_URL", "REDIS_SSL",
                          "REDIS_SOCKET_TIMEOUT"})
      unsetenv(v);
  }
};

}  // namespace

TEST(RedisUrl, UserPasswordHostPortDatabaseAndTls) {
  auto o = redis::parse_url("rediss://app:s3cr%t@cache.internal:6380/2?ssl_cert_reqs=none");
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->tls);
  EXPECT_EQ(o->username, "app");
  EXPECT_EQ(o->password, "s3cr%t");
  EXPECT_EQ(o->host, "cache.internal");
  EXPECT_EQ(o->port, "6380");
  EXPECT_EQ(o->db, 2);
  auto plain = redis::parse_url("redis://:pw@[::1]:7000");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "::1");
  EXPECT_EQ(plain->port, "7000");
  EXPECT_EQ(plain->password, "pw");
  EXPECT_TRUE(plain->username.empty());
  EXPECT_FALSE(redis::parse_url("http://localhost:6379"));
  EXPECT_FALSE(redis::parse_url("redis://localhost:6379/zero"));
}

TEST(RedisSettings, SeedFormHostPortPasswordSharesRouterState) {
  CleanRedisEnv clean;
  auto s = redis::settings_from(*config_from(
      "router_settings:\n  redis_host: redis\n  redis_port: 6379\n  redis_password: pw\n"));
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->router);
  EXPECT_EQ(s->router->host, "redis");
  EXPECT_EQ(s->router->port, "6379");
  EXPECT_EQ(s->router->password, "pw");
  EXPECT_FALSE(s->cache);
}

TEST(RedisSettings, HostWithoutPortIsNotRedis) {
  CleanRedisEnv clean;
  auto s = redis::settings_from(*config_from("router_settings:\n  redis_host: redis\n"));
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->router);
}

TEST(RedisSettings, EmptyCacheParamsMeanRedisFromTheEnvironment_LentToTheRouter) {
  CleanRedisEnv clean;
  setenv("REDIS_HOST", "10.0.0.5", 1);
  setenv("REDIS_PORT", "6390", 1);
  setenv("REDIS_PASSWORD", "envpw", 1);
  setenv("REDIS_SOCKET_TIMEOUT", "0.25", 1);
  auto s = redis::settings_from(*config_from("litellm_settings:\n  cache: true\n"));
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->cache);
  EXPECT_EQ(s->cache->redis.host, "10.0.0.5");
  EXPECT_EQ(s->cache->redis.port, "6390");
  EXPECT_EQ(s->cache->redis.password, "envpw");
  EXPECT_EQ(s->cache->redis.command_timeout.count(), 250);
  EXPECT_FALSE(s->cache->ttl);
  EXPECT_TRUE(s->cache->allows("acompletion"));
  EXPECT_TRUE(s->cache->allows("aembedding"));
  ASSERT_TRUE(s->router);  // LiteLLM attaches the cache's Redis to the router
  EXPECT_TRUE(s->router_from_cache);
  EXPECT_EQ(s->router->host, "10.0.0.5");
}

TEST(RedisSettings, CacheParamsTtlNamespaceCallTypesAndMode) {
  CleanRedisEnv clean;
  auto s = redis::settings_from(*config_from(
      "litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n    host: c\n"
      "    port: 7000\n    ssl: true\n    ttl: 600\n    namespace: litellm.caching\n"
      "    supported_call_types: [acompletion]\n    mode: default_off\n"));
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->cache);
  EXPECT_TRUE(s->cache->redis.tls);
  EXPECT_EQ(*s->cache->ttl, 600);
  EXPECT_EQ(s->cache->ns, "litellm.caching");
  EXPECT_TRUE(s->cache->default_off);
  EXPECT_TRUE(s->cache->allows("acompletion"));
  EXPECT_FALSE(s->cache->allows("aembedding"));
}

TEST(RedisSettings, UnsupportedCacheTypeWarnsAndMalformedUrlIsAnError) {
  CleanRedisEnv clean;
  auto local = redis::settings_from(
      *config_from("litellm_settings:\n  cache: true\n  cache_params:\n    namespace: x\n"));
  ASSERT_TRUE(local);
  EXPECT_FALSE(local->cache);  // no type: LiteLLM's in-memory default, which we do not serve
  ASSERT_EQ(local->warnings.size(), 1u);
  EXPECT_NE(local->warnings[0].find("'local'"), std::string::npos);
  auto bad = redis::settings_from(*config_from("router_settings:\n  redis_url: localhost:6379\n"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("router_settings.redis_url"), std::string::npos);
}

TEST(CooldownRecord, LiteLLMsJsonBothWays) {
  state::CooldownRecord r{"litellm.RateLimitError: slow down", 429, 1700000000.5, 5};
  const auto text = state::cooldown_json(r);
  EXPECT_NE(text.find("\"status_code\":\"429\""), std::string::npos);  // a string, as LiteLLM's
  auto back = state::parse_cooldown_json(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status_code, 429);
  EXPECT_DOUBLE_EQ(back->until(), 1700000005.5);
  EXPECT_EQ(back->exception_received, r.exception_received);
  // Written by another LiteLLM version: a numeric status, no exception text.
  auto other = state::parse_cooldown_json(
      R"({"status_code": 500, "timestamp": 1700000000, "cooldown_time": 60})");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status_code, 500);
  EXPECT_FALSE(state::parse_cooldown_json("not json"));
  EXPECT_FALSE(state::parse_cooldown_json(R"({"status_code": "429"})"));
}

// The merge rules the fleet sync relies on, for both host-local backings.
void expect_merge_rules(state::RouterState& s) {
  using M = state::RouterState::Merge;
  s.add_usage("d", 100, 3, 30);
  s.merge_usage("d", 100, {2, 10}, M::kRaise);  // fleet behind us: nothing lost
  EXPECT_EQ(s.usage("d", 100).requests, 3);
  EXPECT_EQ(s.usage("d", 100).tokens, 30);
  s.merge_usage("d", 100, {9, 40}, M::kRaise);  // others counted more
  EXPECT_EQ(s.usage("d", 100).requests, 9);
  EXPECT_EQ(s.usage("d", 100).tokens, 40);
  s.merge_usage("d", 101, {1, 0}, M::kRaise);  // a new minute starts from the fleet's count
  EXPECT_EQ(s.usage("d", 101).requests, 1);
  s.add_usage("par", 0, 4, 0);
  s.merge_usage("par", 0, {2, 0}, M::kAssign);  // in flight: the fleet's count replaces ours
  EXPECT_EQ(s.usage("par", 0).requests, 2);
}

TEST(RouterStateMerge, InProcess) {
  auto s = state::make_in_process_state();
  expect_merge_rules(*s);
}

TEST(RouterStateMerge, SharedMemory) {
  int fd = state::create_shared_region();
  ASSERT_GE(fd, 0);
  auto s = state::attach_shared_region(fd);
  ::close(fd);  // the mapping stays
  ASSERT_TRUE(s);
  expect_merge_rules(*s);
}

TEST(ResponseCacheKey, LiteLLMsParamStringHashedWithNamespace) {
  CleanRedisEnv clean;
  auto s = redis::settings_from(*config_from(
      "litellm_settings:\n  cache: true\n  cache_params: {type: redis, host: h, namespace: ns}\n"));
  ASSERT_TRUE(s && s->cache);
  boost::asio::io_context ioc;
  handlers::ResponseCache cache(*s->cache, std::make_shared<redis::Client>(ioc, s->cache->redis));
  const std::string body =
      R"({"model": "gpt-4o", "messages": [{"role": "user", "content": "it's"}], )"
      R"("temperature": 0.2, "metadata": {"tags": ["a"]}, "user": "u1", "seed": null})";
  std::vector<json::Member> members;
  std::string err;
  ASSERT_TRUE(json::scan_object(body, members, err));
  handlers::ResponseCache::Controls c;
  auto key = cache.key_for(members, "gpt-4o-group", "acompletion", c);
  ASSERT_TRUE(key);
  // Python's f"{param}: {str(value)}" over the call's parameters, in order; the model is the
  // model group; metadata is not a model parameter; None values are skipped.
  EXPECT_EQ(*key, "ns:" + sha256_hex("model: gpt-4o-groupmessages: [{'role': 'user', 'content': "
                                     "\"it's\"}]temperature: 0.2user: u1"));
  EXPECT_FALSE(cache.key_for(members, "gpt-4o-group", "aimage_generation", c));
  // Per-request controls: no-cache, ttl, namespace.
  const std::string controlled =
      R"({"model": "m", "cache": {"no-cache": true, "ttl": 30, "namespace": "mine"}})";
  ASSERT_TRUE(json::scan_object(controlled, members, err));
  handlers::ResponseCache::Controls c2;
  auto k2 = cache.key_for(members, "m", "acompletion", c2);
  ASSERT_TRUE(k2);
  EXPECT_TRUE(c2.no_cache);
  EXPECT_EQ(*c2.ttl, 30);
  EXPECT_TRUE(k2->starts_with("mine:"));
}

TEST(ResponseCacheStream, AddedUpAndReplayedAsAStream) {
  handlers::StreamAssembler a;
  a.feed(
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":7,"
      "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
      "\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":7,"
      "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},"
      "\"finish_reason\":null}]}\n\n");
  EXPECT_FALSE(a.result());  // not finished yet
  a.feed(
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":7,"
      "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
      "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n"
      "data: [DONE]\n\n");
  auto full = a.result();
  ASSERT_TRUE(full);
  auto j = nlohmann::json::parse(*full);
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["choices"][0]["message"]["content"], "Hello");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(j["usage"]["total_tokens"], 5);

  const std::string replay = handlers::ResponseCache::replay_as_stream(*full, true);
  handlers::StreamAssembler again;
  again.feed(replay);
  ASSERT_TRUE(again.result());
  EXPECT_EQ(nlohmann::json::parse(*again.result()), j);  // replaying adds up to the same response
  EXPECT_TRUE(replay.ends_with("data: [DONE]\n\n"));

  handlers::StreamAssembler tools;
  tools.feed(
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[]},"
      "\"finish_reason\":\"tool_calls\"}]}\n\n");
  EXPECT_FALSE(tools.result());
}
