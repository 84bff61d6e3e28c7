// The OpenAI wire format, spoken by openai/ and every OpenAI-compatible prefix.
#pragma once

#include "litellm/providers/provider.hpp"

namespace litellm::providers::openai {

class OpenAICompatible final : public Provider {
 public:
  explicit OpenAICompatible(ProviderInfo info) : info_(std::move(info)) {}
  const ProviderInfo& info() const override { return info_; }
  Result<UpstreamCall> build(const CallInput& in) const override;
  Result<std::string> translate_response(Endpoint endpoint, std::string&& body,
                                         Usage& usage) const override;
  std::unique_ptr<StreamTranslator> stream_translator(Endpoint endpoint) const override;

 private:
  ProviderInfo info_;
};

// The OpenAI SSE relay (frames passed through, [DONE], usage and in-stream errors detected).
std::unique_ptr<StreamTranslator> make_sse_relay(std::string exception_name);

// Request keys that LiteLLM consumes itself and never sends to a provider.
bool is_litellm_only_key(std::string_view key);

// The request body for an OpenAI-compatible upstream: model replaced, LiteLLM-only keys and
// additional_drop_params removed, deployment extras added where the client did not set them.
std::string rewrite_body(const CallInput& in);

}  // namespace litellm::providers::openai
