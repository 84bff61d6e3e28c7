// The provider table: prefixes, default bases and key variables (LiteLLM's provider list).
#include "litellm/providers/registry.hpp"

#include "anthropic/anthropic.hpp"
#include "azure/azure.hpp"
#include "gemini/gemini.hpp"
#include "litellm/common/strings.hpp"
#include "ollama/ollama_chat.hpp"
#include "openai/openai_compatible.hpp"

namespace litellm::providers {
namespace {

// A prefix LiteLLM knows whose wire format lands with the providers issue: accepted in the
// config, and each request gets a clear error instead of a wrong translation.
class NotYetImplemented final : public Provider {
 public:
  explicit NotYetImplemented(ProviderInfo info) : info_(std::move(info)) {
    info_.implemented = false;
  }
  const ProviderInfo& info() const override { return info_; }
  Result<UpstreamCall> build(const CallInput&) const override {
    return Error::make(ErrorKind::kBadRequest, 400,
                       "litellm.BadRequestError: provider '" + info_.name +
                           "' is not supported by this litellm-cpp build yet (see "
                           "docs/compatibility.md). Use an OpenAI-compatible api_base instead.");
  }
  Result<std::string> translate_response(Endpoint, std::string&& body, Usage&) const override {
    return std::move(body);
  }
  std::unique_ptr<StreamTranslator> stream_translator(Endpoint) const override { return nullptr; }

