// The alert texts (LiteLLM's SlackAlerting wording), deduplication, and the bounded queue that a
// timer drains in batches: identical (webhook, alert type) pairs in one batch are squashed into
// one message prefixed "[Num Alerts: N]", as LiteLLM's batching handler does.
#include "litellm/alerting/alerting.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <ctime>
#include <deque>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "litellm/common/json_scan.hpp"
#include "litellm/common/py_repr.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/config/config.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/metrics/metrics.hpp"
#include "litellm/net/client.hpp"
#include "litellm/state/router_state.hpp"

namespace litellm::alerting {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> kDefaultAlertTypes = {"llm_exceptions",
                                                     "llm_too_slow",
                                                     "llm_requests_hanging",
                                                     "budget_alerts",
                                                     "spend_reports",
                                                     "failed_tracking_spend",
                                                     "db_exceptions",
                                                     "daily_reports",
                                                     "cooldown_deployment",
                                                     "new_model_added",
                                                     "model_deprecation_warnings",
                                                     "outage_alerts",
                                                     "region_outage_alerts",
                                                     "fallback_reports"};

const char* level_name(Level l) {
  switch (l) {
    case Level::kLow:
      return "Low";
    case Level::kMedium:
      return "Medium";
    default:
      return "High";
  }
}

std::string local_hms() {
  time_t now = time(nullptr);
  tm t{};
  localtime_r(&now, &t);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &t);
  return buf;
}

// Python's round(x, n) printed with str(): 1.5, 2.35, 300.
std::string py_round(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return python_float(std::nearbyint(v * f) / f);
}

// Secrets never leave in an alert: bearer tokens and sk- keys keep their last 4 characters.
std::string redact_secrets(std::string s) {
  for (size_t i = s.find("sk-"); i != std::string::npos; i = s.find("sk-", i + 3)) {
    size_t end = i + 3;
    while (end < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '-' || s[end] == '_'))
      ++end;
    if (end - i > 8) s.replace(i, end - i - 4, "sk-****");
  }
  return s;
}

}  // namespace

Settings settings_from(const config::Config& cfg) {
  Settings s;
  const auto& g = cfg.general_settings;
  for (const auto& a : g.alerting) {
    if (a == "slack") s.slack = true;
    if (a == "webhook") s.webhook = true;
  }
  s.alert_types = kDefaultAlertTypes;
  if (auto t = g.raw.find("alert_types"); t != g.raw.end() && t->is_array()) {
    s.alert_types.clear();
    for (const auto& v : *t)
      if (v.is_string()) s.alert_types.push_back(v.get<std::string>());
  }
  if (g.alerting_threshold) s.threshold = *g.alerting_threshold;
  if (auto m = g.raw.find("alert_to_webhook_url"); m != g.raw.end() && m->is_object()) {
    for (const auto& [type, urls] : m->items()) {
      auto& list = s.alert_to_webhook_url[type];
      if (urls.is_string()) list.push_back(urls.get<std::string>());
      if (urls.is_array())
        for (const auto& u : urls)
          if (u.is_string()) list.push_back(u.get<std::string>());
    }
  }
  s.default_url = env("SLACK_WEBHOOK_URL").value_or(env("ALERTING_WEBHOOK_URL").value_or(""));
  s.webhook_url = env("WEBHOOK_URL").value_or("");
  s.proxy_base_url = env("PROXY_BASE_URL").value_or("");
  const auto& ls = cfg.litellm_settings.raw;
  s.redact_messages = ls.value("turn_off_message_logging", false) ||
                      ls.value("redact_messages_in_exceptions", false);
  if (auto a = g.raw.find("alerting_args"); a != g.raw.end() && a->is_object()) {
    auto num = [&](const char* k, auto& out) {
      if (auto v = a->find(k); v != a->end() && v->is_number())
        out = v->get<std::decay_t<decltype(out)>>();
    };
    num("budget_alert_ttl", s.budget_alert_ttl);
    num("outage_alert_ttl", s.outage_alert_ttl);
    num("minor_outage_alert_threshold", s.minor_outage_threshold);
    num("major_outage_alert_threshold", s.major_outage_threshold);
    num("max_outage_alert_list_size", s.max_outage_list);
    num("daily_report_frequency", s.daily_report_frequency);
    num("report_check_interval", s.report_check_interval);
    s.log_to_console = a->value("log_to_console", false);
  }
  if (auto f = env("SLACK_DAILY_REPORT_FREQUENCY"))
    s.daily_report_frequency = std::atof(f->c_str());
  if (auto ms = env("LITELLM_CPP_ALERT_FLUSH_MS"))
    s.flush_interval = std::chrono::milliseconds(std::max(10L, std::atol(ms->c_str())));
  return s;
}

