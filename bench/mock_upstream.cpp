// A fast mock LLM upstream for the benchmark: OpenAI wire format, instant JSON answers and paced
// SSE streams. One thread, hand-written HTTP/1.1, keep-alive. Not a general server.
//
//   bench_mock_upstream --port P [--chunks N] [--chunk-delay-ms D]
// POST */chat/completions with "stream": true → N chunks D ms apart, then [DONE]; otherwise a
// fixed ~600-byte chat.completion. Runs until SIGTERM/SIGINT.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "options.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

int g_chunks = 20;
int g_chunk_delay_ms = 20;

const std::string kBody =
    R"({"id":"chatcmpl-bench0123456789","object":"chat.completion","created":1730000000,"model":"gpt-4o-mini-2024-07-18",)"
    R"("choices":[{"index":0,"message":{"role":"assistant","content":"This is a benchmark answer from the mock upstream. )"
    R"(It is about as long as a short real completion, so that copying it costs what it costs in production.",)"
    R"("refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":37,)"
    R"("total_tokens":56,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":)"
    R"({"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},)"
    R"("service_tier":"default","system_fingerprint":"fp_bench"})";

std::string chunk_frame(int i) {
  std::string data =
      R"(data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1730000000,)"
      R"("model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"token)" +
      std::to_string(i) +
      R"( "},"finish_reason":null}]})"
      "\n\n";
  char head[16];
  int n = std::snprintf(head, sizeof head, "%zx\r\n", data.size());
  return std::string(head, static_cast<size_t>(n)) + data + "\r\n";
}

asio::awaitable<void> session(tcp::socket sock) {
  sock.set_option(tcp::no_delay(true));
  std::string buf;
  buf.reserve(8192);
  char tmp[16384];
  const std::string json_head =
      "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " +
      std::to_string(kBody.size()) + "\r\n\r\n";
  const std::string json_response = json_head + kBody;
  for (;;) {
    size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      auto [ec, n] = co_await sock.async_read_some(asio::buffer(tmp), kTuple);
      if (ec) co_return;
      buf.append(tmp, n);
    }
    std::string_view head(buf.data(), header_end);
    size_t length = 0;
    for (std::string_view key : {"content-length:", "Content-Length:"}) {
      auto p = head.find(key);
      if (p != std::string_view::npos)
        length = std::strtoul(head.data() + p + key.size(), nullptr, 10);
    }
    const size_t total = header_end + 4 + length;
    while (buf.size() < total) {
      auto [ec, n] = co_await sock.async_read_some(asio::buffer(tmp), kTuple);
      if (ec) co_return;
      buf.append(tmp, n);
    }
    std::string_view body(buf.data() + header_end + 4, length);
    const bool stream = body.find("\"stream\":true") != std::string_view::npos ||
                        body.find("\"stream\": true") != std::string_view::npos;
    if (!stream) {
      auto [ec, n] = co_await asio::async_write(sock, asio::buffer(json_response), kTuple);
      if (ec) co_return;
    } else {
      std::string out =
          "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: "
          "chunked\r\n\r\n";
      asio::steady_timer timer(sock.get_executor());
      for (int i = 0; i < g_chunks; ++i) {
        out += chunk_frame(i);
        auto [ec, n] = co_await asio::async_write(sock, asio::buffer(out), kTuple);
        if (ec) co_return;
        out.clear();
        if (g_chunk_delay_ms > 0) {
          timer.expires_after(std::chrono::milliseconds(g_chunk_delay_ms));
          co_await timer.async_wait(kTuple);
        }
      }
      static const std::string done = [] {
        std::string d = "data: [DONE]\n\n";
        char h[16];
        int n = std::snprintf(h, sizeof h, "%zx\r\n", d.size());
        return std::string(h, static_cast<size_t>(n)) + d + "\r\n0\r\n\r\n";
      }();
      auto [ec, n] = co_await asio::async_write(sock, asio::buffer(done), kTuple);
      if (ec) co_return;
    }
    buf.erase(0, total);
  }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, sock] = co_await acceptor.async_accept(kTuple);
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), session(std::move(sock)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  bench::parse_int_options(
      argc, argv,
      {{"--port", &port}, {"--chunks", &g_chunks}, {"--chunk-delay-ms", &g_chunk_delay_ms}});
  asio::io_context ioc(1);
  tcp::acceptor acceptor(
      ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)));
  acceptor.listen(4096);
  std::printf("%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) { ioc.stop(); });
  asio::co_spawn(ioc, listen(acceptor), asio::detached);
  ioc.run();
  return 0;
}
