// The HTTP/1.1 reading layer shared by the client-facing sessions (src/http) and the upstream
// client (src/net): Beast's basic_parser with the fields kept in per-connection storage, a read
// loop without Beast's composed operations, and a lazily armed deadline timer. Heavy (Beast); only
// those two .cpp files include it.
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
#include <boost/beast/http/basic_parser.hpp>
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

namespace litellm::net {

// One request's or response's start line and fields, copied out of the read buffer (which may move
// while the body is read) into storage the connection keeps: a warm connection parses a message
// without allocating.
struct ParsedHead {
  std::string_view method;  // requests
  std::string_view target;  // requests
  int status = 0;           // responses
  unsigned version = 11;
  HeaderViews fields;  // views into `arena_`, valid until the next message on this connection

  void reset() {
    arena_.clear();
    spans_.clear();
    fields.clear();
    method = target = {};
    status = 0;
  }
  // Keeps a copy of `s`; the returned position stays valid across later appends.
  uint32_t keep(std::string_view s) {
    const auto at = static_cast<uint32_t>(arena_.size());
    arena_.append(s);
    return at;
  }
  void add_field(std::string_view name, std::string_view value) {
    const uint32_t n = keep(name), v = keep(value);
    spans_.push_back(
        {n, static_cast<uint32_t>(name.size()), v, static_cast<uint32_t>(value.size())});
  }
  // Called once the header is complete: the arena no longer moves.
  void seal(uint32_t method_at, uint32_t method_len, uint32_t target_at, uint32_t target_len) {
    const std::string_view a = arena_;
    method = a.substr(method_at, method_len);
    target = a.substr(target_at, target_len);
    fields.reserve(spans_.size());
    for (const auto& s : spans_) fields.emplace_back(a.substr(s[0], s[1]), a.substr(s[2], s[3]));
  }

 private:
  std::string arena_;
  std::vector<std::array<uint32_t, 4>> spans_;
};

// basic_parser that stores the head in a ParsedHead and appends the body to a string the caller
// names (the request body; the upstream response, whole or a stream's next bytes).
template <bool isRequest>
class LeanParser final : public boost::beast::http::basic_parser<isRequest> {
  using error_code = boost::beast::error_code;

 public:
  LeanParser(ParsedHead& head, std::string* body) : head_(head), body_(body) {
    head_.reset();
    this->eager(true);
  }
  // Content-Length as sent, also when the parser refused the message before its header ended.
  std::optional<std::uint64_t> declared_length() const { return declared_length_; }

 private:
  using sv = boost::beast::string_view;  // converts to std::string_view
  void on_request_impl(boost::beast::http::verb, sv method, sv target, int version,
                       error_code&) override {
    head_.version = static_cast<unsigned>(version);
    method_ = {head_.keep(method), static_cast<uint32_t>(method.size())};
    target_ = {head_.keep(target), static_cast<uint32_t>(target.size())};
  }
  void on_response_impl(int code, sv, int version, error_code&) override {
    head_.version = static_cast<unsigned>(version);
    head_.status = code;
  }
  void on_field_impl(boost::beast::http::field f, sv name, sv value, error_code&) override {
    if (f == boost::beast::http::field::content_length) {
      std::uint64_t n = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), n).ec == std::errc{})
        declared_length_ = n;
    }
    head_.add_field(name, value);
  }
  void on_header_impl(error_code&) override {
    head_.seal(method_[0], method_[1], target_[0], target_[1]);
  }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length && body_) body_->reserve(body_->size() + static_cast<size_t>(*length));
  }
  size_t on_body_impl(sv data, error_code&) override {
    if (body_) body_->append(data.data(), data.size());
    return data.size();
  }
  void on_chunk_header_impl(std::uint64_t, sv, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, sv data, error_code& ec) override {
    return on_body_impl(data, ec);
  }
  void on_finish_impl(error_code&) override {}

  ParsedHead& head_;
  std::string* body_;
  std::array<uint32_t, 2> method_{}, target_{};
  std::optional<std::uint64_t> declared_length_;
};

// Feeds `parser` what `buffer` holds, without reading. True when the caller has what it waited for:
// `done()` holds, the message is complete, or `ec` says why neither will happen; false when the
// parser needs more bytes.
template <class Parser, class Done>
bool parse_buffered(boost::beast::flat_buffer& buffer, Parser& parser, const Done& done,
                    boost::beast::error_code& ec) {
  for (;;) {
    size_t used = 0;
    if (buffer.size() > 0) {
      used = parser.put(buffer.data(), ec);
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
