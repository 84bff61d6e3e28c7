// From a requested model name to a deployment: groups, aliases, ids, wildcards, simple-shuffle.
#pragma once

#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "litellm/common/error.hpp"
#include "litellm/config/config.hpp"
#include "litellm/providers/provider.hpp"
#include "litellm/router/policy.hpp"
#include "litellm/state/router_state.hpp"

namespace litellm::router {

// A config deployment with its provider resolved once at startup.
struct RoutedDeployment {
  const config::Deployment* config = nullptr;
  const providers::Provider* provider = nullptr;
  std::string provider_model;  // may contain '*' for wildcard deployments
  std::string api_base;
  std::optional<std::string> api_key;
  std::vector<std::string> drop_keys;  // additional_drop_params, global then deployment
  size_t stats = 0;  // the router's counters for this deployment's id (shared by equal ids)
};

struct Candidate {
  const RoutedDeployment* deployment = nullptr;
  std::string provider_model;  // wildcard-substituted
};

struct Selection {
  std::string model_group;  // the group the request resolved to
  std::vector<Candidate> candidates;
};

// Router settings with LiteLLM's defaults and precedence applied once.
struct RouterOptions {
  double cooldown_time = 5;  // DEFAULT_COOLDOWN_TIME_SECONDS
  bool disable_cooldowns = false;
  bool legacy_allowed_fails = false;  // allowed_fails_policy set, or allowed_fails != litellm's
  int allowed_fails = 3;
  int num_retries = 2;  // openai.DEFAULT_MAX_RETRIES
  double retry_after = 0;
  int max_fallbacks = 5;  // ROUTER_MAX_FALLBACKS
  bool enforce_rate_limits = false;
  bool order_filter = false;
  enum class Strategy { kSimpleShuffle, kLeastBusy } strategy = Strategy::kSimpleShuffle;
  static RouterOptions from(const config::Config& cfg, std::vector<std::string>& warnings);
};

class Router {
 public:
  // Resolves every deployment's provider; unusable deployments are skipped with a warning, as
  // LiteLLM's proxy does (ignore_invalid_deployments).
  // Deployments whose provider cannot run at all go to `errors` (when given).
  static std::unique_ptr<Router> create(config::ConfigPtr cfg, std::vector<std::string>& warnings,
                                        std::vector<std::string>* errors = nullptr);

  Result<Selection> resolve(std::string_view requested_model) const;
  // The candidates not cooling down (and within their rpm/tpm when those are enforced). None:
  // LiteLLM's 429 "No deployments available for selected model, Try again in N seconds".
  Result<std::vector<const Candidate*>> healthy(const Selection& selection,
                                                std::string_view requested);
  // The routing strategy's choice among healthy candidates (an index into `healthy`).
  size_t pick(const std::vector<const Candidate*>& healthy);

  // Bookkeeping around each upstream attempt (cooldown counters, usage, in-flight).
  void on_start(const RoutedDeployment& d);
  void on_success(const RoutedDeployment& d, int64_t tokens);
  // Tokens of a stream, known only at its end.
  void on_success_tokens(const RoutedDeployment& d, int64_t tokens);
  // Runs LiteLLM's cooldown logic for this failure; returns true when the deployment was benched.
  bool on_failure(const RoutedDeployment& d, const Error& e);
  size_t group_size(const std::string& model_name) const;

  // Retries for this error: x-litellm-num-retries / body / deployment / settings, then
  // retry_policy.
  int num_retries(const Error& e, std::optional<int> request_value, const RoutedDeployment& d,
                  bool* policy_named = nullptr) const;
  // Fallback groups for a failed group, in order (context-window and content-policy lists for
  // their errors, then fallbacks / default_fallbacks by exact, provider-stripped or "*" key).
  // `typed_only` is set when a typed list applies but has no entry (generic ones are not tried).
  std::vector<std::string> fallbacks_for(const Error& e, const std::string& group) const;
  bool has_fallbacks() const;
  bool has_context_window_fallbacks() const;
  bool has_content_policy_fallbacks() const;
  // LiteLLM §6.4: a successful answer with finish_reason "content_filter" goes to the fallbacks
  // when content_policy_fallbacks has an entry for the group, or (none configured) a "*" fallback
  // exists.
  bool content_filter_falls_back(const std::string& group) const;
  // x-ratelimit-* for a group from rpm/tpm usage this minute (empty when no rpm/tpm is set).
  std::vector<std::pair<std::string, std::string>> ratelimit_headers(const Selection& selection);

  const RouterOptions& options() const { return options_; }
  void set_clock(const Clock* clock) { clock_ = clock; }
  void set_state(std::shared_ptr<state::RouterState> s) { state_ = std::move(s); }
  state::RouterState& state() { return *state_; }
  const std::shared_ptr<state::RouterState>& shared_state() const { return state_; }

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
  struct Stats {
    MinuteWindow successes;
    MinuteWindow failures;
    int allowed_fails_count = 0;     // legacy mode: failures in the current window
    double allowed_fails_until = 0;  // legacy mode: end of the fixed window
    int in_flight = 0;
    bool cooling = false;  // a cooldown start was logged and its end not yet
  };
  explicit Router(config::ConfigPtr cfg) : config_(std::move(cfg)), rng_(std::random_device{}()) {}
  void collect_group(std::string_view name, Selection& out) const;
  bool match_wildcard(const std::string& name, Selection& out) const;
  bool allowed_fails_cools(Stats& s, const Error& e, double now);
  const config::Json& fallback_list(const config::Json& router_value,
                                    const config::Json& global_value) const;

  config::ConfigPtr config_;
  RouterOptions options_;
  std::vector<RoutedDeployment> deployments_;
  std::vector<Pattern> patterns_;  // most specific first
  std::vector<Stats> stats_;       // per deployment id: RoutedDeployment::stats
  std::shared_ptr<state::RouterState> state_;
  const Clock* clock_ = &system_clock();
  std::mt19937_64 rng_;
};

// Weighted choice as simple-shuffle makes it; exposed for tests. `u` is uniform in [0, 1).
size_t weighted_index(const std::vector<double>& weights, double u);

}  // namespace litellm::router