struct Alerter::Impl {
  struct Item {
    std::string url, alert_type, body;  // body: the JSON payload
    std::string text;                   // Slack text (squashing prefixes it)
  };
  struct Hanging {
    Clock::time_point started;
    std::string model, api_base, messages, key_alias, team_alias;
  };
  struct Outage {
    std::vector<int> alerts;
    bool minor_sent = false, major_sent = false;
    double first = 0, last = 0;
  };

  asio::io_context& ioc;
  net::Client& client;
  metrics::Registry* metrics;
  state::RouterState* shared;
  std::deque<Item> queue;
  asio::steady_timer flush_timer, hanging_timer;
  std::unordered_map<uint64_t, Hanging> hanging;
  uint64_t next_id = 1;
  std::unordered_map<std::string, Outage> outages;
  std::unordered_map<std::string, double> sent_once;  // dedupe key → expiry (unix s)
  size_t sending = 0;
  bool warned_no_url = false, warned_full = false;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Impl(asio::io_context& io, net::Client& c, metrics::Registry* m, state::RouterState* st)
      : ioc(io), client(c), metrics(m), shared(st), flush_timer(io), hanging_timer(io) {}

  // True the first time `key` is seen within `ttl` seconds on this host.
  bool first_in_window(const std::string& key, double ttl) {
    const double now = unix_time();
    auto it = sent_once.find(key);
    if (it != sent_once.end() && it->second > now) return false;
    sent_once[key] = now + ttl;
    if (shared != nullptr && ttl > 0) {  // another worker may have sent it already
      const int64_t window = static_cast<int64_t>(now / ttl);
      const std::string id = "alert:" + key;
      if (shared->usage(id, window).requests > 0) return false;
      shared->add_usage(id, window, 1, 0);
    }
    return true;
  }
};

Alerter::Alerter(asio::io_context& ioc, Settings s, net::Client& client, metrics::Registry* metrics,
                 state::RouterState* shared)
    : s_(std::move(s)), impl_(std::make_unique<Impl>(ioc, client, metrics, shared)) {
  if (!s_.any()) return;
  if (s_.slack && s_.default_url.empty() && s_.alert_to_webhook_url.empty())
    LOG_WARN("alerting: [\"slack\"] is set but SLACK_WEBHOOK_URL is not; alerts are dropped");
  // The batch sender.
  auto alive = impl_->alive;
  auto* impl = impl_.get();
  auto flush_loop = [this, impl, alive]() -> asio::awaitable<void> {
    for (;;) {
      impl->flush_timer.expires_after(s_.flush_interval);
      auto [ec] = co_await impl->flush_timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (!*alive) co_return;
      flush();
      if (ec == asio::error::operation_aborted && !*alive) co_return;
    }
  };
  asio::co_spawn(ioc, std::move(flush_loop), asio::detached);
  if (wants("llm_requests_hanging")) {
    auto check = std::chrono::milliseconds(
        static_cast<int64_t>(std::clamp(s_.threshold / 4, 0.1, 5.0) * 1000));
    auto hang_loop = [this, impl, alive, check]() -> asio::awaitable<void> {
      for (;;) {
        impl->hanging_timer.expires_after(check);
        co_await impl->hanging_timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!*alive) co_return;
        check_hanging();
      }
    };
    asio::co_spawn(ioc, std::move(hang_loop), asio::detached);
  }
}

Alerter::~Alerter() {
  *impl_->alive = false;
  impl_->flush_timer.cancel();
  impl_->hanging_timer.cancel();
}

bool Alerter::wants(std::string_view type) const {
  if (!s_.slack) return false;
  for (const auto& t : s_.alert_types)
    if (t == type) return true;
  return false;
}

