// providers/: error mapping, request rewriting, stream translation, registry resolution.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "litellm/config/loader.hpp"
#include "litellm/providers/mock.hpp"
#include "litellm/providers/registry.hpp"
#include "providers/azure/azure.hpp"
#include "providers/openai/openai_compatible.hpp"

using namespace litellm;
using namespace litellm::providers;

TEST(ErrorMapping, StatusToLiteLLMException) {
  struct Case {
    int status;
    const char* body;
    ErrorKind kind;
    int out;
  } cases[] = {
      {400, R"({"error":{"message":"bad"}})", ErrorKind::kBadRequest, 400},
      {400, R"({"error":{"message":"This model's maximum context length is 4097 tokens"}})",
       ErrorKind::kContextWindowExceeded, 400},
      {400, R"({"error":{"message":"Your request was rejected as a result of our safety system"}})",
       ErrorKind::kContentPolicyViolation, 400},
      {401, "{}", ErrorKind::kAuthentication, 401},
      {403, "{}", ErrorKind::kPermissionDenied, 403},
      {404, "{}", ErrorKind::kNotFound, 404},
      {408, "{}", ErrorKind::kTimeout, 408},
      {422, "{}", ErrorKind::kBadRequest, 400},
      {429, "{}", ErrorKind::kRateLimit, 429},
      {500, "{}", ErrorKind::kInternalServer, 500},
      {502, "{}", ErrorKind::kBadGateway, 502},
      {503, "{}", ErrorKind::kServiceUnavailable, 503},
      {504, "{}", ErrorKind::kTimeout, 504},
      {529, R"({"error":{"message":"rate limit exceeded"}})", ErrorKind::kRateLimit, 429},
      {418, "teapot", ErrorKind::kBadRequest, 400},
  };
  for (const auto& c : cases) {
    Error e = map_http_error("OpenAIException", c.status, c.body, {});
    EXPECT_EQ(e.kind, c.kind) << c.status << " " << c.body;
    EXPECT_EQ(e.status, c.out) << c.status;
  }
  Error e = map_http_error("OpenAIException", 429, R"({"error":{"message":"slow down"}})",
                           {{"Retry-After", "12"}});
  EXPECT_EQ(e.message, "litellm.RateLimitError: OpenAIException - slow down");
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, 12);
  EXPECT_EQ(e.headers.at(0).second, "12");
}

TEST(Usage, ReadsTheTopLevelUsageObject) {
  struct Case {
    const char* body;
    bool present;
    int64_t prompt, completion, total;
  } cases[] = {
      // OpenAI's shape: usage last but for a few fields, with nested details objects.
      {R"({"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":19,)"
       R"("completion_tokens":37,"total_tokens":56,"prompt_tokens_details":{"cached_tokens":0},)"
       R"("completion_tokens_details":{"reasoning_tokens":3}},"service_tier":"default"})",
       true, 19, 37, 56},
      // Details before the counts; a nested key named like a count is not the count.
      {R"({"usage":{"prompt_tokens_details":{"prompt_tokens":99},"prompt_tokens":5,"completion_tokens":2}})",
       true, 5, 2, 7},
      // Pretty-printed, with blanks around the colons.
      {"{\n  \"usage\" : {\n    \"prompt_tokens\" : 3,\n    \"completion_tokens\" :\t4,\n"
       "    \"total_tokens\": 9\n  }\n}",
       true, 3, 4, 9},
      // "usage" inside message content is escaped text, not the key.
      {R"j({"choices":[{"message":{"content":"print(\"usage\": {\"prompt_tokens\": 1})"}}],)j"
       R"("usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}})",
       true, 8, 1, 9},
      // A string value holding a quote and a brace does not end the object early.
      {R"({"usage":{"note":"a \"}\" here","prompt_tokens":1,"completion_tokens":1}})", true, 1, 1,
       2},
      // Streams: the final chunk's usage; chunks with "usage":null carry none.
      {R"({"object":"chat.completion.chunk","choices":[],"usage":null})", false, 0, 0, 0},
      {R"({"object":"chat.completion.chunk","choices":[]})", false, 0, 0, 0},
      // Unterminated: nothing read.
      {R"({"usage":{"prompt_tokens":1,"completion_tokens":2)", false, 0, 0, 0},
      // Counts that are null read as zero.
      {R"({"usage":{"prompt_tokens":null,"completion_tokens":4}})", true, 0, 4, 4},
  };
  for (const auto& c : cases) {
    Usage u;
    EXPECT_EQ(read_usage(c.body, u), c.present) << c.body;
    EXPECT_EQ(u.present, c.present) << c.body;
    EXPECT_EQ(u.prompt_tokens, c.prompt) << c.body;
    EXPECT_EQ(u.completion_tokens, c.completion) << c.body;
    EXPECT_EQ(u.total_tokens, c.total) << c.body;
  }
}

