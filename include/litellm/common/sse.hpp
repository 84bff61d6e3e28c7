// Incremental Server-Sent Events parser: bytes in, complete events out, nothing buffered past
// the end of the last complete event.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace litellm::sse {

// The fields are views into the bytes fed or into the parser: valid until its next feed() or
// finish(). An event whose lines all came in one feed() (the usual case: a provider writes each
// event at once) is not copied.
struct Event {
  std::string_view event;  // the `event:` field, empty when absent
  std::string_view data;   // `data:` lines joined with '\n'
};

class Parser {
 public:
  // Appends every event completed by `bytes` to `out`.
  void feed(std::string_view bytes, std::vector<Event>& out);
  // Flushes a final event not terminated by a blank line (stream ended).
  void finish(std::vector<Event>& out);
  size_t buffered() const { return buf_.size(); }

 private:
  // A field of the event in progress: a view while its one line is in the bytes being fed, else a
  // copy (a line that came in pieces, a second `data:` line, an event that spans feeds).
  struct Field {
    std::string_view view;
    std::string copy;
    bool copied = false;
    bool set = false;
    std::string_view value() const { return copied ? std::string_view(copy) : view; }
    void assign(std::string_view v, bool stable);
    void append_line(std::string_view v, bool stable);  // joined with '\n'
    void keep();                                        // a view becomes a copy
    void reset() {
      copy.clear();
      copied = set = false;
      view = {};
    }
  };
  // `stable`: the line stays where it is until feed() returns (false for a line pieced together in
  // `buf_`).
  void dispatch_line(std::string_view line, bool stable, std::vector<Event>& out);
  std::string_view publish(Field& f);
  std::string buf_;
  Field event_, data_;
  std::deque<std::string> kept_;  // copied fields of the events handed out by this feed
};

// "data: <payload>\n\n"
std::string frame(std::string_view payload);

}  // namespace litellm::sse