void Alerter::send(std::string_view alert_type, Level level, std::string message) {
  if (!wants(alert_type)) return;
  std::string text = alert_type == "daily_reports" || alert_type == "new_model_added"
                         ? std::move(message)
                         : std::string("Level: `") + level_name(level) + "`\nTimestamp: `" +
                               local_hms() + "`\n\nMessage: " + message;
  if (!s_.proxy_base_url.empty()) text += "\n\nProxy URL: `" + s_.proxy_base_url + "`";
  text = redact_secrets(std::move(text));
  std::vector<std::string> urls;
  if (auto it = s_.alert_to_webhook_url.find(std::string(alert_type));
      it != s_.alert_to_webhook_url.end())
    urls = it->second;
  else if (!s_.default_url.empty())
    urls.push_back(s_.default_url);
  auto& m = *impl_;
  if (urls.empty()) {
    if (!m.warned_no_url) LOG_ERROR("alerting: Missing SLACK_WEBHOOK_URL from environment");
    m.warned_no_url = true;
    if (m.metrics) m.metrics->alert(alert_type, false);
    return;
  }
  if (s_.log_to_console) LOG_WARN("{}", text);
  for (auto& url : urls) {
    if (m.queue.size() >= s_.queue_limit) {
      if (!m.warned_full) LOG_WARN("alerting: queue full ({}); dropping alerts", s_.queue_limit);
      m.warned_full = true;
      if (m.metrics) m.metrics->alert(alert_type, false);
      continue;
    }
    m.queue.push_back({url, std::string(alert_type), "", text});
  }
  if (m.queue.size() >= s_.batch_size)
    asio::post(m.ioc, [this, alive = m.alive] {
      if (*alive) flush();
    });
}

void Alerter::flush() {
  auto& m = *impl_;
  if (m.queue.empty()) return;
  // Squash: one message per (webhook, alert type), the first one, with the count.
  std::vector<std::pair<Impl::Item, size_t>> batch;
  std::map<std::pair<std::string, std::string>, size_t> at;
  while (!m.queue.empty()) {
    Impl::Item it = std::move(m.queue.front());
    m.queue.pop_front();
    auto key = std::make_pair(it.url, it.alert_type);
    if (auto f = at.find(key); f != at.end()) {
      ++batch[f->second].second;
      continue;
    }
    at.emplace(key, batch.size());
    batch.emplace_back(std::move(it), 1);
  }
  m.warned_full = false;
  for (auto& [item, count] : batch) {
    std::string text = count > 1 ? "[Num Alerts: " + std::to_string(count) + "]\n\n" + item.text
                                 : std::move(item.text);
    post(item.url, item.alert_type, "{\"text\": " + py::json_dumps_string(text) + "}", count);
  }
}

void Alerter::post(const std::string& url, const std::string& alert_type, std::string body,
                   size_t count) {
  auto& m = *impl_;
  auto parsed = net::parse_url(url);
  if (!parsed) {
    LOG_ERROR("alerting: bad webhook url: {}", parsed.error().message);
    for (size_t i = 0; i < count; ++i)
      if (m.metrics) m.metrics->alert(alert_type, false);
    return;
  }
  auto alive = m.alive;
  auto task = [this, alive, url = *parsed, alert_type, body = std::move(body),
               count]() -> asio::awaitable<void> {
    auto& m = *impl_;
    ++m.sending;
    bool ok = false;
    for (int attempt = 0; attempt < 3 && !ok && *alive; ++attempt) {
      if (attempt > 0) {
        asio::steady_timer t(m.ioc, std::chrono::milliseconds(500 << attempt));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!*alive) co_return;
      }
      net::Request req;
      req.url = url;
      req.headers = {{"Content-type", "application/json"}};
      req.body = body;
      net::Deadline d;
      d.total = Clock::now() + std::chrono::seconds(10);
      d.connect = std::chrono::milliseconds(5000);
      d.idle = std::chrono::milliseconds(10000);
      auto ex = m.client.exchange();
      auto st = co_await ex->start(req, d);
      if (!*alive) co_return;
      if (st) {
        auto rest = co_await ex->read_all(64 * 1024);
        if (!*alive) co_return;
        ok = ex->status() >= 200 && ex->status() < 300;
        if (!ok) LOG_DEBUG("alerting: webhook answered {}: {}", ex->status(), rest ? *rest : "");
      } else {
        LOG_DEBUG("alerting: webhook: {}", st.error().message);
      }
    }
    --m.sending;
    if (!ok) LOG_WARN("alerting: could not deliver a {} alert", alert_type);
    if (m.metrics)
      for (size_t i = 0; i < count; ++i) m.metrics->alert(alert_type, ok);
  };
  asio::co_spawn(m.ioc, std::move(task), asio::detached);
}

