// app/cli: LiteLLM's flags, defaults and environment fallbacks.
#include <gtest/gtest.h>

#include "app/cli.hpp"

using namespace litellm::app;

TEST(Cli, DefaultsMatchLiteLLM) {
  unsetenv("PORT");
  unsetenv("HOST");
  unsetenv("NUM_WORKERS");
  const char* argv[] = {"litellm-cpp"};
  auto o = parse_cli(1, argv);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->port, 4000);
  EXPECT_EQ(o->host, "0.0.0.0");
  EXPECT_EQ(o->num_workers, 1);
}

TEST(Cli, SeedCommandLineParses) {
  const char* argv[] = {"litellm-cpp", "--config",       "/app/config.yaml",
                        "--port",      "4000",           "--num_workers",
                        "4",           "--run_gunicorn", "--max_requests_before_restart",
                        "10000"};
  auto o = parse_cli(10, argv);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->config, "/app/config.yaml");
  EXPECT_EQ(o->num_workers, 4);
  EXPECT_TRUE(o->run_gunicorn);
  EXPECT_EQ(o->max_requests_before_restart, 10000);
}

TEST(Cli, EnvironmentFallbacksAndEqualsForm) {
  setenv("PORT", "5123", 1);
  setenv("CONFIG_FILE_PATH", "/etc/c.yaml", 1);
  const char* argv[] = {"litellm-cpp", "--host=127.0.0.1", "-c", "/x.yaml"};
  auto o = parse_cli(4, argv);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->port, 5123);
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->config, "/x.yaml");  // the flag wins over CONFIG_FILE_PATH
  unsetenv("PORT");
  unsetenv("CONFIG_FILE_PATH");
}

TEST(Cli, ErrorsAreUsageErrors) {
  const char* a1[] = {"litellm-cpp", "--bogus"};
  EXPECT_EQ(parse_cli(2, a1).error().status, 2);
  const char* a2[] = {"litellm-cpp", "--port", "notaport"};
  EXPECT_FALSE(parse_cli(3, a2));
  const char* a3[] = {"litellm-cpp", "--validate_config"};
  EXPECT_FALSE(parse_cli(2, a3));
  const char* a4[] = {"litellm-cpp", "--port"};
  EXPECT_FALSE(parse_cli(2, a4));
  const char* a5[] = {"litellm-cpp", "--num_workers", "auto"};
  EXPECT_GE(parse_cli(3, a5)->num_workers, 1);
}
