// Flag table: every flag LiteLLM's click command accepts; unknown flags are an error.
#include "cli.hpp"

#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <map>

#include "litellm/common/strings.hpp"

namespace litellm::app {
namespace {

Error usage_error(const std::string& message) {
  return Error::make(ErrorKind::kProxyBadRequest, 2, message);
}

std::optional<long> to_long(const std::string& s) {
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

int cpu_count() {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace

std::string usage_text() {
  return R"USAGE(Usage: litellm-cpp [OPTIONS]

  A LiteLLM-compatible proxy server. Reads LiteLLM's config.yaml.

Options:
  -c, --config PATH                   Path to the proxy config.yaml (env CONFIG_FILE_PATH)
  --host TEXT                         Host to bind (default 0.0.0.0, env HOST)
  --port INTEGER                      Port to bind (default 4000, env PORT)
  --num_workers INTEGER|auto          Worker processes (default 1, env NUM_WORKERS; auto = one per CPU)
  --run_gunicorn                      Accepted: the pre-fork supervisor is always used
  --max_requests_before_restart INT   Recycle a worker after N requests (env MAX_REQUESTS_BEFORE_RESTART)
  --max_requests_before_restart_jitter INT
                                      Random extra 0..J requests per worker
  --keepalive_timeout INTEGER         Client keep-alive timeout in seconds (default 5, env KEEPALIVE_TIMEOUT)
  --ssl_keyfile_path PATH             TLS private key (env SSL_KEYFILE_PATH)
  --ssl_certfile_path PATH            TLS certificate chain (env SSL_CERTFILE_PATH)
  --debug                             INFO logging (env DEBUG)
  --detailed_debug                    DEBUG logging (env DETAILED_DEBUG)
  --validate_config                   Validate --config, print "config OK (N models)" and exit
  --skip_server_startup               Load the config (and run DB setup), then exit 0
  --use_prisma_migrate                Accepted (schema handling: see docs/configuration.md)
  --use_prisma_db_push                Accepted (schema handling: see docs/configuration.md)
  --drop_params                       Drop unsupported OpenAI params
  --request_timeout FLOAT             Default request timeout in seconds
  -v, --version                       Print the version and exit
  --help                              Show this message and exit
)USAGE";
}

Result<CliOptions> parse_cli(int argc, const char* const* argv) {
  CliOptions o;
  std::optional<std::string> config, host, port, workers, max_req, jitter, keepalive, sslkey,
      sslcert, limit, req_timeout;
  std::map<std::string, std::optional<std::string>*> valued = {
      {"--config", &config},
      {"-c", &config},
      {"--host", &host},
      {"--port", &port},
      {"--num_workers", &workers},
      {"--max_requests_before_restart", &max_req},
      {"--max_requests_before_restart_jitter", &jitter},
      {"--keepalive_timeout", &keepalive},
      {"--ssl_keyfile_path", &sslkey},
      {"--ssl_certfile_path", &sslcert},
      {"--limit_concurrency", &limit},
      {"--request_timeout", &req_timeout}};
  std::map<std::string, bool*> flags = {{"--run_gunicorn", &o.run_gunicorn},
                                        {"--run_hypercorn", &o.run_hypercorn},
                                        {"--run_granian", &o.run_granian},
                                        {"--debug", &o.debug},
                                        {"--detailed_debug", &o.detailed_debug},
                                        {"--validate_config", &o.validate_config},
                                        {"--skip_server_startup", &o.skip_server_startup},
                                        {"--use_prisma_migrate", &o.use_prisma_migrate},
                                        {"--use_prisma_db_push", &o.use_prisma_db_push},
                                        {"--version", &o.version},
                                        {"-v", &o.version},
                                        {"--help", &o.help},
                                        {"--drop_params", &o.drop_params}};
  // Flags LiteLLM has that do nothing in a compiled proxy; accepted so existing commands run.
  static const std::map<std::string, bool> kIgnoredValued = {
      {"--granian_threads", true},
      {"--model", true},
      {"-m", true},
      {"--alias", true},
      {"--api_base", true},
      {"--api_version", true},
      {"--add_key", true},
      {"--headers", true},
      {"--temperature", true},
      {"--max_tokens", true},
      {"--max_budget", true},
      {"--telemetry", true},
      {"--log_config", true},
      {"--ciphers", true},
      {"--timeout_worker_healthcheck", true},
      {"--num_requests", true},
      {"--prometheus_metrics_port", true},
      {"--test", false},
      {"--health", false},
      {"--local", false},
      {"--save", false},
      {"--use_queue", false},
      {"--add_function_to_prompt", false},
      {"--setup", false},
      {"--test_async", false},
      {"--iam_token_db_auth", false},
      {"--azure_postgresql_auth", false},
      {"--reload", false},
      {"--use_legacy_migration_resolver", false},
      {"--use_v2_migration_resolver", false},
      {"--enforce_prisma_migration_check", false}};

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (arg.starts_with("--")) {
      if (auto eq = arg.find('='); eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    auto take_value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (auto it = valued.find(arg); it != valued.end()) {
      auto v = take_value();
      if (!v) return usage_error("Error: Option '" + arg + "' requires an argument.");
      *it->second = *v;
    } else if (auto f = flags.find(arg); f != flags.end()) {
      *f->second = true;
    } else if (auto ig = kIgnoredValued.find(arg); ig != kIgnoredValued.end()) {
      if (ig->second && !take_value())
        return usage_error("Error: Option '" + arg + "' requires an argument.");
      o.ignored.push_back(arg);
    } else if (arg.starts_with("-")) {
      return usage_error("Error: No such option: " + arg);
    } else {
      return usage_error("Error: Unknown command: " + arg);
    }
  }

  auto env_or = [](std::optional<std::string>& v, const char* name) {
    if (!v) {
      if (auto e = env(name); e && !e->empty()) v = e;
    }
  };
  env_or(config, "CONFIG_FILE_PATH");
  env_or(host, "HOST");
  env_or(port, "PORT");
  env_or(workers, "NUM_WORKERS");
  if (!workers) env_or(workers, "DEFAULT_NUM_WORKERS_LITELLM_PROXY");
  env_or(max_req, "MAX_REQUESTS_BEFORE_RESTART");
  env_or(jitter, "MAX_REQUESTS_BEFORE_RESTART_JITTER");
  env_or(keepalive, "KEEPALIVE_TIMEOUT");
  env_or(sslkey, "SSL_KEYFILE_PATH");
  env_or(sslcert, "SSL_CERTFILE_PATH");
  env_or(limit, "LIMIT_CONCURRENCY");
  if (!o.use_prisma_migrate) o.use_prisma_migrate = env_flag("USE_PRISMA_MIGRATE");

  if (config) o.config = *config;
  if (host) o.host = *host;
  if (port) {
    auto p = to_long(*port);
    if (!p || *p < 0 || *p > 65535)
      return usage_error("Error: Invalid value for '--port': '" + *port + "' is not a valid port.");
    o.port = static_cast<int>(*p);
  }
  if (workers) {
    if (*workers == "auto" || *workers == "0") {
      o.num_workers = cpu_count();
    } else {
      auto w = to_long(*workers);
      if (!w || *w < 1 || *w > 1024)
        return usage_error("Error: Invalid value for '--num_workers': '" + *workers +
                           "' (an integer >= 1, or auto).");
      o.num_workers = static_cast<int>(*w);
    }
  }
  auto positive = [&](const std::optional<std::string>& v, const char* name, auto& out) -> Status {
    if (!v) return Ok{};
    auto n = to_long(*v);
    if (!n || *n < 0)
      return usage_error(std::string("Error: Invalid value for '") + name + "': '" + *v +
                         "' is not a valid integer.");
    out = static_cast<std::remove_reference_t<decltype(*out)>>(*n);
    return Ok{};
  };
  if (auto s = positive(max_req, "--max_requests_before_restart", o.max_requests_before_restart);
      !s)
    return s.error();
  if (auto s = positive(jitter, "--max_requests_before_restart_jitter",
                        o.max_requests_before_restart_jitter);
      !s)
    return s.error();
  if (auto s = positive(keepalive, "--keepalive_timeout", o.keepalive_timeout); !s)
    return s.error();
  if (auto s = positive(limit, "--limit_concurrency", o.limit_concurrency); !s) return s.error();
  if (req_timeout) {
    char* end = nullptr;
    double t = std::strtod(req_timeout->c_str(), &end);
    if (end == req_timeout->c_str() || t <= 0)
      return usage_error("Error: Invalid value for '--request_timeout': '" + *req_timeout + "'");
    o.request_timeout = t;
  }
  o.ssl_keyfile_path = sslkey;
  o.ssl_certfile_path = sslcert;
  if (o.validate_config && o.config.empty())
    return usage_error("Error: --validate_config requires --config to be set");
  return o;
}

}  // namespace litellm::app