void Alerter::llm_exception(std::string_view exception) {
  send("llm_exceptions", Level::kHigh, "LLM API call failed: `" + std::string(exception) + "`");
}

std::string Alerter::request_info(std::string_view model, std::string_view api_base,
                                  std::string_view messages_json, std::string_view key_alias,
                                  std::string_view team_alias, bool api_base_first) const {
  std::string messages;
  if (s_.redact_messages) {
    messages = "Message not logged. litellm.redact_messages_in_exceptions=True";
  } else {
    messages = py::repr_json(messages_json);
    if (messages.size() > 100) messages.resize(100);
  }
  std::string info = "\n\nKey Name: `" + std::string(key_alias.empty() ? "None" : key_alias) +
                     "`\nTeam: `" + std::string(team_alias.empty() ? "None" : team_alias) + "`";
  info += "\nRequest Model: `" + std::string(model) + "`";
  if (api_base_first) info += "\nAPI Base: `" + std::string(api_base) + "`";
  info += "\nMessages: `" + messages + "`";
  if (!api_base_first) info += "\nAPI Base: `" + std::string(api_base) + "`";
  return info;
}

void Alerter::slow_response(double seconds, const RequestInfo& r) {
  if (seconds <= s_.threshold || !wants("llm_too_slow")) return;
  send("llm_too_slow", Level::kLow,
       "`Responses are slow - " + py_round(seconds, 2) +
           "s response time > Alerting threshold: " + python_float(s_.threshold) + "s`" +
           request_info(r.model, r.api_base, r.messages_json, r.key_alias, r.team_alias, true));
}

uint64_t Alerter::request_started(const RequestInfo& r) {
  if (!wants("llm_requests_hanging")) return 0;
  auto& m = *impl_;
  const uint64_t id = m.next_id++;
  Impl::Hanging h{Clock::now(),
                  std::string(r.model),
                  std::string(r.api_base),
                  std::string(r.messages_json.substr(0, 4096)),
                  std::string(r.key_alias),
                  std::string(r.team_alias)};
  m.hanging.emplace(id, std::move(h));
  return id;
}

void Alerter::request_finished(uint64_t id) {
  if (id != 0) impl_->hanging.erase(id);
}

void Alerter::check_hanging() {
  auto& m = *impl_;
  const auto limit =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s_.threshold));
  const auto now = Clock::now();
  for (auto it = m.hanging.begin(); it != m.hanging.end();) {
    if (now - it->second.started < limit) {
      ++it;
      continue;
    }
    const auto& h = it->second;
    send("llm_requests_hanging", Level::kMedium,
         "`Requests are hanging - " + python_float(s_.threshold) + "s+ request time`" +
             request_info(h.model, h.api_base, h.messages, h.key_alias, h.team_alias, false));
    it = m.hanging.erase(it);  // once per request
  }
}

void Alerter::cooldown(const Deployment& d, double cooldown_seconds, int status) {
  send("cooldown_deployment", Level::kLow,
       "Router: Cooling down Deployment:\nModel Name: `" + std::string(d.model_name) +
           "`\nAPI Base: `" + std::string(d.api_base) + "`\nCooldown Time: `" +
           python_float(cooldown_seconds) + " seconds`\nException Status Code: `" +
           std::to_string(status) +
           "`\n\nChange 'cooldown_time' + 'allowed_fails' under 'Router Settings' on proxy UI, or "
           "via config - https://docs.litellm.ai/docs/proxy/reliability#fallbacks--retries--"
           "timeouts--cooldowns");
}

