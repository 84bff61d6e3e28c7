// From a requested model name to a deployment: groups, aliases, ids, wildcards, simple-shuffle.
#pragma once

#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "litellm/common/error.hpp"
#include "litellm/config/config.hpp"
#include "litellm/providers/provider.hpp"

namespace litellm::router {

// A config deployment with its provider resolved once at startup.
struct RoutedDeployment {
  const config::Deployment* config = nullptr;
  const providers::Provider* provider = nullptr;
  std::string provider_model;  // may contain '*' for wildcard deployments
  std::string api_base;
  std::optional<std::string> api_key;
  std::vector<std::string> drop_keys;  // additional_drop_params, global then deployment
};

struct Candidate {
  const RoutedDeployment* deployment = nullptr;
  std::string provider_model;  // wildcard-substituted
};

struct Selection {
  std::string model_group;  // the group the request resolved to
  std::vector<Candidate> candidates;
};

class Router {
 public:
  // Resolves every deployment's provider; unusable deployments are skipped with a warning, as
  // LiteLLM's proxy does (ignore_invalid_deployments).
  static std::unique_ptr<Router> create(config::ConfigPtr cfg, std::vector<std::string>& warnings);

  Result<Selection> resolve(std::string_view requested_model) const;
  // simple-shuffle: weighted by weight, else rpm, else tpm (over all candidates), else uniform.
  size_t pick(const Selection& selection);

  // Public model names for /v1/models: groups in config order, then visible aliases.
  std::vector<std::string> model_names() const;
  const std::vector<RoutedDeployment>& deployments() const { return deployments_; }
  const config::Config& config() const { return *config_; }

 private:
  struct Pattern {
    std::regex regex;
    size_t regex_length = 0;
    size_t metachars = 0;
    std::string model_name;
    std::vector<const RoutedDeployment*> deployments;
  };
  explicit Router(config::ConfigPtr cfg) : config_(std::move(cfg)), rng_(std::random_device{}()) {}
  void collect_group(std::string_view name, Selection& out) const;
  bool match_wildcard(const std::string& name, Selection& out) const;

  config::ConfigPtr config_;
  std::vector<RoutedDeployment> deployments_;
  std::vector<Pattern> patterns_;  // most specific first
  std::mt19937_64 rng_;
};

// Weighted choice as simple-shuffle makes it; exposed for tests. `u` is uniform in [0, 1).
size_t weighted_index(const std::vector<double>& weights, double u);

}  // namespace litellm::router
