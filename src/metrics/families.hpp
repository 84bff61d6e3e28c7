// Every metric family, in one list (the exposition order): LiteLLM's names, types, help texts and
// label names, then litellm-cpp's own process families. docs/observability.md mirrors this table.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace litellm::metrics {

enum class Type { kCounter, kGauge, kHistogram };

enum class F : uint16_t {
  kProxyFailed,
  kProxyTotal,
  kTotalLatency,
  kLlmLatency,
  kTtft,
  kOverhead,
  kSpend,
  kTotalTokens,
  kInputTokens,
  kOutputTokens,
  kRequestsLegacy,
  kRemainingTeamBudget,
  kTeamMaxBudget,
  kTeamBudgetHours,
  kRemainingKeyBudget,
  kKeyMaxBudget,
  kKeyBudgetHours,
  kRemainingUserBudget,
  kUserMaxBudget,
  kUserBudgetHours,
  kRemainingRequests,
  kRemainingTokens,
  kDeploymentState,
  kDeploymentTpmLimit,
  kDeploymentRpmLimit,
  kDeploymentCooledDown,
  kDeploymentSuccess,
  kDeploymentFailure,
  kDeploymentTotal,
  kDeploymentLatencyPerToken,
  kSuccessfulFallbacks,
  kFailedFallbacks,
  kAlerts,  // litellm-cpp
  kRedisOutages,
  kCount
};

struct Family {
  std::string_view name;
  Type type;
  std::string_view help;
  std::vector<std::string_view> labels;
  bool always = false;  // kept without callbacks: ["prometheus"] (litellm-cpp's own)
};

