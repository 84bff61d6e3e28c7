// The benchmark's floor: a relay that does no work at all. It copies bytes between each client
// connection and an upstream connection opened in advance, with one epoll loop and no HTTP
// parsing, so what it adds to a request's latency is what the operating system and this VM charge
// for passing a request through a second process: the least any proxy (nginx, us) can add.
//
//   bench_relay --port P --upstream-port U [--spares N]
//
// Each accepted client takes an idle upstream connection from a pool of N (default 64) opened
// ahead; both close when either side closes, and the pool is topped up then, off the request's
// path. Runs until killed. Not a general proxy: loopback only, no timeouts.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace {

enum class Role { kFree, kSpare, kPaired };

struct Conn {
  Role role = Role::kFree;
  int peer = -1;
  std::string pending;  // bytes read from the peer that this side did not take yet
};

std::vector<Conn> g_conns;
std::vector<int> g_spares;
int g_spare_target = 64;
int g_epoll = -1;
int g_upstream_port = 0;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

Conn& conn(int fd) {
  if (static_cast<size_t>(fd) >= g_conns.size()) g_conns.resize(static_cast<size_t>(fd) * 2 + 64);
  return g_conns[static_cast<size_t>(fd)];
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void watch(int op, int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(g_epoll, op, fd, &ev) != 0) die("epoll_ctl");
}

void no_delay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A loopback connect completes within the call, so the blocking form is used, then the socket is
// made non-blocking for the loop.
int open_upstream() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  sockaddr_in a = loopback(g_upstream_port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect upstream");
  no_delay(fd);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

void add_spare() {
  int fd = open_upstream();
  conn(fd) = Conn{Role::kSpare, -1, {}};
  watch(EPOLL_CTL_ADD, fd, EPOLLIN);  // an idle upstream that closes leaves the pool
  g_spares.push_back(fd);
}

void close_one(int fd) {
  if (conn(fd).role == Role::kSpare) std::erase(g_spares, fd);
  conn(fd) = Conn{};
  close(fd);  // also removes it from the epoll set
}

void close_pair(int fd) {
  int peer = conn(fd).peer;
  close_one(fd);
  if (peer >= 0) close_one(peer);
}

void accept_all(int listener) {
  for (;;) {
    int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: none left
    no_delay(fd);
    int up;
    if (g_spares.empty()) {
      up = open_upstream();
      watch(EPOLL_CTL_ADD, up, EPOLLIN);
    } else {
      up = g_spares.back();
      g_spares.pop_back();
    }
    conn(fd) = Conn{Role::kPaired, up, {}};
    conn(up) = Conn{Role::kPaired, fd, {}};
    watch(EPOLL_CTL_ADD, fd, EPOLLIN);
  }
}

// Write `data` to fd; what the socket does not take waits in its pending buffer, and the side it
// came from stops being read until it is written (the relay never holds more than one read).
bool send_or_queue(int fd, int from, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return false;
      conn(fd).pending.assign(data);
      watch(EPOLL_CTL_MOD, fd, EPOLLOUT);
      watch(EPOLL_CTL_MOD, from, 0);
      return true;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void on_event(int fd, uint32_t events, char* buf, size_t size) {
  Conn& c = conn(fd);
  if (c.role == Role::kSpare) {  // an idle pooled upstream closed (or sent something): drop it
    close_one(fd);
    return;
  }
  if (c.role == Role::kFree) return;  // closed earlier in this batch
  if (!conn(c.peer).pending.empty() && !(events & EPOLLOUT)) {
    // Muted until its peer takes what was read (only hang-up and errors are reported here).
    close_pair(fd);
    return;
  }
  if ((events & EPOLLOUT) && !c.pending.empty()) {
    std::string rest = std::move(c.pending);
    c.pending.clear();
    watch(EPOLL_CTL_MOD, fd, EPOLLIN);
    watch(EPOLL_CTL_MOD, c.peer, EPOLLIN);
    if (!send_or_queue(fd, c.peer, rest)) close_pair(fd);
    return;
  }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
  ssize_t n = recv(fd, buf, size, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0 || !send_or_queue(c.peer, fd, std::string_view(buf, static_cast<size_t>(n)))) {
    close_pair(fd);
    while (std::ssize(g_spares) < g_spare_target) add_spare();  // top up off the request's path
  }
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  bench::parse_int_options(
      argc, argv,
      {{"--port", &port}, {"--upstream-port", &g_upstream_port}, {"--spares", &g_spare_target}});
  if (port <= 0 || g_upstream_port <= 0) {
    std::fprintf(stderr, "usage: bench_relay --port P --upstream-port U [--spares N]\n");
    return 2;
  }
  rlimit nofile{};  // two descriptors per relayed connection
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  g_epoll = epoll_create1(EPOLL_CLOEXEC);
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback(port);
  if (bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("bind");
  if (listen(listener, 4096) != 0) die("listen");
  watch(EPOLL_CTL_ADD, listener, EPOLLIN);
  while (std::ssize(g_spares) < g_spare_target) add_spare();
  std::vector<epoll_event> events(512);
  static char buf[65536];
  for (;;) {
    int n = epoll_wait(g_epoll, events.data(), static_cast<int>(events.size()), -1);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; ++i) {
      if (events[i].data.fd == listener)
        accept_all(listener);
      else
        on_event(events[i].data.fd, events[i].events, buf, sizeof buf);
    }
  }
}