void Alerter::deployment_failure(const Deployment& d, int status) {
  auto& m = *impl_;
  if (wants("daily_reports") && m.shared != nullptr)
    m.shared->add_usage("daily:fail:" + std::string(d.id), report_period(), 1, 0);
  if (!wants("outage_alerts") || (status != 408 && status < 500)) return;
  const double now = unix_time();
  auto& o = m.outages[std::string(d.id)];
  if (o.alerts.empty() || now - o.first > s_.outage_alert_ttl) {
    o = Impl::Outage{};
    o.first = now;
  }
  if (static_cast<int>(o.alerts.size()) < s_.max_outage_list) o.alerts.push_back(status);
  o.last = now;
  const bool minor =
      !o.minor_sent && static_cast<int>(o.alerts.size()) >= s_.minor_outage_threshold;
  const bool major =
      !minor && !o.major_sent && static_cast<int>(o.alerts.size()) >= s_.major_outage_threshold;
  if (!minor && !major) return;
  (minor ? o.minor_sent : o.major_sent) = true;
  int timeouts = 0, api = 0, unknown = 0;
  for (int a : o.alerts) (a == 408 ? timeouts : a >= 500 ? api : unknown)++;
  std::string errors;
  if (timeouts) errors += "\nTimeout Errors: " + std::to_string(timeouts) + "\n";
  if (api) errors += "\nAPI Errors: " + std::to_string(api) + "\n";
  if (unknown) errors += "\nUnknown Errors: " + std::to_string(unknown) + "\n";
  std::string headers = "\n*Model Name:* `" + std::string(d.model) + "`\n*Provider:* `" +
                        std::string(d.provider) + "`\n*API Base:* `" + std::string(d.api_base) +
                        "`\n";
  send("outage_alerts", minor ? Level::kMedium : Level::kHigh,
       "\n\n\n*⚠️ " + std::string(minor ? "Minor" : "Major") + " Service Outage*\n\n" +
           headers + "\n\n*Errors:*\n" + errors + "\n\n*Last Check:* `" +
           py_round(now - o.last, 4) + "s ago`\n\n\n");
}

void Alerter::deployment_success(const Deployment& d, double latency_per_output_token) {
  auto& m = *impl_;
  if (!wants("daily_reports") || m.shared == nullptr) return;
  m.shared->add_usage("daily:lat:" + std::string(d.id), report_period(), 1,
                      static_cast<int64_t>(latency_per_output_token * 1e6));
}

int64_t Alerter::report_period() const {
  return static_cast<int64_t>(unix_time() / std::max(1.0, s_.daily_report_frequency));
}

void Alerter::daily_report(const std::vector<Deployment>& deployments) {
  auto& m = *impl_;
  if (!wants("daily_reports") || m.shared == nullptr) return;
  const int64_t period = report_period() - 1;  // the period that just ended
  if (period < 0 ||
      !m.first_in_window("daily_report:" + std::to_string(period), s_.daily_report_frequency))
    return;
  struct Row {
    const Deployment* d;
    double value;
  };
  std::vector<Row> failed, slow;
  for (const auto& d : deployments) {
    auto f = m.shared->usage("daily:fail:" + std::string(d.id), period);
    auto l = m.shared->usage("daily:lat:" + std::string(d.id), period);
    if (f.requests > 0) failed.push_back({&d, static_cast<double>(f.requests)});
    if (l.tokens > 0) slow.push_back({&d, static_cast<double>(l.tokens) / 1e6});
  }
  if (failed.empty() && slow.empty()) return;
  auto top5 = [](std::vector<Row>& v) {
    std::stable_sort(v.begin(), v.end(),
                     [](const Row& a, const Row& b) { return a.value > b.value; });
    if (v.size() > 5) v.resize(5);
  };
  top5(failed);
  top5(slow);
  std::string msg =
      "\n\nTime: `" + python_float(unix_time()) + "`s\nHere are today's key metrics 📈: \n\n";
  msg += "\n\n*❗️ Top Deployments with Most Failed Requests:*\n\n";
  if (failed.empty()) msg += "\tNone\n";
  for (size_t i = 0; i < failed.size(); ++i)
    msg += "\t" + std::to_string(i + 1) + ". Deployment: `" + std::string(failed[i].d->model) +
           "`, Failed Requests: `" + std::to_string(static_cast<int64_t>(failed[i].value)) +
           "`,  API Base: `" + std::string(failed[i].d->api_base) + "`\n";
  msg += "\n\n*😅 Top Slowest Deployments:*\n\n";
  if (slow.empty()) msg += "\tNone\n";
  for (size_t i = 0; i < slow.size(); ++i)
    msg += "\t" + std::to_string(i + 1) + ". Deployment: `" + std::string(slow[i].d->model) +
           "`, Latency per output token: `" + py_round(slow[i].value, 3) +
           "s/token`,  API Base: `" + std::string(slow[i].d->api_base) + "`\n\n";
  msg += "\n\nNext Run is at: `" + python_float(unix_time() + s_.daily_report_frequency) + "`s";
  send("daily_reports", Level::kLow, std::move(msg));
}

