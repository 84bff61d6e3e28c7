// Azure OpenAI (providers.md §6): deployment URLs, api-version, api-key; bodies and streams as
// OpenAI.
#include "azure.hpp"

#include "../openai/openai_compatible.hpp"
#include "litellm/common/strings.hpp"

namespace litellm::providers::azure {

Azure::Azure()
    : info_{"azure",
            "AzureException",
            "",
            {"AZURE_API_BASE"},
            {"AZURE_OPENAI_API_KEY", "AZURE_API_KEY"},
            true} {}

std::string endpoint_url(const std::string& api_base, const std::string& deployment,
                         const std::string& api_version, Endpoint endpoint) {
  const char* suffix = endpoint == Endpoint::kEmbedding    ? "/embeddings"
                       : endpoint == Endpoint::kCompletion ? "/completions"
                                                           : "/chat/completions";
  // The v1 API ("preview", "latest", "v1") takes the deployment in the body instead of the path.
  if (api_version == "preview" || api_version == "latest" || api_version == "v1")
    return api_base + "/openai/v1" + suffix +
           (api_version == "v1" ? "" : "?api-version=" + api_version);
  std::string base = api_base.find("/openai/deployments") != std::string::npos
                         ? api_base
                         : api_base + "/openai/deployments/" + deployment;
  return base + suffix + "?api-version=" + api_version;
}

Result<UpstreamCall> Azure::build(const CallInput& in) const {
  if (in.api_base.empty())
    return Error::make(ErrorKind::kBadRequest, 400,
                       "litellm.BadRequestError: azure/ requires api_base (litellm_params.api_base "
                       "or AZURE_API_BASE)");
  std::string version = in.deployment->params.api_version.value_or(
      env("AZURE_API_VERSION").value_or(kDefaultApiVersion));
  UpstreamCall call;
  call.url = endpoint_url(in.api_base, in.provider_model, version, in.endpoint);
  call.headers.emplace_back("Content-Type", "application/json");
  if (in.api_key && !in.api_key->empty()) {
    call.headers.emplace_back("api-key", *in.api_key);
  } else if (auto token = env("AZURE_AD_TOKEN"); token && !token->empty()) {
    call.headers.emplace_back("Authorization", "Bearer " + *token);
  }
  call.body = openai::rewrite_body(in);
  return call;
}

Result<std::string> Azure::translate_response(Endpoint, std::string&& body, Usage& usage) const {
  read_usage(body, usage);
  return std::move(body);
}

std::unique_ptr<StreamTranslator> Azure::stream_translator(Endpoint) const {
  return openai::make_sse_relay(info_.exception_name);
}

}  // namespace litellm::providers::azure
