// providers/gemini: golden request mapping, response mapping (safety, usage), URLs and errors.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "golden.hpp"
#include "litellm/config/loader.hpp"
#include "litellm/providers/registry.hpp"
#include "providers/gemini/gemini.hpp"

namespace json_scan = litellm::json;
namespace providers = litellm::providers;
using nlohmann::json;

TEST(Gemini, RequestMatchesGolden) {
  json g = golden::load("gemini", "request_chat.json");
  golden::Call c(g["openai"].dump(), "gemini", "gemini-2.5-pro");
  auto out = providers::gemini::chat_request(c.in);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(json::parse(*out), g["gemini"]);
}

TEST(Gemini, ResponseSafetyBlockAndUsage) {
  const auto* p = providers::Registry::instance().find("gemini");
  providers::Usage usage;
  auto out = p->translate_response(providers::Endpoint::kChat,
                                   R"({"candidates":[{"content":{"parts":[{"text":"x"}]},
    "finishReason":"SAFETY","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,
    "thoughtsTokenCount":4,"totalTokenCount":11,"cachedContentTokenCount":3}})",
                                   usage);
  ASSERT_TRUE(out);
  json j = json::parse(*out);
  EXPECT_EQ(j["choices"][0]["finish_reason"], "content_filter");
  EXPECT_TRUE(j["choices"][0]["message"]["content"].is_null());
  EXPECT_EQ(j["usage"]["completion_tokens"], 6);  // thoughts not already in the total: added
  EXPECT_EQ(j["usage"]["completion_tokens_details"]["reasoning_tokens"], 4);
  EXPECT_EQ(j["usage"]["prompt_tokens_details"]["cached_tokens"], 3);
  EXPECT_EQ(usage.total_tokens, 11);
  EXPECT_EQ(providers::gemini::finish_reason("MAX_TOKENS"), "length");
  EXPECT_EQ(providers::gemini::finish_reason("FINISH_REASON_UNSPECIFIED"), "stop");
}

TEST(Gemini, UrlsAndErrors) {
  using providers::gemini::request_url;
  EXPECT_EQ(request_url("https://generativelanguage.googleapis.com", false, "gemini-2.5-flash",
                        providers::Endpoint::kChat, true),
            "https://generativelanguage.googleapis.com/v1beta/models/"
            "gemini-2.5-flash:streamGenerateContent?alt=sse");
  EXPECT_EQ(
      request_url("https://generativelanguage.googleapis.com", false, "gemini-3-pro",
                  providers::Endpoint::kChat, false),
      "https://generativelanguage.googleapis.com/v1alpha/models/gemini-3-pro:generateContent");
  EXPECT_EQ(
      request_url("https://gw.example/v1beta", true, "m", providers::Endpoint::kEmbedding, false),
      "https://gw.example/v1beta/models/m:batchEmbedContents");
  const auto* p = providers::Registry::instance().find("gemini");
  EXPECT_EQ(
      p->map_error(429, R"({"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}})",
                   {})
          .kind,
      litellm::ErrorKind::kRateLimit);
  EXPECT_EQ(
      p->map_error(400, R"({"error":{"code":400,"message":"API key not valid."}})", {}).status,
      401);
  EXPECT_EQ(p->map_error(403, R"({"error":{"code":403,"message":"denied"}})", {}).status,
            400);  // LiteLLM maps 403 to 400
}

TEST(Gemini, StreamTranscriptMatchesGolden) {
  json g = golden::load("gemini", "stream_chat.json");
  auto t =
      providers::Registry::instance().find("gemini")->stream_translator(providers::Endpoint::kChat);
  t->set_include_usage(true);
  golden::expect_stream(golden::translate_stream(*t, g["events"]), g);
}