void Alerter::budget(std::string_view owner, std::string_view id, double spend, double max_budget) {
  if (!s_.any() || id.empty()) return;
  const double left = max_budget > 0 ? (max_budget - spend) / max_budget : 0;
  std::string event, message = std::string(owner) + " Budget: ";
  if (spend >= max_budget) {
    event = "budget_crossed";
    message += "Budget Crossed\n Total Budget:`" + python_float(max_budget) + "`";
  } else if (left <= 0.05) {
    event = "threshold_crossed";
    message += "5% Threshold Crossed ";
  } else if (left <= 0.15) {
    event = "threshold_crossed";
    message += "15% Threshold Crossed";
  } else {
    return;
  }
  const bool slack = wants("budget_alerts");
  if (!slack && !s_.webhook) return;
  if (!impl_->first_in_window("budget:" + event + ":" + std::string(id), s_.budget_alert_ttl))
    return;
  const char* field = owner == "Key" ? "token" : owner == "Team" ? "team_id" : "user_id";
  if (slack)
    send("budget_alerts", Level::kHigh,
         message + "\n\n" + "\n" + field + ": " + std::string(id) + "\n");
  if (s_.webhook && !s_.webhook_url.empty()) {
    nlohmann::ordered_json ev = {
        {"spend", spend},
        {"max_budget", max_budget},
        {"token", owner == "Key" ? nlohmann::ordered_json(id) : nullptr},
        {"customer_id", nullptr},
        {"user_id", owner == "User" ? nlohmann::ordered_json(id) : nullptr},
        {"team_id", owner == "Team" ? nlohmann::ordered_json(id) : nullptr},
        {"user_email", nullptr},
        {"key_alias", nullptr},
        {"projected_exceeded_date", nullptr},
        {"projected_spend", nullptr},
        {"event", event},
        {"event_group", owner == "Key"    ? "key"
                        : owner == "Team" ? "team"
                                          : "internal_user"},
        {"event_message", message}};
    post(s_.webhook_url, "budget_alerts", ev.dump(), 1);
  }
}

void Alerter::db_exception(std::string_view error) {
  if (!wants("db_exceptions") || !impl_->first_in_window("db:" + std::string(error), 60)) return;
  send("db_exceptions", Level::kHigh, "DB read/write call failed: " + std::string(error));
}

void Alerter::failed_tracking(std::string_view error) {
  const std::string message = "Failed Tracking Cost for " + std::string(error);
  if (!wants("budget_alerts") ||
      !impl_->first_in_window("failed_tracking:" + message, s_.budget_alert_ttl))
    return;
  send("budget_alerts", Level::kHigh, message);
}

void Alerter::management(std::string_view alert_type, std::string_view event_name,
                         std::string_view actor_id, std::string_view actor_role,
                         std::string_view actor_alias, const std::string& arguments_json) {
  if (!wants(alert_type)) return;
  std::string msg = "`" + std::string(event_name) + "`\n*Action Done by:*\n";
  msg += "created_by_user_id: `" + std::string(actor_id.empty() ? "None" : actor_id) + "`\n";
  msg += "created_by_user_role: `" + std::string(actor_role.empty() ? "None" : actor_role) + "`\n";
  msg +=
      "created_by_key_alias: `" + std::string(actor_alias.empty() ? "None" : actor_alias) + "`\n";
  msg += "\n*Arguments passed:*\n";
  auto args = nlohmann::ordered_json::parse(arguments_json, nullptr, false);
  if (args.is_object())
    for (const auto& [k, v] : args.items()) {
      if (k == "key" || k == "token" || k == "api_key") {  // never a secret in a channel
        msg += k + ": `" + redact_secrets(v.is_string() ? v.get<std::string>() : v.dump()) + "`\n";
        continue;
      }
      msg += k + ": `" + py::repr(v) + "`\n";
    }
  send(alert_type, Level::kHigh, std::move(msg));
}

}  // namespace litellm::alerting
