// providers/ollama: golden files for request, response and stream translation.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "golden.hpp"
#include "litellm/config/loader.hpp"
#include "litellm/providers/registry.hpp"
#include "providers/ollama/ollama_chat.hpp"

namespace json_scan = litellm::json;
using litellm::Error;
using litellm::ErrorKind;
namespace config = litellm::config;
namespace providers = litellm::providers;
using nlohmann::json;

namespace {

std::vector<json> frames(const std::string& sse) {
  std::vector<json> out;
  size_t pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    auto end = sse.find("\n\n", pos);
    out.push_back(json::parse(sse.substr(pos + 6, end - pos - 6)));
    pos = end;
  }
  return out;
}

}  // namespace

TEST(OllamaChat, RequestMatchesGolden) {
  json g = golden::load("ollama", "request_chat.json");
  golden::Call c(g["openai"].dump(), "ollama_chat", "kimi-k2:1t");
  c.in.stream = true;
  auto out = providers::ollama::chat_request(c.in);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(json::parse(*out), g["ollama"]);
}

TEST(OllamaChat, UnsupportedParamsNeedDropParams) {
  golden::Call c(R"({"model":"m","messages":[],"logit_bias":{},"n":2})", "ollama_chat", "m");
  auto refused = providers::ollama::chat_request(c.in);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, 400);
  EXPECT_NE(refused.error().message.find("does not support parameters: ['logit_bias', 'n']"),
            std::string::npos);
  c.in.drop_params = true;
  auto dropped = providers::ollama::chat_request(c.in);
  ASSERT_TRUE(dropped);
  EXPECT_FALSE(json::parse(*dropped).contains("n"));
}

TEST(OllamaChat, ResponseMatchesGolden) {
  json g = golden::load("ollama", "response_chat.json");
  const auto* p = providers::Registry::instance().find("ollama_chat");
  providers::Usage usage;
  auto out = p->translate_response(providers::Endpoint::kChat, g["ollama"].dump(), usage);
  ASSERT_TRUE(out);
  json j = json::parse(*out);
  EXPECT_TRUE(j["id"].get<std::string>().starts_with("chatcmpl-"));
  EXPECT_TRUE(
      j["choices"][0]["message"]["tool_calls"][0]["id"].get<std::string>().starts_with("call_"));
  j.erase("id");
  j.erase("created");
  j.erase("system_fingerprint");
  j["choices"][0]["message"]["tool_calls"][0].erase("id");
  EXPECT_EQ(j, g["openai"]);
  EXPECT_EQ(usage.total_tokens, 30);
}

TEST(OllamaChat, StreamTranscriptMatchesGolden) {
  json g = golden::load("ollama", "stream_chat.json");
  auto t = providers::Registry::instance()
               .find("ollama_chat")
               ->stream_translator(providers::Endpoint::kChat);
  t->set_include_usage(true);
  std::string out;
  for (const auto& line : g["ndjson"]) {  // split each line in two to cross read boundaries
    std::string l = line.get<std::string>() + "\n";
    ASSERT_TRUE(t->feed(l.substr(0, l.size() / 2), out));
    ASSERT_TRUE(t->feed(l.substr(l.size() / 2), out));
  }
  ASSERT_TRUE(t->finish(out));
  auto f = frames(out);
  ASSERT_EQ(f.size(), g["deltas"].size() + 1);  // + the usage chunk
  for (size_t i = 0; i < g["deltas"].size(); ++i) {
    EXPECT_EQ(f[i]["choices"][0]["delta"], g["deltas"][i]) << i;
    EXPECT_EQ(f[i]["choices"][0]["finish_reason"], g["finish_reasons"][i]) << i;
    EXPECT_EQ(f[i]["id"], f[0]["id"]);  // one id per stream
  }
  EXPECT_EQ(f.back()["usage"], g["usage"]);
  EXPECT_TRUE(t->done());
}

TEST(OllamaChat, ErrorsMapByStatusAndStreamErrors) {
  const auto* p = providers::Registry::instance().find("ollama_chat");
  Error e = p->map_error(404, R"({"error":"model \"x\" not found, try pulling it first"})", {});
  EXPECT_EQ(e.kind, ErrorKind::kNotFound);
  EXPECT_EQ(e.message,
            "litellm.NotFoundError: OllamaException - model \"x\" not found, try pulling it first");
  EXPECT_EQ(p->map_error(429, R"({"error":"usage limit"})", {}).kind, ErrorKind::kRateLimit);
  auto t = p->stream_translator(providers::Endpoint::kChat);
  std::string out;
  EXPECT_FALSE(t->feed("{\"error\":\"boom\"}\n", out));
  EXPECT_EQ(providers::ollama::finish_reason("load", false), "stop");
}
