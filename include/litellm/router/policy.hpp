// The router's rules as pure functions over values: cooldown eligibility and decision, retry
// counts, short-circuits and backoff (litellm-config-router.md §4–5). Tested with a fake clock.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "litellm/common/error.hpp"

namespace litellm::router {

// Time source (seconds since the epoch); tests substitute a fake.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual double now() const = 0;
};
const Clock& system_clock();

// LiteLLM's _should_retry(status): 408, 409, 429 and >= 500.
bool status_should_retry(int status);
// §4.3: 429, 401, 408, 404 and 5xx are eligible; other 4xx and connection errors are not.
bool cooldown_eligible(const Error& e);

// retry_policy / allowed_fails_policy lookups, most specific exception type first. Unlike LiteLLM
// (#37805, #29283, #32425), InternalServerError* fields are honoured and 0 means 0.
std::optional<int> retries_from_policy(const std::map<std::string, int>& policy, const Error& e);
std::optional<int> allowed_fails_from_policy(const std::map<std::string, int>& policy,
                                             const Error& e);

// A sliding 60 s window of events, one-second resolution.
class MinuteWindow {
 public:
  void add(double now);
  int count(double now) const;

 private:
  long long seconds_[60] = {};
  int counts_[60] = {};
};

// §4.4 percentage mode and §4.5 allowed-fails mode, after eligibility and duration checks.
struct CooldownFacts {
  int status = 0;
  bool single_deployment = false;  // the group has exactly one deployment
  int successes = 0;               // this minute
  int failures = 0;                // this minute, the current failure included
};
bool percentage_mode_cools(const CooldownFacts& f);

// Cooldown length: deployment cooldown_time, else the provider's Retry-After, else the router's.
double cooldown_seconds(std::optional<double> deployment_value, std::optional<double> retry_after,
                        double router_value);

// §5.3 with the 2026 refinement: errors LiteLLM's _should_retry refuses (400, 401, 403, 404,
// 422) are retried only when retry_policy names their type.
struct RetryFacts {
  size_t healthy = 0;  // deployments of the group not cooling down
  size_t total = 0;    // deployments of the group
  bool has_context_window_fallbacks = false;
  bool has_content_policy_fallbacks = false;
  bool has_fallbacks = false;
  bool policy_names_error = false;
};
bool should_retry(const Error& e, const RetryFacts& f);

// §5.5: 0 when another healthy deployment exists (groups of several), else Retry-After in (0, 60]
// or exponential 0.5·2^n capped at 8 s, floored by router retry_after; plus jitter in [0, 0.75).
double backoff_seconds(const Error& e, int num_retries, int remaining, size_t healthy, size_t total,
                       double router_retry_after, double jitter_unit);

}  // namespace litellm::router
