// A StreamTranslator for upstreams that speak SSE: parsing is shared, each provider only turns
// complete events into OpenAI frames (and may add frames when the stream ends).
#pragma once

#include <vector>

#include "litellm/common/sse.hpp"
#include "litellm/providers/provider.hpp"

namespace litellm::providers {

class SseStreamTranslator : public StreamTranslator {
 public:
  Status feed(std::string_view bytes, std::string& out) final {
    events_.clear();
    parser_.feed(bytes, events_);
    return on_events(events_, out);
  }
  Status finish(std::string& out) final {
    events_.clear();
    parser_.finish(events_);
    auto st = on_events(events_, out);
    if (!st) return st;
    return on_end(out);
  }

 protected:
  virtual Status on_events(const std::vector<sse::Event>& events, std::string& out) = 0;
  virtual Status on_end(std::string&) { return Ok{}; }

 private:
  sse::Parser parser_;
  std::vector<sse::Event> events_;
};

}  // namespace litellm::providers