// The request labels, in LiteLLM's order for each family.
inline const std::array<Family, static_cast<size_t>(F::kCount)>& families() {
  using V = std::vector<std::string_view>;
  static const V deployment = {"litellm_model_name", "model_id", "api_base", "api_provider"};
  static const V deployment_req = {
      "requested_model", "litellm_model_name", "model_id", "api_base",  "api_provider",
      "hashed_api_key",  "api_key_alias",      "team",     "team_alias"};
  static const V fallback = {"requested_model",  "fallback_model", "hashed_api_key",
                             "api_key_alias",    "team",           "team_alias",
                             "exception_status", "exception_class"};
  static const V tokens = {"end_user", "hashed_api_key", "api_key_alias", "model",
                           "team",     "team_alias",     "user",          "requested_model"};
  static const V latency = {"end_user", "hashed_api_key", "api_key_alias", "requested_model",
                            "team",     "team_alias",     "user",          "model"};
  static const V remaining = {"model_group",        "api_provider",   "api_base",
                              "litellm_model_name", "hashed_api_key", "api_key_alias"};
  static const std::array<Family, static_cast<size_t>(F::kCount)> all = {{
      {"litellm_proxy_failed_requests_metric",
       Type::kCounter,
       "Total number of failed responses from proxy - the client did not get a success response "
       "from litellm proxy",
       {"end_user", "hashed_api_key", "api_key_alias", "requested_model", "team", "team_alias",
        "user", "exception_status", "exception_class"}},
      {"litellm_proxy_total_requests_metric",
       Type::kCounter,
       "Total number of requests made to the proxy server - track number of client side requests",
       {"end_user", "hashed_api_key", "api_key_alias", "requested_model", "team", "team_alias",
        "user", "status_code"}},
      {"litellm_request_total_latency_metric", Type::kHistogram,
       "Total latency (seconds) for a request to LiteLLM", latency},
      {"litellm_llm_api_latency_metric",
       Type::kHistogram,
       "Total latency (seconds) for a models LLM API call",
       {"model", "hashed_api_key", "api_key_alias", "team", "team_alias", "requested_model",
        "end_user", "user"}},
      {"litellm_llm_api_time_to_first_token_metric",
       Type::kHistogram,
       "Time to first token for a models LLM API call",
       {"model", "hashed_api_key", "api_key_alias", "team", "team_alias"}},
      {"litellm_overhead_latency_metric", Type::kHistogram,
       "Latency overhead (milliseconds) added by LiteLLM processing", latency},
      {"litellm_spend_metric",
       Type::kCounter,
       "Total spend on LLM requests",
       {"end_user", "hashed_api_key", "api_key_alias", "model", "team", "team_alias", "user"}},
      {"litellm_total_tokens_metric", Type::kCounter,
       "Total number of input + output tokens from LLM requests", tokens},
      {"litellm_input_tokens_metric", Type::kCounter,
       "Total number of input tokens from LLM requests", tokens},
      {"litellm_output_tokens_metric", Type::kCounter,
       "Total number of output tokens from LLM requests", tokens},
      {"litellm_requests_metric",
       Type::kCounter,
       "deprecated - use litellm_proxy_total_requests_metric. Total number of LLM calls to "
       "litellm - track total per API Key, team, user",
       {"end_user", "hashed_api_key", "api_key_alias", "model", "team", "team_alias", "user"}},
      {"litellm_remaining_team_budget_metric",
       Type::kGauge,
       "Remaining budget for team",
       {"team", "team_alias"}},
      {"litellm_team_max_budget_metric",
       Type::kGauge,
       "Maximum budget set for team",
       {"team", "team_alias"}},
      {"litellm_team_budget_remaining_hours_metric",
       Type::kGauge,
       "Remaining days for team budget to be reset",
       {"team", "team_alias"}},
      {"litellm_remaining_api_key_budget_metric",
       Type::kGauge,
       "Remaining budget for api key",
       {"hashed_api_key", "api_key_alias"}},
      {"litellm_api_key_max_budget_metric",
       Type::kGauge,
       "Maximum budget set for api key",
       {"hashed_api_key", "api_key_alias"}},
      {"litellm_api_key_budget_remaining_hours_metric",
       Type::kGauge,
       "Remaining hours for api key budget to be reset",
       {"hashed_api_key", "api_key_alias"}},
      {"litellm_remaining_user_budget_metric", Type::kGauge, "Remaining budget for user", {"user"}},
      {"litellm_user_max_budget_metric", Type::kGauge, "Maximum budget set for user", {"user"}},
      {"litellm_user_budget_remaining_hours_metric",
       Type::kGauge,
       "Remaining hours for user budget to be reset",
       {"user"}},
      {"litellm_remaining_requests_metric", Type::kGauge,
       "LLM Deployment Analytics - remaining requests for model, returned from LLM API Provider",
       remaining},
      {"litellm_remaining_tokens_metric", Type::kGauge,
       "remaining tokens for model, returned from LLM API Provider", remaining},
      {"litellm_deployment_state", Type::kGauge,
       "LLM Deployment Analytics - The state of the deployment: 0 = healthy, 1 = partial outage, "
       "2 = complete outage",
       deployment},
      {"litellm_deployment_tpm_limit", Type::kGauge, "Deployment TPM limit found in config",
       deployment},
      {"litellm_deployment_rpm_limit", Type::kGauge, "Deployment RPM limit found in config",
       deployment},
      {"litellm_deployment_cooled_down",
       Type::kCounter,
       "LLM Deployment Analytics - Number of times a deployment has been cooled down by LiteLLM "
       "load balancing logic. exception_status is the status of the exception that caused the "
       "deployment to be cooled down",
       {"litellm_model_name", "model_id", "api_base", "api_provider", "exception_status"}},
      {"litellm_deployment_success_responses", Type::kCounter,
       "LLM Deployment Analytics - Total number of successful LLM API calls via litellm",
       deployment_req},
      {"litellm_deployment_failure_responses",
       Type::kCounter,
       "LLM Deployment Analytics - Total number of failed LLM API calls for a specific LLM "
       "deploymeny. exception_status is the status of the exception from the llm api",
       {"requested_model", "litellm_model_name", "model_id", "api_base", "api_provider",
        "hashed_api_key", "api_key_alias", "team", "team_alias", "exception_status",
        "exception_class"}},
      {"litellm_deployment_total_requests", Type::kCounter,
       "LLM Deployment Analytics - Total number of LLM API calls via litellm - success + failure",
       deployment_req},
      {"litellm_deployment_latency_per_output_token",
       Type::kHistogram,
       "LLM Deployment Analytics - Latency per output token",
       {"litellm_model_name", "model_id", "api_base", "api_provider", "hashed_api_key",
        "api_key_alias", "team", "team_alias"}},
      {"litellm_deployment_successful_fallbacks", Type::kCounter,
       "LLM Deployment Analytics - Number of successful fallback requests from primary model -> "
       "fallback model",
       fallback},
      {"litellm_deployment_failed_fallbacks", Type::kCounter,
       "LLM Deployment Analytics - Number of failed fallback requests from primary model -> "
       "fallback model",
       fallback},
      {"litellm_cpp_alerts",
       Type::kCounter,
       "Alerts handed to the webhook sender (outcome=sent) or dropped (queue full, webhook down)",
       {"alert_type", "outcome"},
       true},
      {"litellm_cpp_redis_outages",
       Type::kCounter,
       "Redis connections lost or not made, once per outage; requests went on with host-local "
       "state (use=state) or without the response cache (use=cache)",
       {"use"},
       true},
  }};
  return all;
}

inline const Family& family(F f) { return families()[static_cast<size_t>(f)]; }

}  // namespace litellm::metrics
