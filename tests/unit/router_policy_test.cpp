// router/: cooldown, retry and fallback rules, table-driven, with a fake clock.
#include <gtest/gtest.h>

#include "litellm/config/loader.hpp"
#include "litellm/router/router.hpp"

using namespace litellm;
using namespace litellm::router;

namespace {

class FakeClock final : public Clock {
 public:
  double now() const override { return t; }
  double t = 1'700'000'000.0;
};

Error err(ErrorKind k, int status, std::optional<double> retry_after = std::nullopt) {
  Error e = Error::make(k, status, std::string("litellm.") + error_kind_name(k) + ": boom");
  e.retry_after = retry_after;
  return e;
}

struct Fixture {
  std::unique_ptr<Router> router;
  FakeClock clock;
  explicit Fixture(const char* yaml) {
    auto r = config::load_text(yaml, ".");
    EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0]);
    std::vector<std::string> warnings;
    router = Router::create(r.config, warnings);
    router->set_clock(&clock);
  }
  const RoutedDeployment& dep(size_t i) { return router->deployments()[i]; }
  size_t healthy(const char* group) {
    auto sel = router->resolve(group);
    auto h = router->healthy(*sel, group);
    return h ? h->size() : 0;
  }
  bool fail(size_t i, const Error& e) {
    router->on_start(dep(i));
    return router->on_failure(dep(i), e);
  }
};

// The seed report's router_settings.
const char* kSeed = R"(
model_list:
  - {model_name: g, litellm_params: {model: openai/a}}
  - {model_name: g, litellm_params: {model: openai/b}}
  - {model_name: solo, litellm_params: {model: openai/c}}
router_settings:
  allowed_fails: 3
  cooldown_time: 30
  num_retries: 3
  retry_policy: {AuthenticationErrorRetries: 0, TimeoutErrorRetries: 3, RateLimitErrorRetries: 3,
                 ContentPolicyViolationErrorRetries: 0, InternalServerErrorRetries: 3}
  allowed_fails_policy: {BadRequestErrorAllowedFails: 1000, AuthenticationErrorAllowedFails: 10,
                         TimeoutErrorAllowedFails: 12, RateLimitErrorAllowedFails: 10000,
                         ContentPolicyViolationErrorAllowedFails: 15, InternalServerErrorAllowedFails: 20}
)";

}  // namespace

TEST(CooldownEligibility, StatusTable) {
  struct {
    Error e;
    bool eligible;
  } rows[] = {{err(ErrorKind::kRateLimit, 429), true},
              {err(ErrorKind::kAuthentication, 401), true},
              {err(ErrorKind::kTimeout, 408), true},
              {err(ErrorKind::kNotFound, 404), true},
              {err(ErrorKind::kInternalServer, 500), true},
              {err(ErrorKind::kServiceUnavailable, 503), true},
              {err(ErrorKind::kBadRequest, 400), false},
              {err(ErrorKind::kPermissionDenied, 403), false},
              {err(ErrorKind::kApiConnection, 500), false}};
  for (const auto& r : rows) EXPECT_EQ(cooldown_eligible(r.e), r.eligible) << r.e.status;
}

TEST(PercentageMode, Rules) {
  // status, single, successes, failures → cools
  struct {
    int status;
    bool single;
    int s, f;
    bool cools;
  } rows[] = {
      {429, false, 0, 1, true},   {429, true, 0, 1, false},  {500, false, 0, 4, false},
      {500, false, 2, 3, true},   {500, false, 3, 2, false}, {500, true, 0, 999, false},
      {500, true, 0, 1000, true}, {401, true, 10, 1, true},  {404, false, 10, 1, true},
      {408, false, 0, 1, false},
  };
  for (const auto& r : rows)
    EXPECT_EQ(percentage_mode_cools({r.status, r.single, r.s, r.f}), r.cools)
        << r.status << " single=" << r.single << " " << r.s << "/" << r.f;
}

TEST(CooldownSeconds, DeploymentThenRetryAfterThenRouter) {
  EXPECT_EQ(cooldown_seconds(7, 20, 30), 7);
  EXPECT_EQ(cooldown_seconds(std::nullopt, 20, 30), 20);
  EXPECT_EQ(cooldown_seconds(std::nullopt, std::nullopt, 30), 30);
  EXPECT_EQ(cooldown_seconds(0, 20, 30), 0);  // 0 disables
}

