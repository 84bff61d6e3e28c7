// Provider lookup: the `provider/` prefix of litellm_params.model → a Provider.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "litellm/providers/provider.hpp"

namespace litellm::providers {

struct Resolved {
  const Provider* provider = nullptr;
  std::string model;  // the model name after the prefix
};

class Registry {
 public:
  static const Registry& instance();
  const Provider* find(std::string_view name) const;
  // LiteLLM's get_llm_provider: custom_llm_provider, then the prefix, then known bare names.
  Result<Resolved> resolve(const std::string& model,
                           const std::optional<std::string>& custom_llm_provider) const;
  // The api_base a deployment calls: config value, then the provider's variables, then default.
  std::string api_base(const Provider& p, const std::optional<std::string>& configured) const;
  std::optional<std::string> api_key(const Provider& p,
                                     const std::optional<std::string>& configured) const;

 private:
  Registry();
  std::map<std::string, std::unique_ptr<Provider>, std::less<>> providers_;
};

}  // namespace litellm::providers
