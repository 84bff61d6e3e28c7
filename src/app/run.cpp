// Startup in LiteLLM's order (environment, logging, config), then the role: the supervisor (the
// process users start) or a worker (exec'd by the supervisor, see src/supervisor/).
#include "run.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

#include "cli.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/config/loader.hpp"
#include "litellm/db/schema.hpp"
#include "litellm/db/store.hpp"
#include "litellm/handlers/gateway.hpp"
#include "litellm/http/server.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/metrics/metrics.hpp"
#include "litellm/redis/client.hpp"
#include "litellm/redis/settings.hpp"
#include "litellm/router/router.hpp"
#include "litellm/spend/redis_buffer.hpp"
#include "litellm/state/redis_state.hpp"
#include "litellm/state/shared_memory.hpp"
#include "litellm/supervisor/supervisor.hpp"
#include "litellm/version.hpp"

namespace litellm::app {
namespace {

namespace asio = boost::asio;

struct Loaded {
  config::ConfigPtr config;
  std::unique_ptr<router::Router> router;
  redis::Settings redis;
};

bool same_server(const redis::Options& a, const redis::Options& b) {
  return a.host == b.host && a.port == b.port && a.db == b.db && a.tls == b.tls &&
         a.username == b.username && a.password == b.password;
}

// Loads the config and builds the router. `report` prints errors (and logs warnings); workers
// load quietly, the supervisor already reported. nullopt when invalid.
std::optional<Loaded> load(const CliOptions& cli, bool report) {
  auto result = config::load_file(cli.config);
  if (report)
    for (const auto& w : result.warnings) LOG_WARN("config: {}", w);
  if (!result.config) {
    if (report) {
      std::fprintf(stderr, "LiteLLM: config invalid (%zu error%s)\n", result.errors.size(),
                   result.errors.size() == 1 ? "" : "s");
      for (const auto& e : result.errors) std::fprintf(stderr, "  %s\n", e.c_str());
    }
    return std::nullopt;
  }
  auto cfg = std::const_pointer_cast<config::Config>(result.config);
  if (cli.drop_params) cfg->litellm_settings.drop_params = true;
  if (cli.request_timeout)
    cfg->litellm_settings.request_timeout = *cli.request_timeout;
  else if (!cfg->litellm_settings.raw.contains("request_timeout"))
    if (auto t = env("REQUEST_TIMEOUT"))
      cfg->litellm_settings.request_timeout = std::strtod(t->c_str(), nullptr);
  if (cfg->litellm_settings.json_logs) logging::set_json(true);
  if (cfg->litellm_settings.set_verbose) logging::set_level(spdlog::level::debug);
  std::vector<std::string> warnings, errors;
  Loaded l;
  l.config = cfg;
  l.router = router::Router::create(cfg, warnings, &errors);
  if (report)
    for (const auto& w : warnings) LOG_WARN("config: {}", w);
  auto redis_settings = redis::settings_from(*cfg);
  if (!redis_settings) {
    errors.push_back(redis_settings.error().message);
  } else {
    l.redis = std::move(*redis_settings);
    if (report)
      for (const auto& w : l.redis.warnings) LOG_WARN("config: {}", w);
  }
  if (!errors.empty()) {
    if (report) {
      std::fprintf(stderr, "LiteLLM: config invalid (%zu error%s)\n", errors.size(),
                   errors.size() == 1 ? "" : "s");
      for (const auto& e : errors) std::fprintf(stderr, "  %s\n", e.c_str());
    }
    return std::nullopt;
  }
  return l;
}

double stop_wait_seconds() {
  auto s = env("SUPERVISORD_STOPWAITSECS");  // LiteLLM's image default: 3600
  return s ? std::strtod(s->c_str(), nullptr) : 3600.0;
}

void send_control(int fd, std::string_view msg) {
  if (fd >= 0) (void)!::write(fd, msg.data(), msg.size());
}

// A worker: serves the inherited socket until SIGTERM, the supervisor's death, or (after its
// request limit) the replacement the supervisor started in response to "recycle" is ready.
int run_worker(const CliOptions& cli, const supervisor::WorkerEnv& wenv) {
  auto loaded = load(cli, false);
  if (!loaded) return 1;
  // One thread runs this loop and does all socket and timer work (the resolver's helper thread
  // only posts completions), so the reactor's per-descriptor locks are dropped.
  asio::io_context ioc(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO);
  if (wenv.shm_fd >= 0) {
    if (auto shared = state::attach_shared_region(wenv.shm_fd))
      loaded->router->set_state(std::move(shared));
    else
      LOG_WARN("worker {}: shared state unavailable; cooldowns are local to this worker",
               wenv.worker_id);
  }
  handlers::GatewayOptions gopts;
  gopts.metrics_fd = wenv.metrics_fd;
  gopts.metrics_column = wenv.metrics_column;
  // Redis: the fleet's shared state over this host's, the response cache, the spend buffer.
  if (const auto& r = loaded->redis.router) {
    gopts.redis = std::make_shared<redis::Client>(ioc, *r);
    gopts.redis->start();
    state::FleetOptions fo;
    for (const auto& d : loaded->router->deployments())
      fo.deployment_ids.push_back(d.config->info.id);
    loaded->router->set_state(
        state::make_fleet_state(loaded->router->shared_state(), gopts.redis, ioc, std::move(fo)));
  }
  if (const auto& c = loaded->redis.cache) {
    gopts.cache = c;
    if (gopts.redis && same_server(c->redis, gopts.redis->options())) {
      gopts.cache_redis = gopts.redis;
    } else {
      gopts.cache_redis = std::make_shared<redis::Client>(ioc, c->redis);
      gopts.cache_redis->start();
    }
  }
  std::unique_ptr<db::Store> store;
  if (auto dbs = db::database_settings(*loaded->config); dbs && *dbs) {
    store = std::make_unique<db::Store>(ioc, db::store_options(*loaded->config, **dbs));
    if (loaded->config->general_settings.use_redis_transaction_buffer) {
      if (gopts.redis)
        store->set_buffer(spend::make_redis_buffer(gopts.redis, spend::buffer_options()));
      else if (wenv.worker_id == 0)
        LOG_WARN(
            "use_redis_transaction_buffer needs Redis (router_settings.redis_host/port or "
            "a redis cache); spend is written directly");
    }
    store->start();
  }
  db::Store* store_ptr = store.get();
  handlers::Gateway gateway(ioc, loaded->config, std::move(loaded->router), gopts,
                            std::move(store));
  gateway.start();
  http::ServerOptions so;
  so.listen_fd = wenv.listen_fd;
  so.ssl_certfile = cli.ssl_certfile_path;
  so.ssl_keyfile = cli.ssl_keyfile_path;
  if (cli.keepalive_timeout) so.keepalive_timeout = std::chrono::seconds(*cli.keepalive_timeout);
  if (auto mb = loaded->config->general_settings.max_request_size_mb)
    so.body_limit = static_cast<size_t>(*mb * 1024 * 1024);
  http::Server server(ioc, gateway, so);
  if (auto st = server.listen(); !st) {
    LOG_ERROR("worker {}: {}", wenv.worker_id, st.error().message);
    return 1;
  }
  server.start();

  // Graceful drain: stop accepting, let in-flight requests and streams finish and every
  // connection close, then leave the loop with nothing pending.
  // SIGTERM/SIGINT: shut down (idle connections closed at once). SIGUSR2: retire for recycling or
  // reload (idle keep-alive connections close after their next request or at their idle timeout).
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.add(SIGUSR2);
  asio::steady_timer tick(ioc);
  bool draining = false, forced = false, recycle_sent = false, store_drained = false;
  auto deadline = std::chrono::steady_clock::now();
  auto begin_drain = [&](const char* why, bool close_idle) {
    if (draining) return;
    draining = true;
    deadline = std::chrono::steady_clock::now() +
               std::chrono::milliseconds(static_cast<int64_t>(stop_wait_seconds() * 1000));
    LOG_INFO("worker {} draining ({}): {} request(s) in flight", wenv.worker_id, why,
             gateway.in_flight());
    server.stop_accepting(close_idle);
  };
  std::function<void()> on_tick = [&]() {
    if (draining) {
      if (gateway.in_flight() == 0 && server.connections() == 0) {
        if (!store_ptr || store_drained) return ioc.stop();
        // Spend not yet written: to the database now, or to the journal for the next worker.
        store_drained = true;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        asio::co_spawn(
            ioc,
            [store_ptr, left, &ioc, &forced]() -> asio::awaitable<void> {
              co_await store_ptr->drain(std::min(left, std::chrono::milliseconds(10000)));
              // Database work still running past the bound: end like a forced drain (the
              // journal is on disk; the next worker writes it).
              if (store_ptr->busy()) forced = true;
              ioc.stop();
            },
            asio::detached);
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        forced = true;
        return ioc.stop();
      }
    }
    gateway.publish_status();  // this worker's gauges for /metrics (cheap: a few stores)
    if (!draining && wenv.max_requests && !recycle_sent &&
        gateway.served() >= static_cast<uint64_t>(*wenv.max_requests)) {
      recycle_sent = true;
      send_control(wenv.control_fd, supervisor::kRecycle);
    }
    tick.expires_after(std::chrono::milliseconds(draining ? 20 : 100));
    tick.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) on_tick();
    });
  };
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (draining && sig != SIGUSR2) {  // a second signal: now
          forced = true;
          return ioc.stop();
        }
        begin_drain(sig == SIGUSR2 ? "retired" : "signal", sig != SIGUSR2);
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  std::unique_ptr<asio::posix::stream_descriptor> control;
  if (wenv.control_fd >= 0) {
    control = std::make_unique<asio::posix::stream_descriptor>(ioc, wenv.control_fd);
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          char buf[16];
          for (;;) {
            auto [ec, n] = co_await control->async_read_some(asio::buffer(buf),
                                                             asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec || n == 0) {  // the supervisor is gone: do not linger
              begin_drain("supervisor exited", true);
              co_return;
            }
          }
        },
        asio::detached);
  }
  on_tick();
  send_control(wenv.control_fd, supervisor::kReady);  // after the signal handlers are in place
  ioc.run();
  if (forced) {
    // Requests were still running: end now, as a supervisor's SIGKILL would, without unwinding
    // coroutine frames that point at the objects of this function.
    LOG_WARN("worker {}: drain deadline reached with {} request(s) in flight", wenv.worker_id,
             gateway.in_flight());
    logging::proxy().flush();
    std::fflush(nullptr);
    std::_Exit(0);
  }
  if (control) control->close();
  return 0;
}

