// Slack / webhook alerting as LiteLLM's SlackAlerting does it: the alert types, texts, levels,
// deduplication windows and batching, with a bounded queue and a sender that never holds up a
// request (general_settings.alerting, alert_types, alerting_threshold, alert_to_webhook_url,
// alerting_args, SLACK_WEBHOOK_URL).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}
namespace litellm::config {
struct Config;
}
namespace litellm::net {
class Client;
}
namespace litellm::metrics {
class Registry;
}
namespace litellm::state {
class RouterState;
}

namespace litellm::alerting {

enum class Level { kLow, kMedium, kHigh };

struct Settings {
  bool slack = false;    // alerting: ["slack"]
  bool webhook = false;  // alerting: ["webhook"]: budget events as JSON to WEBHOOK_URL
  std::vector<std::string> alert_types;  // LiteLLM's default set unless configured
  double threshold = 300;                // alerting_threshold (s): slow and hanging requests
  std::map<std::string, std::vector<std::string>> alert_to_webhook_url;
  std::string default_url;  // SLACK_WEBHOOK_URL
  std::string webhook_url;  // WEBHOOK_URL
  std::string proxy_base_url;
  bool redact_messages = false;  // turn_off_message_logging / redact_messages_in_exceptions
  // alerting_args
  double budget_alert_ttl = 86400, outage_alert_ttl = 60;
  int minor_outage_threshold = 5, major_outage_threshold = 10, max_outage_list = 10;
  double daily_report_frequency = 43200, report_check_interval = 300;
  bool log_to_console = false;
  // Batching (LiteLLM sends every 10 s or at 512 queued alerts).
  std::chrono::milliseconds flush_interval{10000};
  size_t batch_size = 512;
  size_t queue_limit = 1000;
  bool any() const { return slack || webhook; }
};
Settings settings_from(const config::Config& cfg);

// What a request-level alert says about the request.
struct RequestInfo {
  std::string_view model, api_base, messages_json, key_alias, team_alias;
};

struct Deployment {
  std::string_view id, model_name, model, api_base, provider;
};

class Alerter {
 public:
  Alerter(boost::asio::io_context& ioc, Settings s, net::Client& client, metrics::Registry* metrics,
          state::RouterState* shared);
  ~Alerter();
  Alerter(const Alerter&) = delete;
  Alerter& operator=(const Alerter&) = delete;

  bool wants(std::string_view alert_type) const;
  const Settings& settings() const { return s_; }

  // Formats and queues one alert (Slack's {"text": ...}); never blocks.
  void send(std::string_view alert_type, Level level, std::string message);

  void llm_exception(std::string_view exception);
  void slow_response(double seconds, const RequestInfo& r);
  // Hanging requests: a request registered here and not finished after `threshold` alerts once.
  uint64_t request_started(const RequestInfo& r);
  void request_finished(uint64_t id);
  void cooldown(const Deployment& d, double cooldown_seconds, int status);
  // A failed attempt (408/5xx count toward outage_alerts; every failure toward daily_reports).
  void deployment_failure(const Deployment& d, int status);
  void deployment_success(const Deployment& d, double latency_per_output_token);
  // budget_alerts: owner is "Key", "Team" or "User"; crossed / 5 % / 15 % left, once per window.
  void budget(std::string_view owner, std::string_view id, double spend, double max_budget);
  void db_exception(std::string_view error);
  void failed_tracking(std::string_view error);
  // Key/team/user management events (alert type e.g. new_virtual_key_created).
  void management(std::string_view alert_type, std::string_view event_name,
                  std::string_view actor_id, std::string_view actor_role,
                  std::string_view actor_alias, const std::string& arguments_json);

  // daily_reports: the top-5 deployments by failures and by latency per output token of the
  // period that ended (host-wide counts), sent by one worker; called every report_check_interval.
  void daily_report(const std::vector<Deployment>& deployments);

  struct Impl;

 private:
  void flush();
  void post(const std::string& url, const std::string& alert_type, std::string body, size_t count);
  void check_hanging();
  int64_t report_period() const;
  std::string request_info(std::string_view model, std::string_view api_base,
                           std::string_view messages_json, std::string_view key_alias,
                           std::string_view team_alias, bool api_base_first) const;

  Settings s_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace litellm::alerting
