// Azure OpenAI: OpenAI's wire format at a deployment URL with api-version and an api-key header.
#pragma once

#include "litellm/providers/provider.hpp"

namespace litellm::providers::azure {

inline constexpr const char* kDefaultApiVersion =
    "2025-02-01-preview";  // litellm.AZURE_DEFAULT_API_VERSION

class Azure final : public Provider {
 public:
  Azure();
  const ProviderInfo& info() const override { return info_; }
  Result<UpstreamCall> build(const CallInput& in) const override;
  Result<std::string> translate_response(Endpoint endpoint, std::string&& body,
                                         Usage& usage) const override;
  std::unique_ptr<StreamTranslator> stream_translator(Endpoint endpoint) const override;

 private:
  ProviderInfo info_;
};

// The request URL for a deployment (exposed for tests).
std::string endpoint_url(const std::string& api_base, const std::string& deployment,
                         const std::string& api_version, Endpoint endpoint);

}  // namespace litellm::providers::azure
