// Process management: spawn (fork + exec), watch (SIGCHLD), recycle (replacement first), drain
// (SIGTERM), reload (SIGHUP). One single-threaded io_context; no locks.
#include "litellm/supervisor/supervisor.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>

#include "health_app.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/http/server.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/metrics/metrics.hpp"

namespace litellm::supervisor {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

std::optional<WorkerEnv> worker_env() {
  auto listen = env("LITELLM_CPP_LISTEN_FD");
  if (!listen) return std::nullopt;
  WorkerEnv w;
  w.listen_fd = std::atoi(listen->c_str());
  w.control_fd = std::atoi(env("LITELLM_CPP_CONTROL_FD").value_or("-1").c_str());
  w.shm_fd = std::atoi(env("LITELLM_CPP_SHM_FD").value_or("-1").c_str());
  w.metrics_fd = std::atoi(env("LITELLM_CPP_METRICS_FD").value_or("-1").c_str());
  w.metrics_column = std::atoi(env("LITELLM_CPP_METRICS_COLUMN").value_or("0").c_str());
  w.worker_id = std::atoi(env("LITELLM_CPP_WORKER_ID").value_or("0").c_str());
  if (auto m = env("LITELLM_CPP_MAX_REQUESTS")) w.max_requests = std::atol(m->c_str());
  return w;
}

namespace {

struct Worker {
  pid_t pid = -1;
  int id = 0;
  bool ready = false;
  bool retiring = false;  // asked to drain (recycle, reload, shutdown)
  pid_t replaces = -1;    // the worker to retire once this one is ready
  int metrics_column = -1;
  Clock::time_point started;
  std::unique_ptr<asio::posix::stream_descriptor> control;
};

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

class Supervisor {
 public:
  explicit Supervisor(const Options& o)
      : o_(o),
        signals_(ioc_, SIGCHLD, SIGTERM, SIGINT),
        stop_timer_(ioc_),
        rng_(std::random_device{}()) {
    signals_.add(SIGHUP);
  }

  int run() {
    if (o_.separate_health) {
      http::ServerOptions so;
      so.host = o_.health_host;
      so.port = o_.health_port;
      health_app_ = std::make_unique<HealthApp>(
          ioc_, [this] { return counts(); }, o_.main_host, o_.main_port);
      health_server_ = std::make_unique<http::Server>(ioc_, *health_app_, so);
      if (auto st = health_server_->listen(); !st) {
        LOG_ERROR("separate health app: {}", st.error().message);
        return 1;
      }
      health_server_->start();
      std::printf("INFO:     separate health app on http://%s:%u\n", o_.health_host.c_str(),
                  health_server_->port());
      std::fflush(stdout);
    }
    for (int i = 0; i < o_.num_workers; ++i) spawn(i, -1);
    wait_signal();
    ioc_.run();
    return exit_code_;
  }

 private:
  WorkerCounts counts() const {
    WorkerCounts c;
    c.expected = o_.num_workers;
    c.shutting_down = shutting_down_;
    c.db = o_.metrics ? o_.metrics->db_connected() : -1;
    c.redis = o_.metrics ? o_.metrics->redis_connected() : -1;
    c.cache = o_.response_cache;
    for (const auto& [pid, w] : workers_) c.ready += (w.ready && !w.retiring) ? 1 : 0;
    return c;
  }

  std::optional<long> recycle_threshold() {
    if (!o_.max_requests || *o_.max_requests <= 0) return std::nullopt;
    // A random extra 0..J requests so that workers do not recycle together (default J = N/10).
    long jitter = o_.max_requests_jitter ? *o_.max_requests_jitter : *o_.max_requests / 10;
    long extra = jitter > 0 ? std::uniform_int_distribution<long>(0, jitter)(rng_) : 0;
    return *o_.max_requests + extra;
  }

