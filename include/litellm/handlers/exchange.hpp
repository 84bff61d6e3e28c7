// The protocol-neutral request and response interface between http/ and handlers/.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "litellm/common/strings.hpp"

namespace litellm::handlers {

struct HttpRequest {
  std::string_view method;
  std::string_view target;  // path and query as received
  std::string_view path;
  std::string_view query;
  HeaderViews headers;
  std::string_view body;
};

// Implemented by the HTTP session. `headers` are pre-rendered "name: value\r\n" lines; the
// session adds the status line, framing (Content-Length or chunked) and Connection.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  virtual boost::asio::awaitable<bool> send(int status, std::string_view headers,
                                            std::string_view body) = 0;
  virtual boost::asio::awaitable<bool> begin_stream(int status, std::string_view headers) = 0;
  virtual boost::asio::awaitable<bool> send_chunk(std::string_view data) = 0;
  virtual boost::asio::awaitable<bool> end_stream() = 0;
};

// Anything that answers HTTP requests: the gateway (workers) and the health app (supervisor).
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual boost::asio::awaitable<void> handle(const HttpRequest& req, ResponseWriter& out) = 0;
};

// Accumulates response header lines.
class HeaderBlock {
 public:
  HeaderBlock() { text_.reserve(768); }
  void add(std::string_view name, std::string_view value) {
    if (value.empty() || value == "None") return;  // LiteLLM drops empty and "None" values
    text_.append(name);
    text_.append(": ", 2);
    const size_t at = text_.size();
    text_.append(value);
    if (std::memchr(value.data(), '\r', value.size()) ||  // no header splitting through a value
        std::memchr(value.data(), '\n', value.size()))
      for (size_t i = at; i < text_.size(); ++i)
        if (text_[i] == '\r' || text_[i] == '\n') text_[i] = ' ';
    text_.append("\r\n", 2);
  }
  // "prefix" + lower-case `name`: `value` (llm_provider-* passthrough) without temporaries.
  void add_prefixed_lower(std::string_view prefix, std::string_view name, std::string_view value) {
    if (value.empty()) return;
    text_.append(prefix);
    for (char c : name) text_.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    text_.append(": ", 2);
    const size_t at = text_.size();
    text_.append(value);
    for (size_t i = at; i < text_.size(); ++i)
      if (text_[i] == '\r' || text_[i] == '\n') text_[i] = ' ';
    text_.append("\r\n", 2);
  }
  void append(const HeaderBlock& other) { text_ += other.text_; }
  // The value of the first line named `lower_name` (names are stored as added).
  std::optional<std::string_view> find(std::string_view lower_name) const {
    std::string_view rest = text_;
    while (!rest.empty()) {
      size_t eol = rest.find("\r\n");
      std::string_view line = rest.substr(0, eol);
      if (line.size() > lower_name.size() + 1 && line.starts_with(lower_name) &&
          line[lower_name.size()] == ':')
        return line.substr(lower_name.size() + 2);
      if (eol == std::string_view::npos) break;
      rest.remove_prefix(eol + 2);
    }
    return std::nullopt;
  }
  // Appends the lines of `other` whose name does not start with `prefix`.
  void append_except(const HeaderBlock& other, std::string_view prefix) {
    std::string_view rest = other.text_;
    while (!rest.empty()) {
      auto end = rest.find("\r\n");
      std::string_view line = rest.substr(0, end == std::string_view::npos ? rest.size() : end + 2);
      if (!line.starts_with(prefix)) text_.append(line);
      rest.remove_prefix(line.size());
    }
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

}  // namespace litellm::handlers
