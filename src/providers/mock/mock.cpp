// mock_response answers in OpenAI's shapes, with LiteLLM's fixed mock usage (10/20/30 tokens).
#include "litellm/providers/mock.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "litellm/common/crypto.hpp"
#include "litellm/common/sse.hpp"
#include "litellm/providers/translate.hpp"

namespace litellm::providers::mock {
namespace {

using nlohmann::ordered_json;

ordered_json usage() {
  return {{"completion_tokens", 20}, {"prompt_tokens", 10}, {"total_tokens", 30}};
}

struct KindSpec {
  const char* name;
  ErrorKind kind;
  int status;
};
constexpr KindSpec kKinds[] = {
    {"BadRequestError", ErrorKind::kBadRequest, 400},
    {"ContextWindowExceededError", ErrorKind::kContextWindowExceeded, 400},
    {"ContentPolicyViolationError", ErrorKind::kContentPolicyViolation, 400},
    {"AuthenticationError", ErrorKind::kAuthentication, 401},
    {"PermissionDeniedError", ErrorKind::kPermissionDenied, 403},
    {"NotFoundError", ErrorKind::kNotFound, 404},
    {"Timeout", ErrorKind::kTimeout, 408},
    {"UnprocessableEntityError", ErrorKind::kUnprocessableEntity, 422},
    {"RateLimitError", ErrorKind::kRateLimit, 429},
    {"InternalServerError", ErrorKind::kInternalServer, 500},
    {"APIError", ErrorKind::kApiError, 500},
    {"APIConnectionError", ErrorKind::kApiConnection, 500},
    {"BadGatewayError", ErrorKind::kBadGateway, 502},
    {"ServiceUnavailableError", ErrorKind::kServiceUnavailable, 503},
};

}  // namespace

std::optional<Error> error_for(const config::Json& mock_response) {
  if (!mock_response.is_string()) return std::nullopt;
  const auto& s = mock_response.get_ref<const std::string&>();
  if (s.starts_with("Exception: ")) {
    return Error::make(ErrorKind::kInternalServer, 500,
                       "litellm.InternalServerError: " + s.substr(11));
  }
  if (!s.starts_with("litellm.")) return std::nullopt;
  std::string_view cls = std::string_view(s).substr(8);
  for (const auto& k : kKinds) {
    if (cls == k.name) {
      Error e = Error::make(
          k.kind, k.status,
          "litellm." + std::string(k.name) + ": This is a mock exception for model=mock.");
      if (k.kind == ErrorKind::kRateLimit) e.headers.emplace_back("retry-after", "1");
      return e;
    }
  }
  return std::nullopt;
}

std::string text_of(const config::Json& mock_response) {
  if (mock_response.is_string()) return mock_response.get<std::string>();
  return mock_response.dump();
}

std::string chat_completion(std::string_view model, std::string_view content) {
  ordered_json j = {
      {"id", "chatcmpl-" + uuid4()},
      {"created", unix_now()},
      {"model", std::string(model)},
      {"object", "chat.completion"},
      {"system_fingerprint", nullptr},
      {"choices", ordered_json::array({ordered_json{{"finish_reason", "stop"},
                                                    {"index", 0},
                                                    {"message",
                                                     {{"content", std::string(content)},
                                                      {"role", "assistant"},
                                                      {"tool_calls", nullptr},
                                                      {"function_call", nullptr}}}}})},
      {"usage", usage()}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> chat_stream(std::string_view model, std::string_view content,
                                     bool include_usage) {
  std::vector<std::string> frames;
  const std::string id = "chatcmpl-" + uuid4();
  const int64_t created = unix_now();
  auto chunk = [&](ordered_json delta, ordered_json finish) {
    ordered_json j = {
        {"id", id},
        {"created", created},
        {"model", std::string(model)},
        {"object", "chat.completion.chunk"},
        {"system_fingerprint", nullptr},
        {"choices", ordered_json::array({ordered_json{
                        {"finish_reason", finish}, {"index", 0}, {"delta", delta}}})}};
    frames.push_back(sse::frame(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  };
  // One chunk per word (with its trailing space), the first one carrying the role.
  size_t pos = 0;
  bool first = true;
  while (pos < content.size()) {
    size_t next = content.find(' ', pos);
    next = next == std::string_view::npos ? content.size() : next + 1;
    ordered_json delta = {{"content", std::string(content.substr(pos, next - pos))}};
    if (first) delta["role"] = "assistant";
    chunk(delta, nullptr);
    first = false;
    pos = next;
  }
  if (first) chunk(ordered_json{{"content", ""}, {"role", "assistant"}}, nullptr);
  chunk(ordered_json::object(), "stop");
  if (include_usage) {
    ordered_json j = {{"id", id},
                      {"created", created},
                      {"model", std::string(model)},
                      {"object", "chat.completion.chunk"},
                      {"system_fingerprint", nullptr},
                      {"choices", ordered_json::array()},
                      {"usage", usage()}};
    frames.push_back(sse::frame(j.dump()));
  }
  return frames;
}

std::string text_completion(std::string_view model, std::string_view content) {
  ordered_json j = {{"id", "cmpl-" + uuid4()},
                    {"object", "text_completion"},
                    {"created", unix_now()},
                    {"model", std::string(model)},
                    {"choices", ordered_json::array({ordered_json{{"text", std::string(content)},
                                                                  {"index", 0},
                                                                  {"logprobs", nullptr},
                                                                  {"finish_reason", "stop"}}})},
                    {"usage", usage()}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string embedding(std::string_view model, size_t inputs) {
  ordered_json data = ordered_json::array();
  for (size_t i = 0; i < std::max<size_t>(inputs, 1); ++i) {
    ordered_json vec = ordered_json::array();
    for (int k = 0; k < 8; ++k) vec.push_back(0.1 * static_cast<double>((k + i) % 10));
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", vec}});
  }
  ordered_json j = {{"object", "list"},
                    {"data", data},
                    {"model", std::string(model)},
                    {"usage", {{"prompt_tokens", 10}, {"total_tokens", 10}}}};
  return j.dump();
}

}  // namespace litellm::providers::mock
