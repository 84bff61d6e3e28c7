// SSE line protocol (WHATWG): fields per line, an empty line dispatches the event.
#include "litellm/common/sse.hpp"

namespace litellm::sse {

void Parser::Field::assign(std::string_view v, bool stable) {
  set = true;
  copied = !stable;
  if (stable)
    view = v;
  else
    copy.assign(v);
}

void Parser::Field::append_line(std::string_view v, bool stable) {
  if (!set) return assign(v, stable);
  keep();
  copy.push_back('\n');
  copy.append(v);
}

void Parser::Field::keep() {
  if (set && !copied) {
    copy.assign(view);
    copied = true;
  }
}

// The field's value for an event handed out now: views stay views; a copy moves to `kept_`, whose
// strings stay put until the next feed (a deque does not move its elements).
std::string_view Parser::publish(Field& f) {
  std::string_view v = f.value();
  if (f.copied) {
    kept_.push_back(std::move(f.copy));
    v = kept_.back();
  }
  f.reset();
  return v;
}

void Parser::dispatch_line(std::string_view line, bool stable, std::vector<Event>& out) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {
    if (data_.set || !event_.value().empty()) {
      Event ev;
      ev.event = publish(event_);
      ev.data = publish(data_);
      out.push_back(ev);
    }
    event_.reset();
    data_.reset();
    return;
  }
  if (line.front() == ':') return;  // comment (keep-alive ping)
  auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data")
    data_.append_line(value, stable);
  else if (field == "event")
    event_.assign(value, stable);
}

void Parser::feed(std::string_view bytes, std::vector<Event>& out) {
  kept_.clear();  // the events of the previous feed are gone
  size_t start = 0;
  if (!buf_.empty()) {
    auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      buf_.append(bytes);
      return;
    }
    buf_.append(bytes.substr(0, nl));
    dispatch_line(buf_, false, out);
    buf_.clear();
    start = nl + 1;
  }
  while (start < bytes.size()) {
    auto nl = bytes.find('\n', start);
    if (nl == std::string_view::npos) {
      buf_.assign(bytes.substr(start));
      break;
    }
    dispatch_line(bytes.substr(start, nl - start), true, out);
    start = nl + 1;
  }
  // The event in progress outlives `bytes`.
  event_.keep();
  data_.keep();
}

void Parser::finish(std::vector<Event>& out) {
  kept_.clear();
  if (!buf_.empty()) {
    dispatch_line(buf_, false, out);
    buf_.clear();
  }
  dispatch_line("", true, out);
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
