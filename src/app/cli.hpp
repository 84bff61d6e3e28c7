// LiteLLM's command line (proxy_cli.py) with its defaults and environment fallbacks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "litellm/common/error.hpp"

namespace litellm::app {

struct CliOptions {
  std::string config;  // --config/-c, CONFIG_FILE_PATH
  std::string host = "0.0.0.0";
  int port = 4000;
  int num_workers = 1;
  bool run_gunicorn = false;
  bool run_hypercorn = false;
  bool run_granian = false;
  std::optional<long> max_requests_before_restart;
  std::optional<long> max_requests_before_restart_jitter;
  bool debug = false;
  bool detailed_debug = false;
  bool validate_config = false;
  bool skip_server_startup = false;
  bool use_prisma_migrate = false;
  bool use_prisma_db_push = false;
  bool version = false;
  bool help = false;
  bool drop_params = false;
  std::optional<int> keepalive_timeout;
  std::optional<std::string> ssl_keyfile_path;
  std::optional<std::string> ssl_certfile_path;
  std::optional<int> limit_concurrency;
  std::optional<double> request_timeout;
  std::vector<std::string> ignored;  // accepted for compatibility, no effect here
};

// Parses argv; environment variables fill what the command line leaves unset.
Result<CliOptions> parse_cli(int argc, const char* const* argv);
std::string usage_text();

}  // namespace litellm::app
