// Router rules, kept free of I/O and state so every case is a table row in tests.
#include "litellm/router/policy.hpp"

#include "litellm/common/strings.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

namespace litellm::router {
namespace {

class SystemClock final : public Clock {
 public:
  double now() const override { return litellm::unix_time(); }
};

// Policy field suffixes for an error, most specific first.
using Fields = std::array<const char*, 3>;
Fields error_fields(const Error& e) {
  switch (e.kind) {
    case ErrorKind::kContentPolicyViolation:
      return Fields{"ContentPolicyViolationError", "BadRequestError", "Default"};
    case ErrorKind::kContextWindowExceeded:
    case ErrorKind::kUnsupportedParams:
    case ErrorKind::kBadRequest:
    case ErrorKind::kProxyBadRequest:
    case ErrorKind::kUnprocessableEntity:
      return Fields{"BadRequestError", "Default"};
    case ErrorKind::kAuthentication:
      return Fields{"AuthenticationError", "Default"};
    case ErrorKind::kTimeout:
      return Fields{"TimeoutError", "Default"};
    case ErrorKind::kRateLimit:
    case ErrorKind::kNoDeployments:
      return Fields{"RateLimitError", "Default"};
    case ErrorKind::kInternalServer:
    case ErrorKind::kApiError:
      return Fields{"InternalServerError", "Default"};
    case ErrorKind::kServiceUnavailable:
      return Fields{"ServiceUnavailableError", "Default"};
    case ErrorKind::kBadGateway:
      return Fields{"BadGatewayError", "Default"};
    case ErrorKind::kNotFound:
    case ErrorKind::kProxyNotFound:
      return Fields{"NotFoundError", "Default"};
    default:
      return Fields{"Default"};
  }
}

std::optional<int> lookup(const std::map<std::string, int>& policy, const Error& e,
                          const char* suffix) {
  for (const char* field : error_fields(e)) {
    if (field == nullptr) break;
    std::string key = std::string(field) == "Default"
                          ? (std::string(suffix) == "Retries" ? "DefaultRetries" : "")
                          : std::string(field) + suffix;
    if (key.empty()) continue;
    if (auto it = policy.find(key); it != policy.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace

const Clock& system_clock() {
  static const SystemClock c;
  return c;
}

bool status_should_retry(int status) {
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

bool cooldown_eligible(const Error& e) {
  if (e.kind == ErrorKind::kApiConnection) return false;
  if (e.message.find("APIConnectionError") != std::string::npos) return false;
  int s = e.status;
  if (s == 429 || s == 401 || s == 408 || s == 404) return true;
  if (s >= 400 && s < 500) return false;
  return true;
}

std::optional<int> retries_from_policy(const std::map<std::string, int>& policy, const Error& e) {
  return lookup(policy, e, "Retries");
}

std::optional<int> allowed_fails_from_policy(const std::map<std::string, int>& policy,
                                             const Error& e) {
  return lookup(policy, e, "AllowedFails");
}

void MinuteWindow::add(double now) {
  auto sec = static_cast<long long>(std::floor(now));
  int slot = static_cast<int>(((sec % 60) + 60) % 60);
  if (seconds_[slot] != sec) {
    seconds_[slot] = sec;
    counts_[slot] = 0;
  }
  ++counts_[slot];
}

int MinuteWindow::count(double now) const {
  auto sec = static_cast<long long>(std::floor(now));
  int total = 0;
  for (int i = 0; i < 60; ++i)
    if (seconds_[i] > sec - 60 && seconds_[i] <= sec) total += counts_[i];
  return total;
}

bool percentage_mode_cools(const CooldownFacts& f) {
  constexpr int kSingleDeploymentTrafficFailureThreshold = 1000;
  constexpr double kFailureThresholdPercent = 0.5;
  constexpr int kFailureThresholdMinimumRequests = 5;
  const int total = f.successes + f.failures;
  const double pct = total == 0 ? 0.0 : static_cast<double>(f.failures) / total;
  if (f.status == 429 && !f.single_deployment) return true;
  if (pct >= 1.0 && total >= kSingleDeploymentTrafficFailureThreshold) return true;
  if (pct > kFailureThresholdPercent && total >= kFailureThresholdMinimumRequests &&
      !f.single_deployment)
    return true;
  return !status_should_retry(f.status);  // 401 and 404
}

double cooldown_seconds(std::optional<double> deployment_value, std::optional<double> retry_after,
                        double router_value) {
  if (deployment_value && *deployment_value >= 0) return *deployment_value;
  if (retry_after && *retry_after >= 0) return std::floor(*retry_after);
  return router_value;
}

bool should_retry(const Error& e, const RetryFacts& f) {
  if (e.kind == ErrorKind::kContextWindowExceeded && f.has_context_window_fallbacks) return false;
  if (e.kind == ErrorKind::kContentPolicyViolation && f.has_content_policy_fallbacks) return false;
  if (e.kind == ErrorKind::kNotFound) return false;
  if (e.kind == ErrorKind::kRateLimit && f.healthy == 0 && f.has_fallbacks) return false;
  if (e.kind == ErrorKind::kAuthentication && f.total <= 1) return false;
  if (f.healthy == 0) return false;
  if (!status_should_retry(e.status) && !f.policy_names_error) return false;
  return true;
}

double backoff_seconds(const Error& e, int num_retries, int remaining, size_t healthy, size_t total,
                       double router_retry_after, double jitter_unit) {
  if (total != 1 && healthy > 0) return 0;
  const double jitter = 0.75 * jitter_unit;
  if (e.retry_after && *e.retry_after > 0 && *e.retry_after <= 60) return *e.retry_after + jitter;
  const int n = std::max(0, num_retries - remaining);
  const double base = std::min(std::max(0.5 * std::pow(2.0, n), router_retry_after), 8.0);
  return base + jitter;
}

}  // namespace litellm::router
