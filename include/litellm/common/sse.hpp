// Incremental Server-Sent Events parser: bytes in, complete events out, nothing buffered past
// the end of the last complete event.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace litellm::sse {

struct Event {
  std::string event;  // the `event:` field, empty when absent
  std::string data;   // `data:` lines joined with '\n'
};

class Parser {
 public:
  // Appends every event completed by `bytes` to `out`.
  void feed(std::string_view bytes, std::vector<Event>& out);
  // Flushes a final event not terminated by a blank line (stream ended).
  void finish(std::vector<Event>& out);
  size_t buffered() const { return buf_.size(); }

 private:
  void dispatch_line(std::string_view line, std::vector<Event>& out);
  std::string buf_;
  Event current_;
  bool has_data_ = false;
};

// "data: <payload>\n\n"
std::string frame(std::string_view payload);

}  // namespace litellm::sse
