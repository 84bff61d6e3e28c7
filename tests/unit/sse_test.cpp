// common/sse: event framing across arbitrary byte splits.
#include <gtest/gtest.h>

#include "litellm/common/sse.hpp"

using namespace litellm;

TEST(Sse, SplitsEventsAcrossArbitraryFeeds) {
  const std::string wire =
      "data: {\"a\":1}\n\n: ping\n\nevent: error\ndata: x\ndata: y\r\n\r\ndata: [DONE]\n\n";
  for (size_t step = 1; step <= wire.size(); ++step) {
    sse::Parser p;
    std::vector<sse::Event> out;
    for (size_t i = 0; i < wire.size(); i += step)
      p.feed(std::string_view(wire).substr(i, step), out);
    ASSERT_EQ(out.size(), 3u) << "step " << step;
    EXPECT_EQ(out[0].data, "{\"a\":1}");
    EXPECT_EQ(out[1].event, "error");
    EXPECT_EQ(out[1].data, "x\ny");
    EXPECT_EQ(out[2].data, "[DONE]");
    EXPECT_EQ(p.buffered(), 0u);
  }
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
