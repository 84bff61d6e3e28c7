// providers/anthropic: golden request mapping, response mapping, finish reasons, error mapping.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "golden.hpp"
#include "litellm/config/loader.hpp"
#include "litellm/providers/registry.hpp"
#include "providers/anthropic/anthropic.hpp"

namespace json_scan = litellm::json;
namespace providers = litellm::providers;
using nlohmann::json;

TEST(Anthropic, RequestMatchesGolden) {
  json g = golden::load("anthropic", "request_chat.json");
  golden::Call c(g["openai"].dump(), "anthropic", "claude-sonnet-4-5");
  auto out = providers::anthropic::messages_request(c.in);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(json::parse(*out), g["anthropic"]);
}

TEST(Anthropic, ResponseAndUsage) {
  const auto* p = providers::Registry::instance().find("anthropic");
  providers::Usage usage;
  auto out = p->translate_response(providers::Endpoint::kChat,
                                   R"({"id":"msg_1","model":"claude-x","content":[
    {"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Hi"},
    {"type":"tool_use","id":"toolu_9","name":"f","input":{"a":1}}],"stop_reason":"tool_use",
    "usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":4,"cache_creation_input_tokens":1}})",
                                   usage);
  ASSERT_TRUE(out);
  json j = json::parse(*out);
  EXPECT_EQ(j["choices"][0]["finish_reason"], "tool_calls");
  EXPECT_EQ(j["choices"][0]["message"]["reasoning_content"], "hmm");
  EXPECT_EQ(j["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"], "{\"a\":1}");
  EXPECT_EQ(j["usage"]["prompt_tokens"], 15);
  EXPECT_EQ(j["usage"]["prompt_tokens_details"]["cached_tokens"], 4);
  EXPECT_EQ(usage.total_tokens, 20);
  EXPECT_EQ(providers::anthropic::finish_reason("max_tokens"), "length");
  EXPECT_EQ(providers::anthropic::finish_reason("model_context_window_exceeded"), "length");
  EXPECT_EQ(providers::anthropic::finish_reason("refusal"), "content_filter");
}

TEST(Anthropic, Errors) {
  const auto* p = providers::Registry::instance().find("anthropic");
  auto e = p->map_error(
      529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})", {});
  EXPECT_EQ(e.kind, litellm::ErrorKind::kInternalServer);
  EXPECT_EQ(e.status, 500);
  EXPECT_EQ(
      p->map_error(
           400, R"({"type":"error","error":{"message":"prompt is too long: 250000 tokens"}})", {})
          .kind,
      litellm::ErrorKind::kContextWindowExceeded);
  EXPECT_EQ(
      p->map_error(429, R"({"type":"error","error":{"message":"slow"}})", {{"retry-after", "9"}})
          .retry_after,
      9);
}

TEST(Anthropic, StreamTranscriptMatchesGolden) {
  json g = golden::load("anthropic", "stream_chat.json");
  auto t = providers::Registry::instance()
               .find("anthropic")
               ->stream_translator(providers::Endpoint::kChat);
  t->set_include_usage(true);
  golden::expect_stream(golden::translate_stream(*t, g["events"]), g);
}
