// Startup sequence and the single-worker event loop with graceful drain.
#include "run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/config/loader.hpp"
#include "litellm/handlers/gateway.hpp"
#include "litellm/http/server.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/router/router.hpp"
#include "litellm/version.hpp"

namespace litellm::app {
namespace {

namespace asio = boost::asio;

struct Loaded {
  config::ConfigPtr config;
  std::unique_ptr<router::Router> router;
};

// Loads the config and builds the router; prints every error. nullopt when invalid.
std::optional<Loaded> load(const CliOptions& cli) {
  auto result = config::load_file(cli.config);
  for (const auto& w : result.warnings) LOG_WARN("config: {}", w);
  if (!result.config) {
    std::fprintf(stderr, "LiteLLM: config invalid (%zu error%s)\n", result.errors.size(),
                 result.errors.size() == 1 ? "" : "s");
    for (const auto& e : result.errors) std::fprintf(stderr, "  %s\n", e.c_str());
    return std::nullopt;
  }
  auto cfg = std::const_pointer_cast<config::Config>(result.config);
  if (cli.drop_params) cfg->litellm_settings.drop_params = true;
  if (cli.request_timeout) cfg->litellm_settings.request_timeout = *cli.request_timeout;
  else if (!cfg->litellm_settings.raw.contains("request_timeout"))
    if (auto t = env("REQUEST_TIMEOUT")) cfg->litellm_settings.request_timeout = std::strtod(t->c_str(), nullptr);
  if (cfg->litellm_settings.json_logs) logging::set_json(true);
  if (cfg->litellm_settings.set_verbose) logging::set_level(spdlog::level::debug);
  std::vector<std::string> warnings;
  Loaded l;
  l.config = cfg;
  l.router = router::Router::create(cfg, warnings);
  for (const auto& w : warnings) LOG_WARN("config: {}", w);
  return l;
}

int serve(const CliOptions& cli, Loaded loaded) {
  asio::io_context ioc(1);
  handlers::Gateway gateway(ioc, loaded.config, std::move(loaded.router));
  http::ServerOptions so;
  so.host = cli.host;
  so.port = static_cast<uint16_t>(cli.port);
  so.ssl_certfile = cli.ssl_certfile_path;
  so.ssl_keyfile = cli.ssl_keyfile_path;
  if (cli.keepalive_timeout) so.keepalive_timeout = std::chrono::seconds(*cli.keepalive_timeout);
  if (auto mb = loaded.config->general_settings.max_request_size_mb)
    so.body_limit = static_cast<size_t>(*mb * 1024 * 1024);
  http::Server server(ioc, gateway, so);
  if (auto st = server.listen(); !st) {
    LOG_ERROR("{}", st.error().message);
    std::fprintf(stderr, "litellm-cpp: %s\n", st.error().message.c_str());
    return 1;
  }
  server.start();
  std::printf("LiteLLM: Proxy initialized with Config, Set models:\n");
  for (const auto& name : loaded.config->model_list) std::printf("    %s\n", name.model_name.c_str());
  std::printf("INFO:     litellm-cpp running on %s://%s:%u (Press CTRL+C to quit)\n",
              cli.ssl_certfile_path ? "https" : "http", cli.host.c_str(), server.port());
  std::fflush(stdout);

  // Graceful drain: stop accepting, let in-flight requests and streams finish and every connection
  // close, then leave the loop with nothing pending. A second signal or the deadline cuts it short.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  asio::steady_timer drain_timer(ioc);
  int signals_seen = 0;
  bool forced = false;
  auto deadline = std::chrono::steady_clock::now();
  std::function<void()> poll_drain = [&]() {
    if (gateway.in_flight() == 0 && server.connections() == 0) {
      ioc.stop();
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      forced = true;
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](const boost::system::error_code&) { poll_drain(); });
  };
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec, int) {
    if (ec) return;
    if (++signals_seen > 1) {
      forced = true;
      ioc.stop();
      return;
    }
    long stop_wait = 3600;  // SUPERVISORD_STOPWAITSECS default
    if (auto s = env("SUPERVISORD_STOPWAITSECS")) stop_wait = std::strtol(s->c_str(), nullptr, 10);
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(stop_wait);
    LOG_INFO("shutting down: draining {} in-flight request(s)", gateway.in_flight());
    server.stop_accepting();
    poll_drain();
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  ioc.run();
  if (forced) {
    // Requests were still running: end now, as a supervisor's SIGKILL would, without unwinding
    // coroutine frames that point at the objects of this function.
    LOG_WARN("shutdown deadline reached with {} request(s) in flight; exiting", gateway.in_flight());
    logging::proxy().flush();
    std::fflush(nullptr);
    std::_Exit(0);
  }
  return 0;
}

}  // namespace

int run(int argc, const char* const* argv) {
  auto parsed = parse_cli(argc, argv);
  if (!parsed) {
    std::fprintf(stderr, "Usage: litellm-cpp [OPTIONS]\nTry 'litellm-cpp --help' for help.\n\n%s\n",
                 parsed.error().message.c_str());
    return 2;
  }
  const CliOptions& cli = *parsed;
  if (cli.help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (cli.version) {
    std::printf("\nLiteLLM: Current Version = %s\n", kVersion);
    return 0;
  }
  // LITELLM_MODE=DEV (the default) reads ./.env without overriding set variables.
  if (env("LITELLM_MODE").value_or("DEV") == "DEV") config::load_dotenv(".env");
  logging::init(logging::options_from_env(cli.debug, cli.detailed_debug));
  for (const auto& flag : cli.ignored) LOG_INFO("flag {} accepted for compatibility; it has no effect here", flag);

  auto loaded = load(cli);
  if (!loaded) return 1;
  if (cli.validate_config) {
    std::printf("LiteLLM: config OK (%zu models)\n", loaded->config->model_list.size());
    return 0;
  }
  if (cli.skip_server_startup) {
    std::printf("LiteLLM: Setup complete. Skipping server startup as requested.\n");
    return 0;
  }
  return serve(cli, std::move(*loaded));
}

}  // namespace litellm::app