 private:
  ProviderInfo info_;
};

ProviderInfo compat(std::string name, std::string exception, std::string base,
                    std::vector<std::string> base_env, std::vector<std::string> key_env) {
  return ProviderInfo{std::move(name),     std::move(exception), std::move(base),
                      std::move(base_env), std::move(key_env),   true};
}

}  // namespace

Registry::Registry() {
  using openai::OpenAICompatible;
  auto add = [&](ProviderInfo info) {
    std::string name = info.name;
    providers_[name] = std::make_unique<OpenAICompatible>(std::move(info));
  };
  add(compat("openai", "OpenAIException", "https://api.openai.com/v1",
             {"OPENAI_BASE_URL", "OPENAI_API_BASE"}, {"OPENAI_API_KEY"}));
  add(compat("text-completion-openai", "OpenAIException", "https://api.openai.com/v1",
             {"OPENAI_BASE_URL", "OPENAI_API_BASE"}, {"OPENAI_API_KEY"}));
  add(compat("deepseek", "DeepseekException", "https://api.deepseek.com/beta",
             {"DEEPSEEK_API_BASE"}, {"DEEPSEEK_API_KEY"}));
  add(compat("moonshot", "MoonshotException", "https://api.moonshot.ai/v1", {"MOONSHOT_API_BASE"},
             {"MOONSHOT_API_KEY"}));
  add(compat("groq", "GroqException", "https://api.groq.com/openai/v1", {"GROQ_API_BASE"},
             {"GROQ_API_KEY"}));
  add(compat("hosted_vllm", "Hosted_vllmException", "", {"HOSTED_VLLM_API_BASE"},
             {"HOSTED_VLLM_API_KEY"}));
  add(compat("openrouter", "OpenrouterException", "https://openrouter.ai/api/v1",
             {"OPENROUTER_API_BASE"}, {"OPENROUTER_API_KEY", "OR_API_KEY"}));
  add(compat("mistral", "MistralException", "https://api.mistral.ai/v1", {"MISTRAL_API_BASE"},
             {"MISTRAL_API_KEY"}));
  add(compat("together_ai", "Together_aiException", "https://api.together.xyz/v1",
             {"TOGETHER_AI_API_BASE"},
             {"TOGETHERAI_API_KEY", "TOGETHER_API_KEY", "TOGETHER_AI_API_KEY"}));
  add(compat("fireworks_ai", "Fireworks_aiException", "https://api.fireworks.ai/inference/v1",
             {"FIREWORKS_API_BASE"}, {"FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY"}));
  add(compat("xai", "XaiException", "https://api.x.ai/v1", {"XAI_API_BASE"}, {"XAI_API_KEY"}));
  add(compat("cerebras", "CerebrasException", "https://api.cerebras.ai/v1", {"CEREBRAS_API_BASE"},
             {"CEREBRAS_API_KEY"}));
  add(compat("perplexity", "PerplexityException", "https://api.perplexity.ai",
             {"PERPLEXITY_API_BASE"}, {"PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"}));
  add(compat("deepinfra", "DeepInfraException", "https://api.deepinfra.com/v1/openai",
             {"DEEPINFRA_API_BASE"}, {"DEEPINFRA_API_KEY"}));
  add(compat("nvidia_nim", "Nvidia_nimException", "https://integrate.api.nvidia.com/v1",
             {"NVIDIA_NIM_API_BASE"}, {"NVIDIA_NIM_API_KEY"}));
  add(compat("lm_studio", "Lm_studioException", "", {"LM_STUDIO_API_BASE"}, {"LM_STUDIO_API_KEY"}));
  add(compat("dashscope", "DashscopeException",
             "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", {"DASHSCOPE_API_BASE"},
             {"DASHSCOPE_API_KEY"}));
  add(compat("github", "GithubException", "https://models.inference.ai.azure.com",
             {"GITHUB_API_BASE"}, {"GITHUB_API_KEY"}));
  add(compat("litellm_proxy", "Litellm_proxyException", "", {"LITELLM_PROXY_API_BASE"},
             {"LITELLM_PROXY_API_KEY"}));
  add(compat("openai_like", "OpenAILikeException", "", {}, {}));
  add(compat("custom_openai", "OpenAIException", "", {}, {}));
  providers_["ollama_chat"] = std::make_unique<ollama::OllamaChat>(false);
  providers_["ollama"] = std::make_unique<ollama::OllamaChat>(true);
  providers_["azure"] = std::make_unique<azure::Azure>();
  providers_["gemini"] = std::make_unique<gemini::Gemini>();
  // Vertex AI and Bedrock need service-account OAuth and SigV4 signing: refused at startup, so that
  // a config relying on them fails loudly instead of at the first request.
  for (const char* name : {"vertex_ai", "vertex_ai_beta", "bedrock"}) {
    ProviderInfo info{name, "Exception", "", {}, {}, false};
    info.startup_error =
        std::string("provider '") + name +
        "/' is not supported by litellm-cpp yet (its authentication is not implemented; see "
        "docs/compatibility.md)";
    providers_[name] = std::make_unique<NotYetImplemented>(std::move(info));
  }
  providers_["anthropic"] = std::make_unique<anthropic::Anthropic>();
  for (const char* name : {"azure_ai", "cohere", "cohere_chat", "huggingface", "replicate",
                           "sagemaker", "watsonx", "databricks", "anthropic_text"}) {
    providers_[name] =
        std::make_unique<NotYetImplemented>(ProviderInfo{name, "Exception", "", {}, {}, false});
  }
}

const Registry& Registry::instance() {
  static const Registry r;
  return r;
}

const Provider* Registry::find(std::string_view name) const {
  auto it = providers_.find(name);
  return it == providers_.end() ? nullptr : it->second.get();
}

Result<Resolved> Registry::resolve(const std::string& model,
                                   const std::optional<std::string>& custom_llm_provider) const {
  if (custom_llm_provider) {
    const Provider* p = find(*custom_llm_provider);
    if (p == nullptr)
      return Error::make(ErrorKind::kBadRequest, 400,
                         "Unsupported provider - " + *custom_llm_provider);
    std::string prefix = *custom_llm_provider + "/";
    return Resolved{p, model.starts_with(prefix) ? model.substr(prefix.size()) : model};
  }
  if (auto slash = model.find('/'); slash != std::string::npos) {
    if (const Provider* p = find(std::string_view(model).substr(0, slash)))
      return Resolved{p, model.substr(slash + 1)};
  }
  // Bare names LiteLLM recognises from its model lists.
  std::string_view m = model;
  if (m == "*" || m.starts_with("gpt-") || m.starts_with("ft:gpt") || m.starts_with("o1") ||
      m.starts_with("o3") || m.starts_with("o4") || m.starts_with("text-embedding-") ||
      m.starts_with("chatgpt-") || m.starts_with("davinci") || m.starts_with("babbage"))
    return Resolved{find("openai"), model};
  if (m.starts_with("claude-")) return Resolved{find("anthropic"), model};
  if (m.starts_with("gemini-")) return Resolved{find("vertex_ai"), model};
  return Error::make(ErrorKind::kBadRequest, 400,
                     "LLM Provider NOT provided. Pass in the LLM provider you are trying to call. "
                     "You passed model=" +
                         model);
}

std::string Registry::api_base(const Provider& p,
                               const std::optional<std::string>& configured) const {
  std::string base;
  if (configured && !configured->empty()) {
    base = *configured;
  } else {
    for (const auto& var : p.info().base_env)
      if (auto v = env(var.c_str()); v && !v->empty()) {
        base = *v;
        break;
      }
    if (base.empty()) base = p.info().default_api_base;
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::optional<std::string> Registry::api_key(const Provider& p,
                                             const std::optional<std::string>& configured) const {
  if (configured) return configured;
  for (const auto& var : p.info().key_env)
    if (auto v = env(var.c_str()); v && !v->empty()) return v;
  return std::nullopt;
}

}  // namespace litellm::providers