TEST(Rewrite, ReplacesModelStripsLiteLLMKeysAddsDeploymentExtras) {
  auto r = config::load_text(R"(
model_list:
  - model_name: g
    litellm_params: {model: openai/real, temperature: 0.3, seed: 7, additional_drop_params: [logit_bias]}
)",
                             ".");
  ASSERT_TRUE(r.config);
  std::vector<json::Member> members;
  std::string err;
  std::string body =
      R"({"model":"g","messages":[],"temperature":0.9,"metadata":{"a":1},"num_retries":2,"logit_bias":{},"user":"u"})";
  ASSERT_TRUE(json::scan_object(body, members, err));
  CallInput in;
  in.members = &members;
  in.deployment = &r.config->model_list[0];
  in.provider_model = "real";
  in.drop_keys = r.config->model_list[0].params.additional_drop_params;
  auto out = nlohmann::json::parse(openai::rewrite_body(in));
  EXPECT_EQ(out, nlohmann::json::parse(
                     R"({"model":"real","messages":[],"temperature":0.9,"user":"u","seed":7})"));
}

TEST(OpenAIStream, RelaysFramesDetectsDoneUsageAndErrors) {
  const Registry& reg = Registry::instance();
  auto t = reg.find("openai")->stream_translator(Endpoint::kChat);
  std::string out;
  ASSERT_TRUE(t->feed(
      "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: {\"choices\":[],\"usa",
      out));
  EXPECT_EQ(out, "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n");
  out.clear();
  ASSERT_TRUE(t->feed(
      "ge\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}\n\ndata: [DONE]\n\n",
      out));
  EXPECT_TRUE(t->done());
  EXPECT_EQ(t->usage().total_tokens, 7);
  auto t2 = reg.find("openai")->stream_translator(Endpoint::kChat);
  std::string out2;
  auto st = t2->feed("data: {\"error\":{\"message\":\"overloaded\"}}\n\n", out2);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("overloaded"), std::string::npos);
}

TEST(Registry, ResolvesPrefixesAndBareNames) {
  const Registry& reg = Registry::instance();
  auto a = reg.resolve("openrouter/meta-llama/llama-3", std::nullopt);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->provider->info().name, "openrouter");
  EXPECT_EQ(a->model, "meta-llama/llama-3");
  EXPECT_EQ(reg.resolve("gpt-4o", std::nullopt)->provider->info().name, "openai");
  EXPECT_EQ(reg.resolve("x/y", std::string("deepseek"))->model, "x/y");
  EXPECT_FALSE(reg.resolve("mystery-model", std::nullopt));
  EXPECT_FALSE(reg.find("cohere")->info().implemented);
  EXPECT_FALSE(reg.find("bedrock")->info().startup_error.empty());
  setenv("DEEPSEEK_API_BASE", "http://h:1/v9/", 1);
  EXPECT_EQ(reg.api_base(*reg.find("deepseek"), std::nullopt), "http://h:1/v9");
  EXPECT_EQ(reg.api_base(*reg.find("deepseek"), std::string("http://cfg")), "http://cfg");
  setenv("GROQ_API_KEY", "gk", 1);
  EXPECT_EQ(reg.api_key(*reg.find("groq"), std::nullopt), "gk");
}

TEST(Mock, ErrorsAndShapes) {
  auto e = mock::error_for(config::Json("litellm.RateLimitError"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 429);
  EXPECT_FALSE(mock::error_for(config::Json("plain text")));
  auto chat = nlohmann::json::parse(mock::chat_completion("m", "hello"));
  EXPECT_EQ(chat["choices"][0]["message"]["content"], "hello");
  EXPECT_EQ(chat["usage"]["total_tokens"], 30);
  auto frames = mock::chat_stream("m", "a b", true);
  ASSERT_EQ(frames.size(), 4u);  // two words, the finish chunk, the usage chunk
}

TEST(Azure, EndpointUrls) {
  using providers::azure::endpoint_url;
  EXPECT_EQ(
      endpoint_url("https://r.openai.azure.com", "dep", "2024-10-21", Endpoint::kChat),
      "https://r.openai.azure.com/openai/deployments/dep/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(endpoint_url("https://r.openai.azure.com/openai/deployments/x", "dep", "2024-10-21",
                         Endpoint::kEmbedding),
            "https://r.openai.azure.com/openai/deployments/x/embeddings?api-version=2024-10-21");
  EXPECT_EQ(endpoint_url("https://r.openai.azure.com", "dep", "preview", Endpoint::kChat),
            "https://r.openai.azure.com/openai/v1/chat/completions?api-version=preview");
}
