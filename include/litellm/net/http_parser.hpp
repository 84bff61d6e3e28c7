// An HTTP/1.x message parser (RFC 9112) for the client-facing sessions and the upstream client.
// It replaced Beast's basic_parser on the request path: Beast 1.81 looks at the head a byte at a
// time twice (once for its end, once per field), about 5.6k instructions per proxied request for a
// request and a response; this one finds each line's end and checks its characters sixteen bytes
// per step. Its contract is basic_parser's as the callers used it (put / put_eof / need_more,
// Beast's http::error codes), so the read loop in http_io.hpp is unchanged.
//
// What it accepts, and where it is stricter than the RFC allows (request smuggling):
// - a request with both Transfer-Encoding and Content-Length, or with a transfer coding whose last
//   one is not `chunked`, is refused (bad_transfer_encoding), as nginx does; a response with both
//   is read by its chunked coding, one whose codings do not end in `chunked` is read to the close;
// - Content-Length fields (or a list in one field) that disagree are refused;
// - a folded field line (obs-fold) is refused in requests and joined with a space in responses;
// - empty lines before a request line are skipped; a line must end in CRLF; control characters
//   other than HTAB are refused anywhere in the head.
#pragma once

#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
    // A new connection's first message: room for a usual head at once.
    if (spans_.capacity() == 0) {
      arena_.reserve(1024);
      spans_.reserve(16);
      fields.reserve(16);
    }
    method = target = {};
    status = 0;
  }
  // Keeps a copy of `s`; the returned position stays valid across later appends.
  uint32_t keep(std::string_view s) {
    const auto at = static_cast<uint32_t>(arena_.size());
    arena_.append(s);
    return at;
  }
  // A field line kept whole: `name` and `value` are parts of `line`.
  void add_field(std::string_view line, std::string_view name, std::string_view value) {
    const uint32_t at = keep(line);
    spans_.push_back({at + static_cast<uint32_t>(name.data() - line.data()),
                      static_cast<uint32_t>(name.size()),
                      at + static_cast<uint32_t>(value.data() - line.data()),
                      static_cast<uint32_t>(value.size())});
  }
  // Appends " `more`" to the last field's value (a folded line; the value is the arena's end).
  bool extend_last(std::string_view more) {
    if (spans_.empty()) return false;
    auto& s = spans_.back();
    arena_.resize(s[2] + s[3]);
    arena_ += ' ';
    arena_.append(more);
    s[3] = static_cast<uint32_t>(arena_.size() - s[2]);
    return true;
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

class HttpParser {
 public:
  using error_code = boost::system::error_code;

  // The head goes to `head` (reset here), the body is appended to `*body` (dropped when null).
  HttpParser(bool request, ParsedHead& head, std::string* body);

  // Most bytes of head (start line, fields, and a chunked body's trailer) a message may have.
  void header_limit(std::uint32_t n) { header_limit_ = n; }
  // Most body bytes; none by default.
  void body_limit(std::optional<std::uint64_t> n) { body_limit_ = n; }

  // Parses what it can of `data`: returns the bytes taken (the caller drops them; a line not yet
  // complete is left for the next call). `ec` is need_more when the message is not complete, or
  // the reason it cannot be parsed. Bytes after the message's end are not taken.
  size_t put(std::string_view data, error_code& ec);
  // The peer closed: completes a body that runs to the close, else partial_message.
  void put_eof(error_code& ec);

  bool got_some() const { return got_some_; }
  bool is_header_done() const { return state_ > State::kFields; }
  bool is_done() const { return state_ == State::kDone; }
  bool chunked() const { return chunked_; }
  // Whether the connection may carry another message after this one.
  bool keep_alive() const;
  // The body's length when the message declares it (not chunked).
  std::optional<std::uint64_t> content_length() const {
    return chunked_ ? std::nullopt : content_length_;
  }
  // Content-Length as sent, also when the message was refused after it.
  std::optional<std::uint64_t> declared_length() const { return content_length_; }

 private:
  enum class State : std::uint8_t {
    kStart,
    kFields,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailer,
    kToEof,
    kDone
  };
  void start_line(std::string_view line, error_code& ec);
  void field(std::string_view line, error_code& ec);
  void header_done(error_code& ec);
  void chunk_size(std::string_view line, error_code& ec);
  bool body_fits(std::uint64_t more) const {
    return !body_limit_ || more <= *body_limit_ - std::min(*body_limit_, body_taken_);
  }
  void take_body(const char* p, size_t n);

  ParsedHead& head_;
  std::string* body_;
  std::uint32_t header_limit_ = 8192;
  std::optional<std::uint64_t> body_limit_;
  std::uint32_t head_bytes_ = 0;  // of the head (or the trailer) so far
  std::uint64_t remaining_ = 0;   // of the body or the current chunk
  std::uint64_t body_taken_ = 0;
  std::optional<std::uint64_t> content_length_;
  State state_ = State::kStart;
  bool request_;
  bool got_some_ = false;
  bool chunked_ = false;        // the last transfer coding is chunked
  bool codings_ = false;        // Transfer-Encoding present
  bool chunked_early_ = false;  // `chunked` followed by another coding
  bool close_ = false;          // Connection: close
  bool keep_alive_ = false;     // Connection: keep-alive (HTTP/1.0)
  bool to_eof_ = false;         // a response whose body ends with the connection
  std::array<std::uint32_t, 2> method_{}, target_{};
};

class RequestParser final : public HttpParser {
 public:
  RequestParser(ParsedHead& head, std::string* body) : HttpParser(true, head, body) {}
};

class ResponseParser final : public HttpParser {
 public:
  ResponseParser(ParsedHead& head, std::string* body) : HttpParser(false, head, body) {}
};

}  // namespace litellm::net