TEST(Policies, SeedRetryAndAllowedFailsLookup) {
  std::map<std::string, int> retry = {{"AuthenticationErrorRetries", 0},
                                      {"RateLimitErrorRetries", 3},
                                      {"InternalServerErrorRetries", 3},
                                      {"ContentPolicyViolationErrorRetries", 0}};
  EXPECT_EQ(retries_from_policy(retry, err(ErrorKind::kAuthentication, 401)), 0);
  EXPECT_EQ(retries_from_policy(retry, err(ErrorKind::kRateLimit, 429)), 3);
  EXPECT_EQ(retries_from_policy(retry, err(ErrorKind::kInternalServer, 500)),
            3);  // LiteLLM #37805 ignores it
  EXPECT_EQ(retries_from_policy(retry, err(ErrorKind::kContentPolicyViolation, 400)), 0);
  EXPECT_FALSE(retries_from_policy(retry, err(ErrorKind::kServiceUnavailable, 503)));
  std::map<std::string, int> fails = {{"BadRequestErrorAllowedFails", 1000},
                                      {"InternalServerErrorAllowedFails", 0}};
  EXPECT_EQ(allowed_fails_from_policy(fails, err(ErrorKind::kContextWindowExceeded, 400)), 1000);
  EXPECT_EQ(allowed_fails_from_policy(fails, err(ErrorKind::kInternalServer, 500)),
            0);  // 0 honoured (#32425)
}

TEST(ShouldRetry, ShortCircuits) {
  RetryFacts ok{2, 2, false, false, false, false};
  EXPECT_TRUE(should_retry(err(ErrorKind::kRateLimit, 429), ok));
  EXPECT_TRUE(should_retry(err(ErrorKind::kInternalServer, 500), ok));
  EXPECT_FALSE(should_retry(err(ErrorKind::kNotFound, 404), ok));
  EXPECT_FALSE(should_retry(err(ErrorKind::kBadRequest, 400), ok));
  RetryFacts named = ok;
  named.policy_names_error = true;
  EXPECT_TRUE(should_retry(err(ErrorKind::kBadRequest, 400), named));
  RetryFacts none_healthy{0, 2, false, false, true, false};
  EXPECT_FALSE(should_retry(err(ErrorKind::kInternalServer, 500), none_healthy));
  RetryFacts cw{2, 2, true, false, false, false};
  EXPECT_FALSE(should_retry(err(ErrorKind::kContextWindowExceeded, 400), cw));
  RetryFacts single{1, 1, false, false, false, true};
  EXPECT_FALSE(should_retry(err(ErrorKind::kAuthentication, 401), single));
}

TEST(Backoff, ImmediateWithHealthyElseRetryAfterElseExponential) {
  auto e = err(ErrorKind::kInternalServer, 500);
  EXPECT_EQ(backoff_seconds(e, 3, 3, 1, 2, 0, 0.5), 0);         // another healthy deployment
  EXPECT_DOUBLE_EQ(backoff_seconds(e, 3, 3, 1, 1, 0, 0), 0.5);  // one deployment: backoff
  EXPECT_DOUBLE_EQ(backoff_seconds(e, 3, 2, 0, 2, 0, 0), 1.0);
  EXPECT_DOUBLE_EQ(backoff_seconds(e, 10, 1, 0, 2, 0, 0), 8.0);  // capped
  EXPECT_DOUBLE_EQ(backoff_seconds(e, 3, 3, 0, 2, 20, 0), 8.0);  // retry_after floor, then cap
  EXPECT_DOUBLE_EQ(backoff_seconds(err(ErrorKind::kRateLimit, 429, 7), 3, 3, 0, 2, 0, 1.0), 7.75);
  EXPECT_DOUBLE_EQ(backoff_seconds(err(ErrorKind::kRateLimit, 429, 120), 3, 3, 0, 2, 0, 0), 0.5);
}

TEST(MinuteWindowTest, SlidesOverSixtySeconds) {
  MinuteWindow w;
  w.add(100.2);
  w.add(100.9);
  w.add(130);
  EXPECT_EQ(w.count(131), 3);
  EXPECT_EQ(w.count(160.5), 1);
  EXPECT_EQ(w.count(200), 0);
}

TEST(RouterCooldown, SeedPolicyCoolsAfterAllowedFailsAndRecovers) {
  Fixture f(kSeed);
  // Legacy mode (a policy is set): InternalServerErrorAllowedFails 20 → the 21st failure cools.
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(f.fail(0, err(ErrorKind::kInternalServer, 500))) << i;
  EXPECT_TRUE(f.fail(0, err(ErrorKind::kInternalServer, 500)));
  EXPECT_EQ(f.healthy("g"), 1u);
  f.clock.t += 29;
  EXPECT_EQ(f.healthy("g"), 1u);
  f.clock.t += 2;  // cooldown_time 30 elapsed
  EXPECT_EQ(f.healthy("g"), 2u);
  // AuthenticationErrorAllowedFails 10 → the 11th; 400s never count.
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(f.fail(1, err(ErrorKind::kBadRequest, 400)));
  EXPECT_EQ(f.healthy("g"), 2u);
}

