// litellm_settings, router_settings and general_settings with LiteLLM's defaults.
#include "litellm/common/strings.hpp"
#include "sections.hpp"

namespace litellm::config {
namespace {

bool require_map(const Json& node, const char* path, Reader& r) {
  if (node.is_null()) return false;
  if (!node.is_object()) {
    r.error(path, "expected a map");
    return false;
  }
  return true;
}

}  // namespace

void parse_litellm_settings(const Json& node, LitellmSettings& out, Reader& r) {
  if (!require_map(node, "litellm_settings", r)) return;
  const std::string p = "litellm_settings";
  out.raw = node;
  r.get_or(node, "drop_params", p, out.drop_params);
  r.get(node, "additional_drop_params", p, out.additional_drop_params);
  r.get_or(node, "request_timeout", p, out.request_timeout);
  if (out.request_timeout <= 0) r.error(p + ".request_timeout", "must be positive");
  r.get_or(node, "set_verbose", p, out.set_verbose);
  r.get_or(node, "json_logs", p, out.json_logs);
  r.get(node, "num_retries", p, out.num_retries);
  r.get(node, "max_fallbacks", p, out.max_fallbacks);
  r.get(node, "allowed_fails", p, out.allowed_fails);
  r.get_fallbacks(node, "fallbacks", p, out.fallbacks, true);
  r.get_fallbacks(node, "context_window_fallbacks", p, out.context_window_fallbacks, false);
  r.get_fallbacks(node, "content_policy_fallbacks", p, out.content_policy_fallbacks, true);
  r.get(node, "default_fallbacks", p, out.default_fallbacks);
  r.get(node, "success_callback", p, out.success_callback);
  r.get(node, "failure_callback", p, out.failure_callback);
  r.get(node, "callbacks", p, out.callbacks);
  r.get_or(node, "cache", p, out.cache);
  if (node.contains("cache_params") && !node["cache_params"].is_null()) {
    if (!node["cache_params"].is_object()) {
      r.error(p + ".cache_params", "expected a map");
    } else {
      out.cache_params = node["cache_params"];
    }
  }
  // LiteLLM sets any other key as a module attribute: accepted without a warning.
}

void parse_router_settings(const Json& node, RouterSettings& out, Reader& r) {
  if (!require_map(node, "router_settings", r)) return;
  const std::string p = "router_settings";
  out.raw = node;
  if (node.contains("health_check_interval")) {
    r.error(p + ".health_check_interval",
            "'health_check_interval' is NOT a valid router_settings parameter. Please move it to "
            "'general_settings'.");
  }
  std::optional<std::string> strategy;
  r.get(node, "routing_strategy", p, strategy);
  if (strategy) {
    static const std::set<std::string> kStrategies = {
        "simple-shuffle",        "least-busy",
        "usage-based-routing",   "usage-based-routing-v2",
        "latency-based-routing", "cost-based-routing"};
    if (!kStrategies.contains(*strategy)) {
      r.error(p + ".routing_strategy", "unknown routing strategy '" + *strategy + "'");
    } else {
      out.routing_strategy = *strategy;
    }
  }
  r.get(node, "redis_host", p, out.redis_host);
  r.get(node, "redis_port", p, out.redis_port);
  r.get(node, "redis_password", p, out.redis_password);
  r.get(node, "redis_url", p, out.redis_url);
  r.get(node, "num_retries", p, out.num_retries);
  r.get(node, "timeout", p, out.timeout);
  r.get(node, "stream_timeout", p, out.stream_timeout);
  r.get_or(node, "retry_after", p, out.retry_after);
  r.get(node, "allowed_fails", p, out.allowed_fails);
  r.get(node, "cooldown_time", p, out.cooldown_time);
  r.get_or(node, "disable_cooldowns", p, out.disable_cooldowns);
  r.get(node, "retry_policy", p, out.retry_policy);
  r.get(node, "allowed_fails_policy", p, out.allowed_fails_policy);
  static const std::set<std::string> kRetryKeys = {"BadRequestErrorRetries",
                                                   "AuthenticationErrorRetries",
                                                   "TimeoutErrorRetries",
                                                   "RateLimitErrorRetries",
                                                   "ContentPolicyViolationErrorRetries",
                                                   "InternalServerErrorRetries",
                                                   "ServiceUnavailableErrorRetries",
                                                   "NotFoundErrorRetries",
                                                   "BadGatewayErrorRetries",
                                                   "DefaultRetries"};
  for (const auto& [k, v] : out.retry_policy)
    if (!kRetryKeys.contains(k)) r.warn(p + ".retry_policy." + k, "unknown error type (ignored)");
  static const std::set<std::string> kFailKeys = {"BadRequestErrorAllowedFails",
                                                  "AuthenticationErrorAllowedFails",
                                                  "TimeoutErrorAllowedFails",
                                                  "RateLimitErrorAllowedFails",
                                                  "ContentPolicyViolationErrorAllowedFails",
                                                  "InternalServerErrorAllowedFails",
                                                  "ServiceUnavailableErrorAllowedFails",
                                                  "BadGatewayErrorAllowedFails",
                                                  "NotFoundErrorAllowedFails"};
  for (const auto& [k, v] : out.allowed_fails_policy)
    if (!kFailKeys.contains(k))
      r.warn(p + ".allowed_fails_policy." + k, "unknown error type (ignored)");
  r.get_fallbacks(node, "fallbacks", p, out.fallbacks, true);
  r.get_fallbacks(node, "context_window_fallbacks", p, out.context_window_fallbacks, false);
  r.get_fallbacks(node, "content_policy_fallbacks", p, out.content_policy_fallbacks, true);
  r.get(node, "default_fallbacks", p, out.default_fallbacks);
  r.get(node, "max_fallbacks", p, out.max_fallbacks);
  r.get_or(node, "enable_pre_call_checks", p, out.enable_pre_call_checks);
  r.get(node, "optional_pre_call_checks", p, out.optional_pre_call_checks);
  if (node.contains("model_group_alias") && !node["model_group_alias"].is_null()) {
    const Json& aliases = node["model_group_alias"];
    if (!aliases.is_object()) r.error(p + ".model_group_alias", "expected a map of alias: group");
    for (auto it = aliases.begin(); aliases.is_object() && it != aliases.end(); ++it) {
      const std::string ap = p + ".model_group_alias." + it.key();
      if (it.value().is_string()) {
        out.model_group_alias[it.key()] = GroupAlias{it.value().get<std::string>(), false};
      } else if (it.value().is_object() && it.value().contains("model") &&
                 it.value()["model"].is_string()) {
        out.model_group_alias[it.key()] =
            GroupAlias{it.value()["model"].get<std::string>(), it.value().value("hidden", false)};
      } else {
        r.error(ap, "expected a group name or {model: group, hidden: bool}");
      }
    }
  }
  if (node.contains("default_litellm_params") && node["default_litellm_params"].is_object())
    out.default_litellm_params = node["default_litellm_params"];

  static const std::set<std::string> kKnown = {"routing_strategy",
                                               "routing_strategy_args",
                                               "redis_host",
                                               "redis_port",
                                               "redis_password",
                                               "redis_url",
                                               "redis_db",
                                               "cache_kwargs",
                                               "cache_responses",
                                               "caching_groups",
                                               "client_ttl",
                                               "num_retries",
                                               "max_fallbacks",
                                               "timeout",
                                               "stream_timeout",
                                               "retry_after",
                                               "retry_policy",
                                               "model_group_retry_policy",
                                               "allowed_fails",
                                               "allowed_fails_policy",
                                               "cooldown_time",
                                               "disable_cooldowns",
                                               "fallbacks",
                                               "context_window_fallbacks",
                                               "content_policy_fallbacks",
                                               "default_fallbacks",
                                               "enable_pre_call_checks",
                                               "optional_pre_call_checks",
                                               "model_group_alias",
                                               "enable_tag_filtering",
                                               "tag_filtering_match_any",
                                               "default_max_parallel_requests",
                                               "default_litellm_params",
                                               "default_priority",
                                               "polling_interval",
                                               "provider_budget_config",
                                               "alerting_config",
                                               "set_verbose",
                                               "debug_level",
                                               "ignore_invalid_deployments",
                                               "router_general_settings",
                                               "assistants_config",
                                               "search_tools",
                                               "guardrail_list",
                                               "health_check_interval"};
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!kKnown.contains(it.key())) {
      r.warn(p + "." + it.key(),
             "Key '" + it.key() +
                 "' is not a valid argument for Router.__init__(). Ignoring this key.");
    }
  }
}

