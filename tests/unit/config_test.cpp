// config/: YAML typing, os.environ/, include, validation paths, deployment ids, the seed config.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "litellm/config/loader.hpp"

using namespace litellm::config;

namespace {

std::string tmpdir() {
  auto d = std::filesystem::temp_directory_path() / ("litellm-cfg-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d.string();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool has_error(const LoadResult& r, const std::string& needle) {
  for (const auto& e : r.errors)
    if (e.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(YamlJson, ScalarsFollowPyYamlSafeLoad) {
  auto j =
      yaml_to_json("a: yes\nb: 'yes'\nc: 10\nd: 1.5\ne: ~\nf: 1e5\ng: on\nh: \"600\"\ni: 0x1f\n");
  EXPECT_EQ(j["a"], true);
  EXPECT_EQ(j["b"], "yes");
  EXPECT_EQ(j["c"], 10);
  EXPECT_EQ(j["d"], 1.5);
  EXPECT_TRUE(j["e"].is_null());
  EXPECT_EQ(j["f"], "1e5");  // YAML 1.1 floats need a dot
  EXPECT_EQ(j["g"], true);
  EXPECT_EQ(j["h"], "600");
  EXPECT_EQ(j["i"], 31);
}

TEST(OsEnviron, UnsetIsNullBooleansConvertNumbersStayStrings) {
  setenv("LT_A", "TRUE ", 1);
  setenv("LT_B", "42", 1);
  unsetenv("LT_UNSET");
  Json j = Json::parse(R"({"a":"os.environ/LT_A","b":"os.environ/LT_B","c":"os.environ/LT_UNSET",
    "list":["os.environ/LT_B", {"d":"os.environ/LT_B"}]})");
  resolve_os_environ(j);
  EXPECT_EQ(j["a"], true);
  EXPECT_EQ(j["b"], "42");
  EXPECT_TRUE(j["c"].is_null());
  EXPECT_EQ(j["list"][0], "os.environ/LT_B");  // plain strings in lists are left alone
  EXPECT_EQ(j["list"][1]["d"], "42");
}

TEST(DeploymentId, MatchesLiteLLMsHashOfGroupAndParams) {
  Json params = Json::parse(R"({"model":"openai/gpt-4o","api_key":"sk-abc","rpm":10,"timeout":600.0,
    "drop_params":true,"extra":{"a":1,"b":[1,"x"]},"tags":["a","b"],"order":null})");
  // sha256("gpt-4omodelopenai/gpt-4oapi_keysk-abcrpm10timeout600.0drop_paramsTrue"
  //        "extra{\"a\": 1, \"b\": [1, \"x\"]}tags['a', 'b']orderNone"), computed with Python.
  EXPECT_EQ(deployment_id("gpt-4o", params),
            "a654a746faa05af2e2d8c0948c456ef208274cf2e0d34b8583dbe596351e94b8");
}

TEST(Loader, SeedProductionConfigLoadsWithItsSettings) {
  setenv("REDIS_PORT", "6380", 1);
  auto r = load_file(std::string(LITELLM_SOURCE_DIR) + "/config/production.yaml");
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0]);
  const Config& c = *r.config;
  EXPECT_EQ(c.model_list.size(), 4u);
  EXPECT_EQ(c.general_settings.database_connection_pool_limit, 10);
  EXPECT_EQ(c.general_settings.proxy_batch_write_at, 60);
  EXPECT_TRUE(c.general_settings.disable_error_logs);
  EXPECT_EQ(c.litellm_settings.request_timeout, 600);
  EXPECT_TRUE(c.litellm_settings.json_logs);
  EXPECT_FALSE(c.litellm_settings.set_verbose);
  EXPECT_EQ(c.router_settings.routing_strategy, "simple-shuffle");
  EXPECT_EQ(c.router_settings.allowed_fails, 3);
  EXPECT_EQ(c.router_settings.cooldown_time, 30);
  EXPECT_EQ(c.router_settings.redis_port, 6380);
  EXPECT_EQ(c.router_settings.retry_policy.at("RateLimitErrorRetries"), 3);
  EXPECT_EQ(c.router_settings.retry_policy.at("AuthenticationErrorRetries"), 0);
  EXPECT_EQ(c.router_settings.allowed_fails_policy.size(), 6u);
  EXPECT_EQ(c.router_settings.allowed_fails_policy.at("InternalServerErrorAllowedFails"), 20);
  EXPECT_EQ(c.general_settings.alerting, std::vector<std::string>{"slack"});
}

