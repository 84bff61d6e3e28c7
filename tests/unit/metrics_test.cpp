// metrics::Registry: requests with alternating label sets land in their own series (the registry
// remembers the label set it used last; a different one must not reuse its cells).
#include <gtest/gtest.h>

#include <string>

#include "config_text.hpp"
#include "litellm/metrics/metrics.hpp"

using namespace litellm;

TEST(Registry, AlternatingLabelSetsCountSeparately) {
  auto cfg = test::config_from("litellm_settings: {callbacks: [prometheus]}\n");
  metrics::Registry reg(*cfg, -1, 0);
  ASSERT_TRUE(reg.enabled());
  metrics::RequestLabels a, b;
  a.hashed_api_key = "hash-a";
  a.requested_model = "gpt-a";
  b.hashed_api_key = "hash-b";
  b.requested_model = "gpt-a";
  metrics::DeploymentLabels dep{"gpt-4o", "id-1", "http://up", "openai", "gpt-a"};
  metrics::RequestDone done;
  for (const auto* l : {&a, &a, &b, &a, &b, &a}) {
    reg.request(*l, &dep, done);
    reg.attempt(*l, dep, 200, {}, 0.1, 5);
  }
  const std::string text = reg.render();
  const std::string total = "litellm_proxy_total_requests_metric_total{";
  const auto line_for = [&](const std::string& key) {
    const std::string head = total + "end_user=\"None\",hashed_api_key=\"" + key + "\"";
    const size_t at = text.find(head);
    return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
  };
  const std::string la = line_for("hash-a"), lb = line_for("hash-b");
  ASSERT_FALSE(la.empty()) << text;
  ASSERT_FALSE(lb.empty()) << text;
  EXPECT_EQ(std::stod(la.substr(la.rfind(' ') + 1)), 4);
  EXPECT_EQ(std::stod(lb.substr(lb.rfind(' ') + 1)), 2);
  // The attempts: one series per key as well.
  const std::string success = "litellm_deployment_success_responses_total{";
  size_t count = 0;
  double sum = 0;
  for (size_t at = 0; (at = text.find(success, at)) != std::string::npos; ++at) {
    const size_t eol = text.find('\n', at);
    const std::string line = text.substr(at, eol - at);
    ++count;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  EXPECT_EQ(count, 2u) << text;
  EXPECT_EQ(sum, 6);
}
