// router/: name resolution (ids, aliases, wildcards) and the simple-shuffle weights.
#include <gtest/gtest.h>

#include "litellm/config/loader.hpp"
#include "litellm/router/router.hpp"

using namespace litellm;

namespace {
std::unique_ptr<router::Router> make(const char* yaml) {
  auto r = config::load_text(yaml, ".");
  EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0]);
  std::vector<std::string> warnings;
  return router::Router::create(r.config, warnings);
}
const char* kYaml = R"(
model_list:
  - {model_name: a, litellm_params: {model: openai/a1, weight: 3}}
  - {model_name: a, litellm_params: {model: openai/a2, weight: 1}}
  - {model_name: b, litellm_params: {model: openai/b, rpm: 10}, model_info: {id: b-id}}
  - {model_name: "llmengine/*", litellm_params: {model: "openai/*"}}
  - {model_name: "llmengine/special-*", litellm_params: {model: "openai/special-*"}}
  - {model_name: bad, litellm_params: {model: nonsense-model}}
router_settings:
  model_group_alias: {alias-a: a, hidden-b: {model: b, hidden: true}}
)";
}  // namespace

TEST(Router, ResolvesGroupsAliasesIdsAndSkipsInvalid) {
  auto r = make(kYaml);
  EXPECT_EQ(r->deployments().size(), 5u);  // "bad" has no provider: skipped
  EXPECT_EQ(r->resolve("a")->candidates.size(), 2u);
  EXPECT_EQ(r->resolve("alias-a")->model_group, "a");
  EXPECT_EQ(r->resolve("hidden-b")->candidates.size(), 1u);
  auto byid = r->resolve("b-id");
  ASSERT_TRUE(byid);
  EXPECT_EQ(byid->model_group, "b");
  auto missing = r->resolve("zzz");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 400);
  auto names = r->model_names();
  EXPECT_EQ(names,
            (std::vector<std::string>{"a", "b", "llmengine/*", "llmengine/special-*", "alias-a"}));
}

TEST(Router, WildcardsMostSpecificFirstWithSubstitution) {
  auto r = make(kYaml);
  auto s = r->resolve("llmengine/foo");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->candidates[0].provider_model, "foo");
  auto sp = r->resolve("llmengine/special-x");
  ASSERT_TRUE(sp);
  EXPECT_EQ(sp->candidates[0].provider_model, "special-x");
}

TEST(Router, WeightedIndexFollowsWeights) {
  std::vector<double> w{3, 1};
  EXPECT_EQ(router::weighted_index(w, 0.0), 0u);
  EXPECT_EQ(router::weighted_index(w, 0.74), 0u);
  EXPECT_EQ(router::weighted_index(w, 0.76), 1u);
  std::vector<double> zero{0, 0, 0};
  EXPECT_EQ(router::weighted_index(zero, 0.5), 1u);  // uniform fallback
}

TEST(Router, SimpleShuffleSplitMatchesWeights) {
  auto r = make(kYaml);
  auto s = r->resolve("a");
  auto healthy = r->healthy(*s, "a");
  ASSERT_TRUE(healthy);
  int first = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) first += r->pick(*healthy) == 0;
  EXPECT_NEAR(static_cast<double>(first) / n, 0.75, 0.02);
}