  void spawn(int id, pid_t replaces) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
      LOG_ERROR("socketpair failed: {}", strerror(errno));
      return;
    }
    std::vector<std::string> envs = {"LITELLM_CPP_LISTEN_FD=3", "LITELLM_CPP_CONTROL_FD=4",
                                     "LITELLM_CPP_WORKER_ID=" + std::to_string(id)};
    if (o_.shm_fd >= 0) envs.push_back("LITELLM_CPP_SHM_FD=5");
    const int column = o_.metrics ? o_.metrics->acquire_column(-1) : -1;
    const int metrics_fd = column >= 0 ? o_.metrics->fd() : -1;
    if (metrics_fd >= 0) {
      envs.push_back("LITELLM_CPP_METRICS_FD=6");
      envs.push_back("LITELLM_CPP_METRICS_COLUMN=" + std::to_string(column));
    }
    if (auto t = recycle_threshold())
      envs.push_back("LITELLM_CPP_MAX_REQUESTS=" + std::to_string(*t));
    std::vector<char*> argv;
    for (const auto& a : o_.worker_argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // Workers run this very binary, even if the file was replaced since (an upgrade in place).
    // LITELLM_CPP_WORKER_EXE names a path instead, for tools that cannot exec /proc/self/exe
    // (valgrind: bench/instructions.py).
    const char* exe = std::getenv("LITELLM_CPP_WORKER_EXE");
    if (exe == nullptr || *exe == '\0') exe = "/proc/self/exe";
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
      LOG_ERROR("fork failed: {}", strerror(errno));
      close(sv[0]);
      close(sv[1]);
      if (column >= 0) o_.metrics->release_column(column);
      return;
    }
    if (pid == 0) {  // child: only async-signal-safe calls until exec
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent) _exit(1);
      // Move the three descriptors out of the way first, so that dup2 cannot clobber one of them.
      int listen_hi = fcntl(o_.listen_fd, F_DUPFD, 100);
      int control_hi = fcntl(sv[1], F_DUPFD, 100);
      int shm_hi = o_.shm_fd >= 0 ? fcntl(o_.shm_fd, F_DUPFD, 100) : -1;
      int metrics_hi = metrics_fd >= 0 ? fcntl(metrics_fd, F_DUPFD, 100) : -1;
      if (listen_hi < 0 || control_hi < 0 || dup2(listen_hi, 3) < 0 || dup2(control_hi, 4) < 0)
        _exit(1);
      if (shm_hi >= 0 && dup2(shm_hi, 5) < 0) _exit(1);
      if (metrics_hi >= 0 && dup2(metrics_hi, 6) < 0) _exit(1);
      if (close_range(7, ~0U, 0) != 0)
        for (int fd = 7; fd < 4096; ++fd) close(fd);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      for (const auto& e : envs) putenv(const_cast<char*>(e.c_str()));
      execv(exe, argv.data());
      _exit(127);
    }
    close(sv[1]);
    Worker w;
    w.pid = pid;
    w.id = id;
    w.replaces = replaces;
    w.started = Clock::now();
    w.metrics_column = column;
    w.control = std::make_unique<asio::posix::stream_descriptor>(ioc_, sv[0]);
    auto* control = w.control.get();
    workers_[pid] = std::move(w);
    LOG_INFO("worker {} started (pid {})", id, pid);
    asio::co_spawn(ioc_, read_control(pid, control), asio::detached);
  }

  asio::awaitable<void> read_control(pid_t pid, asio::posix::stream_descriptor* control) {
    char buf[64];
    for (;;) {
      auto [ec, n] =
          co_await control->async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ec || n == 0) co_return;  // the worker exited (SIGCHLD does the bookkeeping)
      auto it = workers_.find(pid);
      if (it == workers_.end()) co_return;
      std::string_view msg(buf, n);
      if (msg == kReady)
        on_ready(it->second);
      else if (msg == kRecycle)
        on_recycle(it->second);
    }
  }

  void publish_counts() {
    if (!o_.metrics) return;
    auto c = counts();
    o_.metrics->set_workers(c.ready, c.expected);
  }

  void on_ready(Worker& w) {
    w.ready = true;
    publish_counts();
    if (w.replaces >= 0) {
      retire(w.replaces, "replaced by pid " + std::to_string(w.pid));
      w.replaces = -1;
    }
  }

  void on_recycle(Worker& w) {
    if (shutting_down_ || w.retiring) return;
    w.retiring = true;  // keeps serving until its replacement is ready
    LOG_INFO("worker {} (pid {}) reached its request limit: starting its replacement", w.id, w.pid);
    if (o_.metrics) o_.metrics->count_restart(false);
    spawn(w.id, w.pid);
  }

  void retire(pid_t pid, const std::string& why) {
    auto it = workers_.find(pid);
    if (it == workers_.end()) return;
    it->second.retiring = true;
    LOG_INFO("worker {} (pid {}) draining: {}", it->second.id, pid, why);
    kill(pid, SIGUSR2);  // graceful: no keep-alive connection is cut under a client
  }

  void reap() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      auto it = workers_.find(pid);
      if (it == workers_.end()) continue;
      Worker w = std::move(it->second);
      workers_.erase(it);
      if (o_.metrics && w.metrics_column >= 0) o_.metrics->release_column(w.metrics_column);
      publish_counts();
      const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (shutting_down_) {
        // A worker still starting when SIGTERM came dies of it before it could drain: expected.
        const bool killed_starting = !w.ready && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
        if (!clean && !killed_starting) exit_code_ = 1;
        LOG_INFO("worker {} (pid {}) exited: {}", w.id, pid, describe_status(status));
        continue;
      }
      if (w.retiring && clean) {
        LOG_INFO("worker {} (pid {}) drained and exited", w.id, pid);
        continue;
      }
      LOG_ERROR("worker {} (pid {}) died unexpectedly: {}", w.id, pid, describe_status(status));
      if (o_.metrics) o_.metrics->count_restart(true);
      // A worker that keeps dying young is restarted with growing delays (0.1 s .. 10 s).
      const bool young = Clock::now() - w.started < std::chrono::seconds(5);
      crash_streak_ = young ? crash_streak_ + 1 : 0;
      auto delay = std::chrono::milliseconds(
          crash_streak_ <= 1 ? 0 : std::min(10000, 100 << std::min(crash_streak_ - 2, 7)));
      if (w.replaces >= 0 && workers_.count(w.replaces))
        workers_[w.replaces].retiring = false;  // keep the old one
      if (w.retiring) continue;  // a retiring worker that crashed: its replacement is already up
      auto timer = std::make_shared<asio::steady_timer>(ioc_, delay);
      const int id = w.id;
      timer->async_wait([this, timer, id](const boost::system::error_code&) {
        if (!shutting_down_) spawn(id, -1);
      });
    }
    if (shutting_down_ && workers_.empty()) ioc_.stop();
  }

  void shutdown(bool force) {
    if (force) {
      LOG_WARN("second signal: stopping {} worker(s) now", workers_.size());
      for (const auto& [pid, w] : workers_) kill(pid, SIGKILL);
      exit_code_ = workers_.empty() ? exit_code_ : 1;
      ioc_.stop();
      return;
    }
    shutting_down_ = true;
    LOG_INFO("shutting down: draining {} worker(s) (up to {}s)", workers_.size(),
             o_.stop_wait_seconds);
    for (const auto& [pid, w] : workers_) kill(pid, SIGTERM);
    if (workers_.empty()) {
      ioc_.stop();
      return;
    }
    stop_timer_.expires_after(
        std::chrono::milliseconds(static_cast<int64_t>(o_.stop_wait_seconds * 1000)));
    stop_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      LOG_WARN("stop deadline reached: killing {} worker(s)", workers_.size());
      for (const auto& [pid, w] : workers_) kill(pid, SIGKILL);
      ioc_.stop();
    });
  }

  void reload() {
    if (shutting_down_) return;
    if (o_.validate_config && !o_.validate_config()) {
      LOG_ERROR("SIGHUP: the new config is invalid; the running workers keep the old one");
      return;
    }
    LOG_WARN("SIGHUP: config valid; replacing {} worker(s)", workers_.size());
    std::vector<std::pair<int, pid_t>> current;
    for (auto& [pid, w] : workers_)
      if (!w.retiring) current.emplace_back(w.id, pid);
    for (auto& [id, pid] : current) {
      workers_[pid].retiring = true;
      if (o_.metrics) o_.metrics->count_restart(false);
      spawn(id, pid);
    }
  }

  void wait_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      switch (sig) {
        case SIGCHLD:
          reap();
          break;
        case SIGHUP:
          reload();
          break;
        default:
          shutdown(shutting_down_);
          break;
      }
      wait_signal();
    });
  }

  const Options& o_;
  asio::io_context ioc_{1};
  asio::signal_set signals_;
  asio::steady_timer stop_timer_;
  std::map<pid_t, Worker> workers_;
  std::unique_ptr<HealthApp> health_app_;
  std::unique_ptr<http::Server> health_server_;
  std::mt19937_64 rng_;
  bool shutting_down_ = false;
  int crash_streak_ = 0;
  int exit_code_ = 0;
};

}  // namespace

int run(const Options& options) {
  Supervisor s(options);
  return s.run();
}

}  // namespace litellm::supervisor
