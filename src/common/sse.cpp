// SSE line protocol (WHATWG): fields per line, an empty line dispatches the event.
#include "litellm/common/sse.hpp"

namespace litellm::sse {

void Parser::dispatch_line(std::string_view line, std::vector<Event>& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {
    if (has_data_ || !current_.event.empty()) out.push_back(std::move(current_));
    current_ = Event{};
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // comment (keep-alive ping)
  auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) current_.data.push_back('\n');
    current_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    current_.event = std::string(value);
  }
}

void Parser::feed(std::string_view bytes, std::vector<Event>& out) {
  // Fast path: no partial line pending, consume straight from `bytes`.
  size_t start = 0;
  if (!buf_.empty()) {
    auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      buf_.append(bytes);
      return;
    }
    buf_.append(bytes.substr(0, nl));
    dispatch_line(buf_, out);
    buf_.clear();
    start = nl + 1;
  }
  while (start < bytes.size()) {
    auto nl = bytes.find('\n', start);
    if (nl == std::string_view::npos) {
      buf_.assign(bytes.substr(start));
      return;
    }
    dispatch_line(bytes.substr(start, nl - start), out);
    start = nl + 1;
  }
}

void Parser::finish(std::vector<Event>& out) {
  if (!buf_.empty()) {
    dispatch_line(buf_, out);
    buf_.clear();
  }
  dispatch_line("", out);
}

std::string frame(std::string_view payload) {
  std::string s;
  s.reserve(payload.size() + 8);
  s.append("data: ");
  s.append(payload);
  s.append("\n\n");
  return s;
}

}  // namespace litellm::sse
