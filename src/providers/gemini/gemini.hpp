// Google AI Studio (Gemini API): generateContent / streamGenerateContent?alt=sse /
// batchEmbedContents.
#pragma once

#include "litellm/providers/provider.hpp"

namespace litellm::providers::gemini {

class Gemini final : public Provider {
 public:
  Gemini();
  const ProviderInfo& info() const override { return info_; }
  Result<UpstreamCall> build(const CallInput& in) const override;
  Result<std::string> translate_response(Endpoint endpoint, std::string&& body,
                                         Usage& usage) const override;
  std::unique_ptr<StreamTranslator> stream_translator(Endpoint endpoint) const override;
  Error map_error(int status, std::string_view body, const HeaderViews& headers) const override;

 private:
  ProviderInfo info_;
};

// OpenAI chat body → generateContent body; exposed for golden tests.
Result<std::string> chat_request(const CallInput& in);
std::string request_url(const std::string& api_base, bool custom_base, const std::string& model,
                        Endpoint endpoint, bool stream);
std::string finish_reason(std::string_view gemini_reason);

}  // namespace litellm::providers::gemini
