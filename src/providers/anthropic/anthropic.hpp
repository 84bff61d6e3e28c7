// Anthropic Messages API (/v1/messages): request, response and event-stream translation.
#pragma once

#include "litellm/providers/provider.hpp"

namespace litellm::providers::anthropic {

inline constexpr int kDefaultMaxTokens = 4096;  // DEFAULT_ANTHROPIC_CHAT_MAX_TOKENS

class Anthropic final : public Provider {
 public:
  Anthropic();
  const ProviderInfo& info() const override { return info_; }
  Result<UpstreamCall> build(const CallInput& in) const override;
  Result<std::string> translate_response(Endpoint endpoint, std::string&& body,
                                         Usage& usage) const override;
  std::unique_ptr<StreamTranslator> stream_translator(Endpoint endpoint) const override;
  Error map_error(int status, std::string_view body, const HeaderViews& headers) const override;

 private:
  ProviderInfo info_;
};

// OpenAI chat body → Messages API body; exposed for golden tests.
Result<std::string> messages_request(const CallInput& in);
std::string finish_reason(std::string_view stop_reason);

}  // namespace litellm::providers::anthropic
