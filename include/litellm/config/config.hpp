// The running configuration: plain structs parsed once from config.yaml, then immutable.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace litellm::config {

using Json = nlohmann::ordered_json;

struct LitellmParams {
  std::string model;  // "provider/name" as configured (after os.environ/ resolution)
  std::optional<std::string> api_base;
  std::optional<std::string> api_key;
  std::optional<std::string> api_version;
  std::optional<std::string> custom_llm_provider;
  std::optional<double> rpm;
  std::optional<double> tpm;
  std::optional<double> weight;
  std::optional<int> order;
  std::optional<double> timeout;
  std::optional<double> stream_timeout;
  std::optional<int> max_retries;
  std::optional<int> num_retries;
  std::optional<int> max_parallel_requests;
  std::optional<double> cooldown_time;
  std::optional<bool> drop_params;
  std::vector<std::string> additional_drop_params;
  std::optional<Json> mock_response;  // string, or an error spec
  std::optional<double> input_cost_per_token;
  std::optional<double> output_cost_per_token;
  Json extra = Json::object();  // provider-specific keys passed into the request body
};

struct ModelInfo {
  std::string id;             // model_info.id, else LiteLLM's sha256 of the params
  std::string mode = "chat";  // chat, embedding, completion, ...
  std::optional<std::string> base_model;
  Json raw = Json::object();  // everything as written, for /model/info
};

struct Deployment {
  std::string model_name;  // the model group
  LitellmParams params;
  ModelInfo info;
  std::string provider;              // resolved provider name, e.g. "openai", "deepseek"
  std::string provider_model;        // model name sent upstream, e.g. "gpt-4o"
  bool wildcard = false;             // model_name contains '*'
  Json raw_params = Json::object();  // litellm_params as written (secrets included)
};

struct GroupAlias {
  std::string group;
  bool hidden = false;
};

struct LitellmSettings {
  bool drop_params = false;
  std::vector<std::string> additional_drop_params;
  double request_timeout = 6000;  // litellm.request_timeout
  bool set_verbose = false;
  bool json_logs = false;
  std::optional<int> num_retries;
  std::optional<int> max_fallbacks;
  std::optional<int> allowed_fails;
  Json fallbacks = Json::array();
  Json context_window_fallbacks = Json::array();
  Json content_policy_fallbacks = Json::array();
  std::vector<std::string> default_fallbacks;
  std::vector<std::string> success_callback;
  std::vector<std::string> failure_callback;
  std::vector<std::string> callbacks;
  bool cache = false;
  Json cache_params = Json::object();
  Json raw = Json::object();
};

struct RouterSettings {
  std::string routing_strategy = "simple-shuffle";
  std::optional<std::string> redis_host;
  std::optional<int> redis_port;
  std::optional<std::string> redis_password;
  std::optional<std::string> redis_url;
  std::optional<int> num_retries;
  std::optional<double> timeout;
  std::optional<double> stream_timeout;
  double retry_after = 0;
  std::optional<int> allowed_fails;
  std::optional<double> cooldown_time;
  bool disable_cooldowns = false;
  std::map<std::string, int> retry_policy;
  std::map<std::string, int> allowed_fails_policy;
  Json fallbacks = Json::array();
  Json context_window_fallbacks = Json::array();
  Json content_policy_fallbacks = Json::array();
  std::vector<std::string> default_fallbacks;
  std::optional<int> max_fallbacks;
  bool enable_pre_call_checks = false;
  std::vector<std::string> optional_pre_call_checks;
  std::map<std::string, GroupAlias> model_group_alias;
  Json default_litellm_params = Json::object();
  Json raw = Json::object();
};

struct GeneralSettings {
  std::optional<std::string> master_key;
  std::optional<std::string> database_url;
  int database_connection_pool_limit = 10;
  double database_connection_timeout = 60;
  double proxy_batch_write_at = 10;
  bool disable_error_logs = false;
  bool disable_spend_logs = false;
  bool allow_requests_on_db_unavailable = false;
  bool store_model_in_db = false;
  bool use_redis_transaction_buffer = false;
  std::vector<std::string> alerting;
  std::optional<double> alerting_threshold;
  bool background_health_checks = false;
  double health_check_interval = 300;
  double user_api_key_cache_ttl = 60;
  std::optional<double> max_request_size_mb;
  std::optional<std::string> litellm_key_header_name;
  Json raw = Json::object();
};

struct Config {
  std::string path;  // the main file, empty when started without --config
  std::vector<Deployment> model_list;
  LitellmSettings litellm_settings;
  RouterSettings router_settings;
  GeneralSettings general_settings;
  std::map<std::string, std::string> environment_variables;
  Json raw = Json::object();  // the merged tree after include and os.environ/ resolution
};

using ConfigPtr = std::shared_ptr<const Config>;

}  // namespace litellm::config
