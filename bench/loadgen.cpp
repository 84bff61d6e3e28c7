// Benchmark load generator: keep-alive HTTP/1.1 POSTs on loopback, one thread.
//   closed loop : --connections C --duration S            (throughput, latency at C in flight)
//   open loop   : --rate R --duration S --connections C    (latency from the scheduled send time,
//   so a
//                                                          slow server cannot hide its queueing)
//   streams     : --streams N [--stagger-us U]             (N concurrent SSE streams: first chunk,
//   gaps; all started at once, or stream i started i*U µs after the first)
// Common: --port P --path /v1/chat/completions --body JSON [--header "K: V"]. Prints one JSON
// object.
#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct Args {
  int port = 0;
  std::string path = "/v1/chat/completions";
  std::string body = R"({"model":"bench","messages":[{"role":"user","content":"hello"}]})";
  std::vector<std::string> headers;
  int connections = 1;
  double duration = 5;
  double rate = 0;
  int streams = 0;
  double stagger_us = 0;
};

struct Stats {
  std::vector<double> latency_us;
  std::vector<double> first_chunk_us;
  std::vector<double> gap_us;
  long errors = 0;
  long requests = 0;
  long chunks = 0;
};

std::string request_bytes(const Args& a, const std::string& body) {
  std::string r =
      "POST " + a.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  for (const auto& h : a.headers) r += h + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

// Reads one response; calls on_chunk for each body read of a chunked response. false on error.
template <class OnChunk>
asio::awaitable<bool> read_response(tcp::socket& s, std::string& buf, OnChunk on_chunk) {
  char tmp[65536];
  size_t he;
  while ((he = buf.find("\r\n\r\n")) == std::string::npos) {
    auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), kTuple);
    if (ec) co_return false;
    buf.append(tmp, n);
  }
  bool ok = buf.compare(9, 3, "200") == 0;
  std::string head = buf.substr(0, he);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  buf.erase(0, he + 4);
  if (auto p = head.find("content-length:"); p != std::string::npos) {
    size_t len = std::strtoul(head.c_str() + p + 15, nullptr, 10);
    while (buf.size() < len) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), kTuple);
      if (ec) co_return false;
      buf.append(tmp, n);
    }
    buf.erase(0, len);
    co_return ok;
  }
  // chunked: until the terminating 0-size chunk
  for (;;) {
    size_t le;
    while ((le = buf.find("\r\n")) == std::string::npos) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), kTuple);
      if (ec) co_return false;
      buf.append(tmp, n);
    }
    size_t size = std::strtoul(buf.c_str(), nullptr, 16);
    while (buf.size() < le + 2 + size + 2) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), kTuple);
      if (ec) co_return false;
      buf.append(tmp, n);
    }
    if (size == 0) {
      buf.erase(0, le + 4);
      co_return ok;
    }
    const std::string_view payload(buf.data() + le + 2, size);
    // SSE events in this chunk: a proxy that read two upstream events at once relays them in one
    // chunk (as nginx does); each still counts, with no gap between them.
    size_t events = 0;
    for (size_t at = payload.find("data:"); at != std::string_view::npos;
         at = payload.find("data:", at + 5))
      ++events;
    for (size_t i = 0; i < std::max<size_t>(events, 1); ++i) on_chunk();
    buf.erase(0, le + 2 + size + 2);
  }
}

asio::awaitable<bool> connect(tcp::socket& s, const Args& a, Stats& st) {
  auto [cec] =
      co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), a.port), kTuple);
  if (cec) {
    ++st.errors;
    co_return false;
  }
  s.set_option(tcp::no_delay(true));
  co_return true;
}

