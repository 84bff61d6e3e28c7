// Which deployments may take a request (cooldowns, rpm/tpm, order) and what a failure does to
// them: LiteLLM's cooldown logic (litellm-config-router.md §3.2–3.3, §4).
#include <algorithm>
#include <cmath>

#include "litellm/common/strings.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/router/router.hpp"

namespace litellm::router {
namespace {

std::string mask_exception(const std::string& text) {
  if (text.size() <= 50) return text;
  return text.substr(0, 50) + std::string(text.size() - 50, '*');
}

int64_t minute_of(double now) { return static_cast<int64_t>(std::floor(now / 60.0)); }

}  // namespace

RouterOptions RouterOptions::from(const config::Config& cfg, std::vector<std::string>& warnings) {
  const auto& rs = cfg.router_settings;
  const auto& ls = cfg.litellm_settings;
  RouterOptions o;
  if (auto v = env("DEFAULT_COOLDOWN_TIME_SECONDS"))
    o.cooldown_time = std::strtod(v->c_str(), nullptr);
  if (rs.cooldown_time && *rs.cooldown_time > 0)
    o.cooldown_time = *rs.cooldown_time;  // `or` chain: 0 → default
  o.disable_cooldowns = rs.disable_cooldowns;
  const int global_allowed_fails = ls.allowed_fails.value_or(3);
  o.allowed_fails = rs.allowed_fails.value_or(global_allowed_fails);
  o.legacy_allowed_fails = !rs.allowed_fails_policy.empty() ||
                           (rs.allowed_fails && *rs.allowed_fails != global_allowed_fails);
  o.num_retries = rs.num_retries ? *rs.num_retries : ls.num_retries.value_or(2);
  o.retry_after = rs.retry_after;
  o.max_fallbacks = rs.max_fallbacks ? *rs.max_fallbacks : ls.max_fallbacks.value_or(5);
  if (!rs.max_fallbacks && !ls.max_fallbacks)
    if (auto v = env("ROUTER_MAX_FALLBACKS"))
      o.max_fallbacks = static_cast<int>(std::strtol(v->c_str(), nullptr, 10));
  const auto& checks = rs.optional_pre_call_checks;
  bool enforce =
      std::find(checks.begin(), checks.end(), "enforce_model_rate_limits") != checks.end();
  o.enforce_rate_limits = rs.enable_pre_call_checks || enforce ||
                          rs.routing_strategy.starts_with("usage-based-routing");
  o.order_filter = rs.enable_pre_call_checks;
  if (rs.routing_strategy == "least-busy") {
    o.strategy = Strategy::kLeastBusy;
  } else if (rs.routing_strategy != "simple-shuffle") {
    warnings.push_back("router_settings.routing_strategy: '" + rs.routing_strategy +
                       "' is served by simple-shuffle in litellm-cpp (see docs/routing.md)");
  }
  return o;
}

size_t Router::group_size(const std::string& model_name) const {
  return static_cast<size_t>(
      std::count_if(deployments_.begin(), deployments_.end(),
                    [&](const RoutedDeployment& d) { return d.config->model_name == model_name; }));
}

Result<std::vector<const Candidate*>> Router::healthy(const Selection& sel,
                                                      std::string_view requested) {
  const double now = clock_->now();
  const int64_t minute = minute_of(now);
  std::vector<const Candidate*> out;
  out.reserve(sel.candidates.size());
  std::vector<std::string> cooling;
  double min_remaining = -1;
  bool rate_limited = false;
  const bool by_id =
      sel.candidates.size() == 1 && sel.candidates[0].deployment->config->info.id == requested;
  for (const auto& c : sel.candidates) {
    const auto& id = c.deployment->config->info.id;
    if (!by_id) {  // a call by deployment id skips the cooldown filter, as LiteLLM
      if (auto cd = state_->cooldown(id, now)) {
        cooling.push_back(id);
        double remaining = cd->until() - now;
        if (min_remaining < 0 || remaining < min_remaining) min_remaining = remaining;
        continue;
      }
      if (auto& st = stats_[c.deployment->stats]; st.cooling) {
        st.cooling = false;
        ROUTER_LOG_WARN("cooldown end: deployment {} (model group {}) takes traffic again", id,
                        c.deployment->config->model_name);
      }
    }
    if (options_.enforce_rate_limits) {
      const auto& p = c.deployment->config->params;
      auto u = state_->usage(id, minute);
      if ((p.rpm && *p.rpm <= static_cast<double>(u.requests)) ||
          (p.tpm && *p.tpm <= static_cast<double>(u.tokens))) {
        rate_limited = true;
        continue;
      }
    }
    out.push_back(&c);
  }
  if (options_.order_filter && !out.empty()) {
    std::optional<int> best;
    for (const auto* c : out)
      if (auto o = c->deployment->config->params.order; o && (!best || *o < *best)) best = o;
    if (best)
      std::erase_if(
          out, [&](const Candidate* c) { return c->deployment->config->params.order != best; });
  }
  if (!out.empty()) return out;
  Error e;
  e.kind = ErrorKind::kNoDeployments;
  e.status = 429;
  e.type = "None";
  e.param = "None";
  if (rate_limited && cooling.empty()) {
    e.message =
        "No deployments available for selected model. Passed model=" + std::string(requested) +
        ": every deployment is at its rpm/tpm limit for this minute.";
    e.retry_after = 60 - std::fmod(now, 60.0);
  } else {
    double wait = min_remaining < 0 ? options_.cooldown_time : min_remaining;
    std::string list = "[";
    for (size_t i = 0; i < cooling.size(); ++i) list += (i ? ", '" : "'") + cooling[i] + "'";
    list += "]";
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.0f", std::ceil(wait));
    e.message = "No deployments available for selected model, Try again in " + std::string(secs) +
                " seconds. Passed model=" + std::string(requested) +
                ". pre-call-checks=" + (options_.enforce_rate_limits ? "True" : "False") +
                ", cooldown_list=" + list;
    e.retry_after = std::ceil(wait);
  }
  char ra[32];
  std::snprintf(ra, sizeof ra, "%.0f", std::max(1.0, std::ceil(*e.retry_after)));
  e.headers.emplace_back("retry-after", ra);
  return e;
}

void Router::on_start(const RoutedDeployment& d) {
  ++stats_[d.stats].in_flight;
  state_->add_usage(d.config->info.id, minute_of(clock_->now()), 1, 0);
}

void Router::on_success(const RoutedDeployment& d, int64_t tokens) {
  auto& s = stats_[d.stats];
  --s.in_flight;
  const double now = clock_->now();
  s.successes.add(now);
  if (tokens > 0) state_->add_usage(d.config->info.id, minute_of(now), 0, tokens);
}

void Router::on_success_tokens(const RoutedDeployment& d, int64_t tokens) {
  if (tokens > 0) state_->add_usage(d.config->info.id, minute_of(clock_->now()), 0, tokens);
}

bool Router::allowed_fails_cools(Stats& s, const Error& e, double now) {
  const auto policy = allowed_fails_from_policy(config_->router_settings.allowed_fails_policy, e);
  const int allowed = policy ? *policy : options_.allowed_fails;
  if (now >= s.allowed_fails_until) {  // a fixed window of cooldown_time from the first failure
    s.allowed_fails_count = 0;
    s.allowed_fails_until = now + options_.cooldown_time;
  }
  if (s.allowed_fails_count + 1 > allowed) return true;
  ++s.allowed_fails_count;
  return false;
}

bool Router::on_failure(const RoutedDeployment& d, const Error& e) {
  const std::string& id = d.config->info.id;
  auto& s = stats_[d.stats];
  --s.in_flight;
  const double now = clock_->now();
  s.failures.add(now);
  if (options_.disable_cooldowns || d.config->wildcard || !cooldown_eligible(e)) return false;
  const double seconds =
      cooldown_seconds(d.config->params.cooldown_time, e.retry_after, options_.cooldown_time);
  if (std::fabs(seconds) < 1e-9) return false;
  bool cool;
  if (options_.legacy_allowed_fails) {
    cool = allowed_fails_cools(s, e, now);
  } else {
    CooldownFacts f;
    f.status = e.status;
    f.single_deployment = group_size(d.config->model_name) == 1;
    f.successes = s.successes.count(now);
    f.failures = s.failures.count(now);
    cool = percentage_mode_cools(f);
  }
  if (!cool) return false;
  state::CooldownRecord rec{mask_exception(e.message), e.status, now, seconds};
  state_->set_cooldown(id, rec);
  s.cooling = true;
  ROUTER_LOG_WARN("cooldown start: deployment {} (model group {}) for {}s after {} {}", id,
                  d.config->model_name, seconds, e.status, error_kind_name(e.kind));
  return true;
}

std::vector<std::pair<std::string, std::string>> Router::ratelimit_headers(const Selection& sel) {
  double rpm = 0, tpm = 0;
  int64_t used_requests = 0, used_tokens = 0;
  const int64_t minute = minute_of(clock_->now());
  for (const auto& c : sel.candidates) {
    const auto& p = c.deployment->config->params;
    if (!p.rpm && !p.tpm) continue;
    auto u = state_->usage(c.deployment->config->info.id, minute);
    if (p.rpm) rpm += *p.rpm, used_requests += u.requests;
    if (p.tpm) tpm += *p.tpm, used_tokens += u.tokens;
  }
  std::vector<std::pair<std::string, std::string>> h;
  auto num = [](double v) { return std::to_string(static_cast<int64_t>(std::max(0.0, v))); };
  if (rpm > 0) {
    h.emplace_back("x-ratelimit-limit-requests", num(rpm));
    h.emplace_back("x-ratelimit-remaining-requests", num(rpm - static_cast<double>(used_requests)));
  }
  if (tpm > 0) {
    h.emplace_back("x-ratelimit-limit-tokens", num(tpm));
    h.emplace_back("x-ratelimit-remaining-tokens", num(tpm - static_cast<double>(used_tokens)));
  }
  return h;
}

}  // namespace litellm::router