TEST(RouterCooldown, PercentageModeAndAllCoolingGives429) {
  Fixture f(R"(
model_list:
  - {model_name: g, litellm_params: {model: openai/a}}
  - {model_name: g, litellm_params: {model: openai/b, cooldown_time: 2}}
router_settings: {cooldown_time: 10}
)");
  EXPECT_TRUE(f.fail(0, err(ErrorKind::kRateLimit, 429)));  // 429 in a group of two: at once
  EXPECT_TRUE(f.fail(1, err(ErrorKind::kRateLimit, 429, 60)));
  auto sel = f.router->resolve("g");
  auto h = f.router->healthy(*sel, "g");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().status, 429);
  EXPECT_NE(
      h.error().message.find("No deployments available for selected model, Try again in 2 seconds"),
      std::string::npos)
      << h.error().message;  // deployment cooldown_time beats Retry-After
  f.clock.t += 2.5;
  EXPECT_EQ(f.healthy("g"), 1u);
  f.clock.t += 8;
  EXPECT_EQ(f.healthy("g"), 2u);
}

TEST(RouterCooldown, SingleDeploymentAnd400sAndWildcardsAreExempt) {
  Fixture f(R"(
model_list:
  - {model_name: solo, litellm_params: {model: openai/a}}
  - {model_name: "w/*", litellm_params: {model: "openai/*"}}
)");
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(f.fail(0, err(ErrorKind::kRateLimit, 429)));
  EXPECT_TRUE(
      f.fail(0, err(ErrorKind::kAuthentication, 401)));  // 401 cools even a single deployment
  EXPECT_FALSE(f.fail(1, err(ErrorKind::kAuthentication, 401)));
}

TEST(RouterRetries, PrecedenceAndPolicy) {
  Fixture f(kSeed);
  EXPECT_EQ(f.router->num_retries(err(ErrorKind::kInternalServer, 500), std::nullopt, f.dep(0)), 3);
  EXPECT_EQ(f.router->num_retries(err(ErrorKind::kAuthentication, 401), std::nullopt, f.dep(0)), 0);
  EXPECT_EQ(f.router->num_retries(err(ErrorKind::kServiceUnavailable, 503), 1, f.dep(0)), 1);
  Fixture d("model_list: [{model_name: g, litellm_params: {model: openai/a}}]\n");
  EXPECT_EQ(d.router->num_retries(err(ErrorKind::kInternalServer, 500), std::nullopt, d.dep(0)),
            2);  // default
}

TEST(RouterFallbacks, TypedThenExactThenStrippedThenStar) {
  Fixture f(R"(
model_list:
  - {model_name: a, litellm_params: {model: openai/a}}
router_settings:
  fallbacks: [{a: [b, c]}, {gpt-4o: [d]}, {"*": [z]}]
  context_window_fallbacks: [{a: [big]}]
  default_fallbacks: [y]
)");
  auto v = [](std::vector<std::string> x) { return x; };
  EXPECT_EQ(f.router->fallbacks_for(err(ErrorKind::kInternalServer, 500), "a"), v({"b", "c"}));
  EXPECT_EQ(f.router->fallbacks_for(err(ErrorKind::kContextWindowExceeded, 400), "a"), v({"big"}));
  EXPECT_EQ(f.router->fallbacks_for(err(ErrorKind::kContextWindowExceeded, 400), "other"), v({}));
  EXPECT_EQ(f.router->fallbacks_for(err(ErrorKind::kInternalServer, 500), "openai/gpt-4o"),
            v({"d"}));
  EXPECT_EQ(f.router->fallbacks_for(err(ErrorKind::kInternalServer, 500), "x"), v({"z"}));
}

TEST(RouterRateLimits, EnforcedOnlyWithPreCallChecks) {
  const char* yaml = R"(
model_list:
  - {model_name: g, litellm_params: {model: openai/a, rpm: 2}}
router_settings: {enable_pre_call_checks: true}
)";
  Fixture f(yaml);
  f.router->on_start(f.dep(0));
  f.router->on_start(f.dep(0));
  auto sel = f.router->resolve("g");
  auto h = f.router->healthy(*sel, "g");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().status, 429);
  auto headers = f.router->ratelimit_headers(*sel);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[1].second, "0");
  f.clock.t += 60;
  EXPECT_EQ(f.healthy("g"), 1u);
  Fixture loose("model_list: [{model_name: g, litellm_params: {model: openai/a, rpm: 1}}]\n");
  loose.router->on_start(loose.dep(0));
  loose.router->on_start(loose.dep(0));
  EXPECT_EQ(loose.healthy("g"), 1u);  // rpm is only a weight without pre-call checks
}