asio::awaitable<void> closed_loop(const Args& a, Stats& st, Clock::time_point end,
                                  Clock::time_point* schedule, double interval_us) {
  tcp::socket s(co_await asio::this_coro::executor);
  if (!co_await connect(s, a, st)) co_return;
  const std::string req = request_bytes(a, a.body);
  std::string buf;
  asio::steady_timer timer(s.get_executor());
  while (Clock::now() < end) {
    Clock::time_point start = Clock::now();
    if (schedule != nullptr) {  // open loop: take the next slot of the global schedule
      start = *schedule;
      *schedule += std::chrono::nanoseconds(static_cast<int64_t>(interval_us * 1000));
      if (start >= end) break;
      if (start > Clock::now()) {
        timer.expires_at(start);
        co_await timer.async_wait(kTuple);
      }
    }
    auto [wec, wn] = co_await asio::async_write(s, asio::buffer(req), kTuple);
    bool ok = !wec && co_await read_response(s, buf, [] {});
    ++st.requests;
    if (!ok) {
      ++st.errors;
      co_return;
    }
    st.latency_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
}

asio::awaitable<void> one_stream(const Args& a, Stats& st, std::chrono::microseconds delay) {
  if (delay.count() > 0) {
    asio::steady_timer t(co_await asio::this_coro::executor, delay);
    co_await t.async_wait(kTuple);
  }
  tcp::socket s(co_await asio::this_coro::executor);
  if (!co_await connect(s, a, st)) co_return;
  std::string body = a.body;
  if (body.find("\"stream\"") == std::string::npos) body.insert(1, "\"stream\":true,");
  const std::string req = request_bytes(a, body);
  std::string buf;
  auto sent = Clock::now();
  auto last = sent;
  bool first = true;
  auto [wec, wn] = co_await asio::async_write(s, asio::buffer(req), kTuple);
  bool ok = !wec && co_await read_response(s, buf, [&] {
    auto now = Clock::now();
    if (first)
      st.first_chunk_us.push_back(std::chrono::duration<double, std::micro>(now - sent).count());
    else
      st.gap_us.push_back(std::chrono::duration<double, std::micro>(now - last).count());
    first = false;
    last = now;
    ++st.chunks;
  });
  ++st.requests;
  if (!ok) ++st.errors;
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      a.port = std::atoi(v.c_str());
    else if (k == "--path")
      a.path = v;
    else if (k == "--body")
      a.body = v;
    else if (k == "--header")
      a.headers.push_back(v);
    else if (k == "--connections")
      a.connections = std::atoi(v.c_str());
    else if (k == "--duration")
      a.duration = std::atof(v.c_str());
    else if (k == "--rate")
      a.rate = std::atof(v.c_str());
    else if (k == "--streams")
      a.streams = std::atoi(v.c_str());
    else if (k == "--stagger-us")
      a.stagger_us = std::atof(v.c_str());
  }
  asio::io_context ioc(1);
  Stats st;
  const auto t0 = Clock::now();
  const auto end = t0 + std::chrono::milliseconds(static_cast<int64_t>(a.duration * 1000));
  Clock::time_point schedule = t0;
  if (a.streams > 0) {
    for (int i = 0; i < a.streams; ++i) {
      const auto delay = std::chrono::microseconds(static_cast<int64_t>(i * a.stagger_us));
      asio::co_spawn(ioc, one_stream(a, st, delay), asio::detached);
    }
  } else {
    for (int i = 0; i < a.connections; ++i)
      asio::co_spawn(
          ioc,
          closed_loop(a, st, end, a.rate > 0 ? &schedule : nullptr, a.rate > 0 ? 1e6 / a.rate : 0),
          asio::detached);
  }
  ioc.run();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf(
      "{\"requests\": %ld, \"errors\": %ld, \"elapsed_s\": %.3f, \"rps\": %.1f, \"p50_us\": %.1f, "
      "\"p90_us\": %.1f, "
      "\"p99_us\": %.1f, \"first_chunk_p50_us\": %.1f, \"first_chunk_p99_us\": %.1f, "
      "\"gap_p50_us\": %.1f, "
      "\"gap_p99_us\": %.1f, \"gap_max_us\": %.1f, \"chunks\": %ld}\n",
      st.requests, st.errors, elapsed, static_cast<double>(st.requests - st.errors) / elapsed,
      pct(st.latency_us, 50), pct(st.latency_us, 90), pct(st.latency_us, 99),
      pct(st.first_chunk_us, 50), pct(st.first_chunk_us, 99), pct(st.gap_us, 50),
      pct(st.gap_us, 99), pct(st.gap_us, 100), st.chunks);
  return st.errors == 0 ? 0 : 1;
}