TEST(Loader, IncludeExtendsListsAndReplacesMaps) {
  auto dir = tmpdir();
  write(dir + "/models.yaml",
        "model_list:\n  - model_name: b\n    litellm_params: {model: openai/b}\n"
        "router_settings: {num_retries: 7}\n");
  write(dir + "/main.yaml",
        "include: [models.yaml]\nmodel_list:\n  - model_name: a\n    litellm_params: {model: "
        "openai/a}\n"
        "router_settings: {num_retries: 1, timeout: 5}\n");
  auto r = load_file(dir + "/main.yaml");
  ASSERT_TRUE(r.config);
  ASSERT_EQ(r.config->model_list.size(), 2u);
  EXPECT_EQ(r.config->model_list[1].model_name, "b");
  EXPECT_EQ(r.config->router_settings.num_retries, 7);
  EXPECT_FALSE(r.config->router_settings.timeout);  // maps are replaced, not merged
}

TEST(Loader, IncludeErrors) {
  auto dir = tmpdir();
  write(dir + "/bad1.yaml", "include: models.yaml\n");
  EXPECT_TRUE(has_error(load_file(dir + "/bad1.yaml"), "'include' must be a list of file paths"));
  write(dir + "/bad2.yaml", "include: [missing.yaml]\n");
  EXPECT_TRUE(has_error(load_file(dir + "/bad2.yaml"), "Included file not found"));
}

TEST(Loader, AllErrorsReportedAtOnceWithPaths) {
  auto r = load_text(R"(
model_list:
  - model_name: x
    litellm_params: {model: openai/x, rpm: lots}
  - model_name: y
  - model_name: z
    litellm_params: {api_base: http://h}
router_settings:
  health_check_interval: 30
  routing_strategy: fastest
  allowed_fails: -x
general_settings:
  database_connection_pool_limit: 0
)",
                     ".");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, "model_list[0].litellm_params.rpm"));
  EXPECT_TRUE(has_error(r, "model_list[1].litellm_params"));
  EXPECT_TRUE(has_error(r, "model_list[2].litellm_params.model"));
  EXPECT_TRUE(has_error(r, "router_settings.health_check_interval"));
  EXPECT_TRUE(has_error(r, "router_settings.routing_strategy"));
  EXPECT_TRUE(has_error(r, "router_settings.allowed_fails"));
  EXPECT_TRUE(has_error(r, "general_settings.database_connection_pool_limit"));
  EXPECT_EQ(r.errors.size(), 7u);
}

TEST(Loader, UnknownKeysWarnWhereLiteLLMWarns) {
  auto r = load_text(
      "router_settings:\n  bogus_key: 1\nlitellm_settings:\n  anything_goes: 1\nwhatever: 2\n",
      ".");
  ASSERT_TRUE(r.config);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].find("whatever"), std::string::npos);
  EXPECT_NE(r.warnings[1].find("router_settings.bogus_key"), std::string::npos);
}

TEST(Loader, EnvironmentVariablesAreExported) {
  unsetenv("LT_EXPORTED");
  auto r = load_text("environment_variables:\n  LT_EXPORTED: 123\n  LT_BOOL: true\n", ".");
  ASSERT_TRUE(r.config);
  EXPECT_STREQ(getenv("LT_EXPORTED"), "123");
  EXPECT_STREQ(getenv("LT_BOOL"), "True");
}

TEST(Loader, DeploymentFieldsTopLevelRpmAndModelInfo) {
  auto r = load_text(R"(
model_list:
  - model_name: g
    rpm: 60
    litellm_params: {model: openai/g, temperature: 0.2, weight: 3, timeout: "30"}
    model_info: {id: 7, mode: embedding}
)",
                     ".");
  ASSERT_TRUE(r.config);
  const auto& d = r.config->model_list[0];
  EXPECT_EQ(d.params.rpm, 60);
  EXPECT_EQ(d.params.weight, 3);
  EXPECT_EQ(d.params.timeout, 30);
  EXPECT_EQ(d.info.id, "7");
  EXPECT_EQ(d.info.mode, "embedding");
  EXPECT_EQ(d.params.extra["temperature"], 0.2);
  EXPECT_FALSE(d.params.extra.contains("weight"));
}

TEST(Loader, EmptyFileIsAnError) {
  auto r = load_text("", ".");
  EXPECT_TRUE(has_error(r, "Config cannot be None or Empty."));
}

TEST(DotEnv, DoesNotOverrideAndStripsQuotes) {
  auto dir = tmpdir();
  write(dir + "/.env",
        "# comment\nLT_DOT_A=\"quoted value\"\nexport LT_DOT_B=plain # trailing\nLT_DOT_C=new\n");
  setenv("LT_DOT_C", "old", 1);
  ASSERT_TRUE(load_dotenv(dir + "/.env"));
  EXPECT_STREQ(getenv("LT_DOT_A"), "quoted value");
  EXPECT_STREQ(getenv("LT_DOT_B"), "plain");
  EXPECT_STREQ(getenv("LT_DOT_C"), "old");
}