void parse_general_settings(const Json& node, GeneralSettings& out, Reader& r) {
  if (!require_map(node, "general_settings", r)) return;
  const std::string p = "general_settings";
  out.raw = node;
  r.get(node, "master_key", p, out.master_key);
  r.get(node, "database_url", p, out.database_url);
  r.get_or(node, "database_connection_pool_limit", p, out.database_connection_pool_limit);
  if (out.database_connection_pool_limit < 1)
    r.error(p + ".database_connection_pool_limit", "must be at least 1");
  r.get_or(node, "database_connection_timeout", p, out.database_connection_timeout);
  r.get_or(node, "proxy_batch_write_at", p, out.proxy_batch_write_at);
  if (out.proxy_batch_write_at <= 0) r.error(p + ".proxy_batch_write_at", "must be positive");
  r.get_or(node, "disable_error_logs", p, out.disable_error_logs);
  r.get_or(node, "disable_spend_logs", p, out.disable_spend_logs);
  r.get_or(node, "allow_requests_on_db_unavailable", p, out.allow_requests_on_db_unavailable);
  r.get_or(node, "store_model_in_db", p, out.store_model_in_db);
  r.get_or(node, "use_redis_transaction_buffer", p, out.use_redis_transaction_buffer);
  r.get(node, "alerting", p, out.alerting);
  r.get(node, "alerting_threshold", p, out.alerting_threshold);
  r.get_or(node, "background_health_checks", p, out.background_health_checks);
  r.get_or(node, "health_check_interval", p, out.health_check_interval);
  r.get_or(node, "user_api_key_cache_ttl", p, out.user_api_key_cache_ttl);
  r.get(node, "max_request_size_mb", p, out.max_request_size_mb);
  if (out.max_request_size_mb && *out.max_request_size_mb <= 0)
    r.error(p + ".max_request_size_mb", "must be positive");
  r.get(node, "litellm_key_header_name", p, out.litellm_key_header_name);
  // LiteLLM reads general_settings with .get(): unknown keys are ignored silently.
}

}  // namespace litellm::config
