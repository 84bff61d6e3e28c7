// Cost per request: the bundled prices, LiteLLM's price-map format, per-deployment prices.
#include <gtest/gtest.h>

#include "litellm/pricing/cost.hpp"

using namespace litellm;

TEST(Pricing, BundledTableByProviderAndModel) {
  auto p = pricing::lookup("openai", "gpt-4o-mini");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->input_cost_per_token, 0.15e-6);
  EXPECT_DOUBLE_EQ(p->output_cost_per_token, 0.60e-6);
  EXPECT_TRUE(pricing::lookup("azure", "gpt-4o"));
  EXPECT_FALSE(pricing::lookup("openai", "no-such-model"));
}

TEST(Pricing, RequestCostOrder) {
  config::Deployment d;
  // The deployment's model.
  EXPECT_DOUBLE_EQ(pricing::request_cost(d, "openai", "gpt-4o-mini", "", {11, 7, 0}),
                   11 * 0.15e-6 + 7 * 0.60e-6);
  // Cached prompt tokens at the cache-read price.
  EXPECT_DOUBLE_EQ(pricing::request_cost(d, "openai", "gpt-4o", "", {100, 0, 40}),
                   60 * 2.5e-6 + 40 * 1.25e-6);
  // base_model wins over the deployment name (Azure deployments).
  d.info.base_model = "gpt-4o";
  EXPECT_DOUBLE_EQ(pricing::request_cost(d, "azure", "my-deployment", "", {10, 10, 0}),
                   10 * 2.5e-6 + 10 * 1e-5);
  // Custom prices on the deployment win over everything.
  d.params.input_cost_per_token = 1e-3;
  d.params.output_cost_per_token = 2e-3;
  EXPECT_DOUBLE_EQ(pricing::request_cost(d, "azure", "my-deployment", "", {3, 4, 0}), 0.011);
  // Unknown model: no price, cost 0 (LiteLLM logs 0 too).
  config::Deployment unknown;
  EXPECT_EQ(pricing::request_cost(unknown, "openai", "mystery", "", {5, 5, 0}), 0);
}

TEST(Pricing, LiteLLMPriceMapFormat) {
  ASSERT_TRUE(pricing::load_price_map(R"({
    "sample_spec": {"input_cost_per_token": 1},
    "my-model": {"litellm_provider": "openai", "input_cost_per_token": "3e-7",
                 "output_cost_per_token": 6e-7, "mode": "chat"}})"));
  auto p = pricing::lookup("openai", "my-model");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->input_cost_per_token, 3e-7);
  EXPECT_DOUBLE_EQ(p->output_cost_per_token, 6e-7);
  EXPECT_FALSE(pricing::lookup("", "sample_spec"));
  EXPECT_FALSE(pricing::load_price_map("[1, 2]"));
}
