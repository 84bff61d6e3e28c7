// OpenAI-compatible upstreams: the body is spliced, not re-serialized; responses pass through.
#include "openai_compatible.hpp"

#include <algorithm>
#include <unordered_set>

#include "litellm/common/sse.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/providers/sse_stream.hpp"

namespace litellm::providers::openai {
namespace {

const char* endpoint_suffix(Endpoint e) {
  switch (e) {
    case Endpoint::kChat:
      return "/chat/completions";
    case Endpoint::kCompletion:
      return "/completions";
    case Endpoint::kEmbedding:
      return "/embeddings";
  }
  return "/chat/completions";
}

const Needle kError("\"error\"");
const Needle kUsage("\"usage\"");

class OpenAIStream final : public SseStreamTranslator {
 public:
  explicit OpenAIStream(std::string exception_name) : exception_name_(std::move(exception_name)) {}

 private:
  Status on_events(const std::vector<sse::Event>& events, std::string& out) override {
    for (const auto& ev : events) {
      std::string_view data = trim(ev.data);
      if (data.empty()) continue;
      if (data == "[DONE]") {
        done_ = true;
        continue;
      }
      if (ev.event == "error" || (kError.in(data) && is_error(data))) {
        return map_http_error(exception_name_, 500, data, {});
      }
      if (kUsage.in(data)) read_usage(data, usage_);
      out.append("data: ");
      out.append(data);
      out.append("\n\n");
    }
    return Ok{};
  }
  static bool is_error(std::string_view data) {
    std::vector<json::Member> m;
    std::string err;
    return json::scan_object(data, m, err) && json::find(m, "error") != nullptr &&
           json::find(m, "choices") == nullptr;
  }
  std::string exception_name_;
};

}  // namespace

bool is_litellm_only_key(std::string_view key) {
  static const std::unordered_set<std::string_view> kKeys = {"metadata",
                                                             "litellm_metadata",
                                                             "mock_response",
                                                             "mock_tool_calls",
                                                             "num_retries",
                                                             "fallbacks",
                                                             "context_window_fallbacks",
                                                             "content_policy_fallbacks",
                                                             "timeout",
                                                             "stream_timeout",
                                                             "request_timeout",
                                                             "api_key",
                                                             "api_base",
                                                             "api_version",
                                                             "base_url",
                                                             "drop_params",
                                                             "additional_drop_params",
                                                             "allowed_openai_params",
                                                             "caching",
                                                             "cache",
                                                             "tags",
                                                             "guardrails",
                                                             "litellm_call_id",
                                                             "litellm_session_id",
                                                             "litellm_trace_id",
                                                             "litellm_logging_obj",
                                                             "proxy_server_request",
                                                             "model_info",
                                                             "custom_llm_provider",
                                                             "disable_fallbacks",
                                                             "max_fallbacks",
                                                             "no-log",
                                                             "litellm_request_debug",
                                                             "mock_timeout",
                                                             "mock_delay",
                                                             "prompt_id",
                                                             "prompt_variables",
                                                             "model_list",
                                                             "input_cost_per_token",
                                                             "output_cost_per_token",
                                                             "litellm_disabled_callbacks",
                                                             "litellm_credential_name",
                                                             "use_in_pass_through"};
  if (key.starts_with("mock_testing_") || key.starts_with("user_api_key")) return true;
  return kKeys.contains(key);
}

std::string rewrite_body(const CallInput& in) {
  const auto& members = *in.members;
  std::vector<json::Edit> edits;
  edits.reserve(members.size() + 4);
  edits.push_back({"model", json::quote(in.provider_model)});
  auto drop = [&](std::string_view key) { edits.push_back({key, std::nullopt}); };
  for (const auto& m : members)
    if (m.key != "model" &&
        (is_litellm_only_key(m.key) ||
         std::find(in.drop_keys.begin(), in.drop_keys.end(), m.key) != in.drop_keys.end()))
      drop(m.key);
  // Deployment extras (e.g. temperature in litellm_params) fill keys the client did not send.
  std::vector<std::string> extra_values;
  const config::Json* sources[] = {&in.deployment->params.extra, in.default_params};
  for (const config::Json* src : sources) {
    if (src == nullptr || !src->is_object()) continue;
    for (auto it = src->begin(); it != src->end(); ++it) {
      const std::string& k = it.key();
      if (is_litellm_only_key(k) || json::find(members, k) != nullptr) continue;
      bool seen =
          std::any_of(edits.begin(), edits.end(), [&](const json::Edit& e) { return e.key == k; });
      if (seen) continue;
      extra_values.push_back(k);
    }
  }
  std::vector<std::string> rendered;
  rendered.reserve(extra_values.size());
  for (const auto& k : extra_values) {
    const config::Json& v = in.deployment->params.extra.contains(k) ? in.deployment->params.extra[k]
                                                                    : (*in.default_params)[k];
    rendered.push_back(v.dump());
  }
  for (size_t i = 0; i < extra_values.size(); ++i) edits.push_back({extra_values[i], rendered[i]});
  return json::rebuild_object(members, edits);
}

Result<UpstreamCall> OpenAICompatible::build(const CallInput& in) const {
  if (in.api_base.empty()) {
    return Error::make(ErrorKind::kBadRequest, 400,
                       "litellm.BadRequestError: " + info_.name +
                           " requires api_base: set litellm_params.api_base or " +
                           (info_.base_env.empty() ? std::string("the provider's base URL variable")
                                                   : info_.base_env.front()));
  }
  UpstreamCall call;
  call.url = in.api_base + endpoint_suffix(in.endpoint);
  call.headers.reserve(4);
  call.headers.emplace_back("Content-Type", "application/json");
  if (in.stream)
    call.headers.emplace_back("Accept", "text/event-stream");
  else
    call.headers.emplace_back("Accept", "application/json");
  if (in.api_key && !in.api_key->empty())
    call.headers.emplace_back("Authorization", "Bearer " + *in.api_key);
  const auto& extra = in.deployment->raw_params;
  if (extra.contains("organization") && extra["organization"].is_string())
    call.headers.emplace_back("OpenAI-Organization", extra["organization"].get<std::string>());
  call.body = rewrite_body(in);
  return call;
}

Result<std::string> OpenAICompatible::translate_response(Endpoint, std::string&& body,
                                                         Usage& usage) const {
  read_usage(body, usage);
  return std::move(body);
}

std::unique_ptr<StreamTranslator> make_sse_relay(std::string exception_name) {
  return std::make_unique<OpenAIStream>(std::move(exception_name));
}

std::unique_ptr<StreamTranslator> OpenAICompatible::stream_translator(Endpoint) const {
  return make_sse_relay(info_.exception_name);
}

}  // namespace litellm::providers::openai