// Binds the listening socket every worker inherits (one accept queue: see docs/architecture.md).
int bind_listener(const CliOptions& cli, std::string& error) {
  asio::io_context tmp;
  asio::ip::tcp::acceptor acceptor(tmp);
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(cli.host, ec);
  if (ec) {
    error = "invalid --host '" + cli.host + "': " + ec.message();
    return -1;
  }
  asio::ip::tcp::endpoint ep(addr, static_cast<uint16_t>(cli.port));
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + cli.host + ":" + std::to_string(cli.port) + ": " + ec.message();
    return -1;
  }
  return acceptor.release();
}

int run_supervisor(const CliOptions& cli, const Loaded& loaded, int argc, const char* const* argv) {
  std::string error;
  int listen_fd = bind_listener(cli, error);
  if (listen_fd < 0) {
    LOG_ERROR("{}", error);
    std::fprintf(stderr, "litellm-cpp: %s\n", error.c_str());
    return 1;
  }
  supervisor::Options o;
  o.num_workers = cli.num_workers;
  o.worker_argv.assign(argv, argv + argc);
  o.listen_fd = listen_fd;
  o.shm_fd = state::create_shared_region();
  if (o.shm_fd < 0) LOG_WARN("shared memory unavailable: each worker keeps its own router state");
  auto metrics_host = metrics::Host::create();
  if (!metrics_host) LOG_WARN("shared memory unavailable: /metrics shows one worker at a time");
  o.metrics = metrics_host.get();
  o.max_requests = cli.max_requests_before_restart;
  o.max_requests_jitter = cli.max_requests_before_restart_jitter;
  o.separate_health = env("SEPARATE_HEALTH_APP").value_or("0") == "1";
  o.health_host = cli.host;
  o.health_port =
      static_cast<uint16_t>(std::atoi(env("SEPARATE_HEALTH_PORT").value_or("4001").c_str()));
  o.stop_wait_seconds = stop_wait_seconds();
  const std::string config_path = cli.config;
  o.validate_config = [config_path]() {
    auto r = config::load_file(config_path);
    for (const auto& e : r.errors) LOG_ERROR("config: {}", e);
    return r.config != nullptr;
  };
  std::printf("LiteLLM: Proxy initialized with Config, Set models:\n");
  for (const auto& d : loaded.config->model_list) std::printf("    %s\n", d.model_name.c_str());
  // The port actually bound (--port 0 picks a free one).
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  int port = cli.port;
  if (getsockname(listen_fd, reinterpret_cast<sockaddr*>(&bound), &bound_len) == 0)
    port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  std::printf(
      "INFO:     litellm-cpp running on %s://%s:%d with %d worker%s (Press CTRL+C to quit)\n",
      cli.ssl_certfile_path ? "https" : "http", cli.host.c_str(), port, cli.num_workers,
      cli.num_workers == 1 ? "" : "s");
  std::fflush(stdout);
  o.main_port = static_cast<uint16_t>(port);
  o.response_cache = loaded.redis.cache.has_value();
  if (cli.host != "0.0.0.0" && cli.host != "::" && !cli.host.empty()) o.main_host = cli.host;
  return supervisor::run(o);
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
  if (auto w = supervisor::worker_env()) return run_worker(cli, *w);

  for (const auto& flag : cli.ignored)
    LOG_INFO("flag {} accepted for compatibility; it has no effect here", flag);
  auto loaded = load(cli, true);
  if (!loaded) return 1;
  if (cli.validate_config) {
    std::printf("LiteLLM: config OK (%zu models)\n", loaded->config->model_list.size());
    return 0;
  }
  // The database, once, before any worker starts (LiteLLM runs its migrations here too).
  auto dbs = db::database_settings(*loaded->config);
  if (!dbs) {
    std::fprintf(stderr, "LiteLLM: %s\n", dbs.error().message.c_str());
    return 1;
  }
  if (*dbs) {
    const auto& d = **dbs;
    std::printf("LiteLLM: database %s; connection budget %zu per worker x %d worker%s = %zu\n",
                d.redacted.c_str(), d.pool_limit, cli.num_workers, cli.num_workers == 1 ? "" : "s",
                d.pool_limit * static_cast<size_t>(cli.num_workers));
    const bool update = !db::schema_update_disabled(*loaded->config);
    auto report = db::prepare_schema(d, update, std::max(5.0, d.connect_timeout_seconds / 2));
    if (!report) {
      std::fprintf(stderr, "LiteLLM: database setup failed: %s\n", report.error().message.c_str());
      return 1;
    }
    if (report->created) LOG_INFO("database was empty: created LiteLLM's tables");
    for (const auto& v : report->views_created) LOG_INFO("created view {}", v);
    if (!report->missing.empty()) {
      std::string list;
      for (const auto& t : report->missing) list += (list.empty() ? "" : ", ") + t;
      if (update)
        LOG_WARN(
            "tables missing (existing LiteLLM database, not altered): {}; features using "
            "them are off",
            list);
      else
        LOG_ERROR(
            "tables missing (DISABLE_SCHEMA_UPDATE): {}; run once without it (or "
            "--skip_server_startup) to create them",
            list);
    }
  }
  if (cli.skip_server_startup) {
    std::printf("LiteLLM: Setup complete. Skipping server startup as requested.\n");
    return 0;
  }
  return run_supervisor(cli, *loaded, argc, argv);
}

}  // namespace litellm::app
