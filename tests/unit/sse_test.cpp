// common/sse: event framing across arbitrary byte splits.
#include <gtest/gtest.h>

#include "litellm/common/sse.hpp"

using namespace litellm;

namespace {
struct Owned {
  std::string event, data;
};
// Feeds `wire` `step` bytes at a time; each feed's events are copied before the next (their views
// last until then), from a buffer that is overwritten between feeds as a read buffer is.
std::vector<Owned> parse_in_steps(std::string_view wire, size_t step) {
  sse::Parser p;
  std::vector<Owned> all;
  std::vector<sse::Event> out;
  std::string read_buffer;
  for (size_t i = 0; i < wire.size(); i += step) {
    read_buffer.assign(wire.substr(i, step));
    out.clear();
    p.feed(read_buffer, out);
    for (const auto& ev : out) all.push_back({std::string(ev.event), std::string(ev.data)});
    read_buffer.assign(read_buffer.size(), '#');
  }
  out.clear();
  p.finish(out);
  for (const auto& ev : out) all.push_back({std::string(ev.event), std::string(ev.data)});
  return all;
}
}  // namespace

TEST(Sse, SplitsEventsAcrossArbitraryFeeds) {
  const std::string wire =
      "data: {\"a\":1}\n\n: ping\n\nevent: error\ndata: x\ndata: y\r\n\r\ndata: [DONE]\n\n";
  for (size_t step = 1; step <= wire.size(); ++step) {
    const auto out = parse_in_steps(wire, step);
    ASSERT_EQ(out.size(), 3u) << "step " << step;
    EXPECT_EQ(out[0].data, "{\"a\":1}");
    EXPECT_EQ(out[1].event, "error");
    EXPECT_EQ(out[1].data, "x\ny");
    EXPECT_EQ(out[2].data, "[DONE]");
  }
}

TEST(Sse, EventsOfOneFeed_StayValidTogetherUntilTheNext) {
  // Several events completed by one feed, some copied (two data lines, a line begun in the previous
  // feed), some views into the bytes: all readable after the feed returns.
  sse::Parser p;
  std::vector<sse::Event> out;
  std::string first = "event: message_start\ndata: {\"part\":";
  p.feed(first, out);
  EXPECT_TRUE(out.empty());
  first.assign(first.size(), '#');  // the previous read buffer is reused
  std::string second =
      "1}\n\nevent: content_block_delta\ndata: {\"x\":1}\n\ndata: a\ndata: b\n\n"
      "event: a-long-event-name-beyond-sso\ndata: c\ndata: d\n\ndata: e\n\ndata: f";
  p.feed(second, out);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].event, "message_start");
  EXPECT_EQ(out[0].data, "{\"part\":1}");
  EXPECT_EQ(out[1].event, "content_block_delta");
  EXPECT_EQ(out[1].data, "{\"x\":1}");
  EXPECT_EQ(out[2].data, "a\nb");
  EXPECT_EQ(out[3].event, "a-long-event-name-beyond-sso");
  EXPECT_EQ(out[3].data, "c\nd");
  EXPECT_EQ(out[4].data, "e");
  EXPECT_TRUE(out[4].event.empty());
  second.assign(second.size(), '#');
  out.clear();
  p.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "f");  // kept when its bytes were overwritten
}

TEST(Sse, FinishFlushesUnterminatedEvent) {
  sse::Parser p;
  std::vector<sse::Event> out;
  p.feed("data: last", out);
  EXPECT_TRUE(out.empty());
  p.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "last");
}

TEST(Sse, Frame) { EXPECT_EQ(sse::frame("{}"), "data: {}\n\n"); }
