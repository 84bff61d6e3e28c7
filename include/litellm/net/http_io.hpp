// The HTTP/1.1 reading layer shared by the client-facing sessions (src/http) and the upstream
// client (src/net): our parser (http_parser.hpp) with the fields kept in per-connection storage, a
// read loop without Beast's composed operations, and a lazily armed deadline timer. Heavy (Beast);
// only those two .cpp files include it.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "litellm/common/strings.hpp"
#include "litellm/net/http_parser.hpp"

namespace litellm::net {

// Feeds `parser` what `buffer` holds, without reading. True when the caller has what it waited for:
// `done()` holds, the message is complete, or `ec` says why neither will happen; false when the
// parser needs more bytes.
template <class Parser, class Done>
bool parse_buffered(boost::beast::flat_buffer& buffer, Parser& parser, const Done& done,
                    boost::beast::error_code& ec) {
  for (;;) {
    size_t used = 0;
    if (buffer.size() > 0) {
      const auto data = buffer.data();
      used = parser.put({static_cast<const char*>(data.data()), data.size()}, ec);
      buffer.consume(used);
      if (ec == boost::beast::http::error::need_more)
        ec = {};
      else if (ec)
        return true;
    }
    if (parser.is_done() || done()) return true;
    if (used == 0 || buffer.size() == 0) return false;  // else the parser may take more of it
  }
}

// Where the next read goes.
inline boost::beast::flat_buffer::mutable_buffers_type read_space(
    boost::beast::flat_buffer& buffer) {
  constexpr size_t kReadSize = 16384;
  return buffer.prepare(std::max(kReadSize, buffer.capacity() - buffer.size()));
}

// Takes the outcome of a read into read_space(buffer). True when reading ends here: the read failed
// (`ec`), or the peer closed (end_of_stream when nothing of the message came, else the parser's
// verdict on a message ended by the close: clear, or partial_message).
template <class Parser>
bool took_read(boost::system::error_code rec, size_t n, boost::beast::flat_buffer& buffer,
               Parser& parser, boost::beast::error_code& ec) {
  if (rec == boost::asio::error::eof || rec == boost::asio::ssl::error::stream_truncated) {
    if (parser.got_some())
      parser.put_eof(ec);
    else
      ec = boost::beast::http::error::end_of_stream;
    return true;
  }
  if (rec) {
    ec = rec;
    return true;
  }
  buffer.commit(n);
  return false;
}

// Feeds `parser` from `buffer`, reading from `stream` only when the parser needs more, until
// `done()` holds or the parser completes. Errors are Beast's (end_of_stream when the peer closed
// before sending anything, partial_message when it closed mid-message, header_limit, body_limit).
// The hot paths (a request's head, an upstream response's head) run this loop inline in their own
// coroutine: a nested coroutine costs a frame and a resumption per message.
template <class Stream, class Parser, class Done>
boost::asio::awaitable<boost::beast::error_code> parse_until(Stream& stream,
                                                             boost::beast::flat_buffer& buffer,
                                                             Parser& parser, Done done) {
  boost::beast::error_code ec;
  while (!parse_buffered(buffer, parser, done, ec)) {
    auto [rec, n] = co_await stream.async_read_some(
        read_space(buffer), boost::asio::as_tuple(boost::asio::use_awaitable));
    if (took_read(rec, n, buffer, parser, ec)) break;
  }
  co_return ec;
}

// Writing a message: on a plain socket the kernel usually takes the whole of it at once, so it is
// written directly (one sendmsg, no Asio operation, no trip through the scheduler, no coroutine
// frame) and only a remainder waits for the socket to drain. TLS streams always write
// asynchronously.
//
// write_now: the bytes written; `ec` is would_block when the kernel took nothing, and stays clear
// (with 0 bytes) for TLS streams.
template <class Stream, class Buffers>
size_t write_now(Stream& stream, const Buffers& buffers, boost::beast::error_code& ec) {
  if constexpr (std::is_same_v<Stream, boost::asio::ip::tcp::socket>) {
    if (!stream.non_blocking()) stream.non_blocking(true, ec);
    return ec ? 0 : stream.write_some(buffers, ec);
  } else {
    (void)stream, (void)buffers, (void)ec;
    return 0;
  }
}

// write_rest: the bytes after the first `written`, asynchronously.
template <class Stream, class Buffers>
boost::asio::awaitable<boost::beast::error_code> write_rest(Stream& stream, const Buffers& buffers,
                                                            size_t written) {
  boost::beast::buffers_suffix<Buffers> rest(buffers);
  rest.consume(written);
  auto [ec, n] = co_await boost::asio::async_write(
      stream, rest, boost::asio::as_tuple(boost::asio::use_awaitable));
  co_return ec;
}

// True when write_now finished the message (written whole, or failed for good in `ec`).
template <class Buffers>
bool write_finished(const Buffers& buffers, size_t written, boost::beast::error_code& ec) {
  if (ec == boost::asio::error::would_block) {
    ec = {};
    return false;
  }
  return ec || written == boost::asio::buffer_size(buffers);
}

// A connection's deadline, armed lazily: moving it later (every request on a keep-alive connection
// does) costs a store, not a timer operation; the timer re-arms itself when it fires early. When
// the deadline passes, `expire` runs (it closes the socket, which fails the pending operation).
class LazyDeadline {
 public:
  using Clock = std::chrono::steady_clock;
  LazyDeadline(const boost::asio::any_io_executor& ex, std::weak_ptr<void> owner,
               std::function<void()> expire)
      : timer_(ex), owner_(std::move(owner)), expire_(std::move(expire)) {}

  void set(Clock::time_point at) {
    at_ = at;
    expired_ = false;
    if (!waiting_ || timer_.expiry() > at) arm(at);
  }
  void clear() { at_ = Clock::time_point::max(); }
  // True when the last failure came from this deadline.
  bool expired() const { return expired_; }
  void cancel() {
    waiting_ = false;
    timer_.cancel();
  }

 private:
  void arm(Clock::time_point at) {
    waiting_ = true;
    timer_.expires_at(at);
    timer_.async_wait([this, owner = owner_](boost::beast::error_code ec) {
      auto alive = owner.lock();
      if (!alive || ec == boost::asio::error::operation_aborted) return;
      waiting_ = false;
      if (at_ == Clock::time_point::max()) return;
      if (Clock::now() < at_) return arm(at_);
      expired_ = true;
      at_ = Clock::time_point::max();
      expire_();
    });
  }

  boost::asio::steady_timer timer_;
  std::weak_ptr<void> owner_;
  std::function<void()> expire_;
  Clock::time_point at_ = Clock::time_point::max();
  bool waiting_ = false;
  bool expired_ = false;
};

}  // namespace litellm::net
