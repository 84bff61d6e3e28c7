// net::HttpParser: the HTTP/1.x parser of the client-facing sessions and the upstream client.
#include "litellm/net/http_parser.hpp"

#include <gtest/gtest.h>

#include <string>

using boost::beast::http::error;
using litellm::net::HttpParser;
using litellm::net::ParsedHead;
using litellm::net::RequestParser;
using litellm::net::ResponseParser;

namespace {

// Feeds `wire` to `p` `step` bytes at a time as the sessions' read loop does (bytes the parser did
// not take stay in front of the next read's), and stops reading once the message is done. Returns
// the parser's last verdict (need_more when the message is still incomplete) and leaves in `rest`
// what it did not take.
boost::system::error_code feed(HttpParser& p, std::string_view wire, size_t step,
                               std::string* rest = nullptr) {
  std::string buffer;
  boost::system::error_code ec;
  size_t at = 0;
  while (at < wire.size() || !buffer.empty()) {
    const size_t n = std::min(step, wire.size() - at);
    buffer.append(wire.substr(at, n));
    at += n;
    for (;;) {
      const size_t used = p.put(buffer, ec);
      buffer.erase(0, used);
      if (ec && ec != error::need_more) return ec;
      if (p.is_done() || used == 0 || buffer.empty()) break;
    }
    if (p.is_done() || (n == 0 && !buffer.empty())) break;
  }
  if (rest) *rest = buffer + std::string(wire.substr(at));  // not yet read, or read but not taken
  return ec;
}

constexpr std::string_view kPost =
    "POST /v1/chat/completions?x=1 HTTP/1.1\r\n"
    "Host: proxy:4000\r\n"
    "Authorization:   Bearer sk-1234\t \r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 13\r\n"
    "\r\n"
    "{\"model\":\"m\"}";

TEST(HttpParser, RequestInOnePiece_HeadFieldsAndBody) {
  ParsedHead head;
  std::string body;
  RequestParser p(head, &body);
  const std::string wire = std::string(kPost) + "GET /next HTTP/1.1\r\n\r\n";
  boost::system::error_code ec;
  const size_t used = p.put(wire, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(used, kPost.size());  // the pipelined request after it is left alone
  ASSERT_TRUE(p.is_done());
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(head.target, "/v1/chat/completions?x=1");
  EXPECT_EQ(head.version, 11u);
  ASSERT_EQ(head.fields.size(), 4u);
  EXPECT_EQ(head.fields[1].first, "Authorization");
  EXPECT_EQ(head.fields[1].second, "Bearer sk-1234");  // surrounding spaces and tabs trimmed
  EXPECT_EQ(head.fields[3].first, "Content-Length");
  EXPECT_EQ(body, "{\"model\":\"m\"}");
  EXPECT_EQ(p.content_length(), 13u);
  EXPECT_TRUE(p.keep_alive());
}

TEST(HttpParser, EverySplitOfTheWire_GivesTheSameMessage) {
  for (size_t step = 1; step <= kPost.size(); ++step) {
    ParsedHead head;
    std::string body;
    RequestParser p(head, &body);
    const auto ec = feed(p, kPost, step);
    ASSERT_FALSE(ec) << "step " << step << ": " << ec.message();
    ASSERT_TRUE(p.is_done()) << step;
    EXPECT_EQ(head.target, "/v1/chat/completions?x=1");
    ASSERT_EQ(head.fields.size(), 4u) << step;
    EXPECT_EQ(head.fields[2].second, "application/json");
    EXPECT_EQ(body, "{\"model\":\"m\"}") << step;
  }
}

TEST(HttpParser, ChunkedRequest_ExtensionsAndTrailerFields) {
  constexpr std::string_view wire =
      "POST /v1/embeddings HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n"
      "6 \r\n world\r\n"
      "A\r\n, chunked.\r\n"
      "0\r\nX-Trailer: t\r\n\r\n";
  for (size_t step : {size_t{1}, size_t{7}, wire.size()}) {
    ParsedHead head;
    std::string body;
    RequestParser p(head, &body);
    std::string rest;
    const auto ec = feed(p, std::string(wire) + "NEXT", step, &rest);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(p.is_done());
    EXPECT_TRUE(p.chunked());
    EXPECT_EQ(body, "hello world, chunked.");
    EXPECT_EQ(rest, "NEXT");
    EXPECT_EQ(head.fields.size(), 1u);  // trailer fields are not added to the head
  }
}

TEST(HttpParser, MalformedRequests_AreRefusedWithTheReason) {
  const std::pair<std::string_view, error> cases[] = {
      // Request smuggling: a length and a coding, or codings that do not end in chunked.
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
       error::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", error::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", error::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
       error::bad_transfer_encoding},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
       error::bad_content_length},
      {"POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", error::bad_content_length},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", error::bad_content_length},
      {"POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", error::bad_content_length},
      {"POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", error::bad_content_length},
      {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
       error::bad_content_length},
      {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", error::bad_field},
      {"GET / HTTP/1.1\r\n: a\r\n\r\n", error::bad_field},
      {"GET / HTTP/1.1\r\nX-A-Very-Long-Field-Name(x: a\r\n\r\n", error::bad_field},
      {"GET / HTTP/1.1\r\nX-A-Very-Long-Field-Name\x80: a\r\n\r\n", error::bad_field},
      {"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", error::bad_obs_fold},
      {"GET / HTTP/1.1\nHost: a\n\n", error::bad_line_ending},
      {"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", error::bad_line_ending},
      {"GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n", error::bad_value},
      {"GET / HTTP/2.0\r\n\r\n", error::bad_version},
      {"GET / HTTP/1.1 \r\n\r\n", error::bad_version},
      {"GET /\r\n\r\n", error::bad_target},
      {"GET  / HTTP/1.1\r\n\r\n", error::bad_target},
      {"GET /a\tb HTTP/1.1\r\n\r\n", error::bad_target},
      {"G(T / HTTP/1.1\r\n\r\n", error::bad_method},
      {" GET / HTTP/1.1\r\n\r\n", error::bad_method},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", error::bad_chunk},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", error::bad_chunk},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\nabc\r\n",
       error::bad_chunk_extension},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
       error::bad_chunk},
  };
  for (const auto& [wire, expected] : cases) {
    for (size_t step : {size_t{1}, wire.size()}) {
      ParsedHead head;
      std::string body;
      RequestParser p(head, &body);
      EXPECT_EQ(feed(p, wire, step), expected) << wire << " (" << step << " bytes a time)";
    }
  }
}

TEST(HttpParser, RepeatedEqualLengthsAndEmptyLinesBeforeARequest_AreAccepted) {
  ParsedHead head;
  std::string body;
  RequestParser p(head, &body);
  EXPECT_FALSE(feed(
      p, "\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 2, 2\r\ncontent-length: 2\r\n\r\nok", 1000));
  EXPECT_TRUE(p.is_done());
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(body, "ok");
}

TEST(HttpParser, LongAndUnusualFieldNames_AreTokensToTheColon) {
  ParsedHead head;
  RequestParser p(head, nullptr);
  ASSERT_FALSE(feed(
      p,
      "GET / HTTP/1.1\r\nX-Sixteen-Chars1: a\r\nX_Under.Score!#$%&'*+^`|~Name-0123456789: b\r\n"
      "CONTENT-LENGTH: 0\r\nContent-Lengths: x\r\n\r\n",
      1000));
  ASSERT_EQ(head.fields.size(), 4u);
  EXPECT_EQ(head.fields[0].first, "X-Sixteen-Chars1");
  EXPECT_EQ(head.fields[1].first, "X_Under.Score!#$%&'*+^`|~Name-0123456789");
  EXPECT_EQ(head.fields[1].second, "b");
  EXPECT_EQ(p.content_length(), 0u);  // the name matched whatever its case, not by its prefix
}

TEST(HttpParser, HeaderLimit_AlsoWhileALineIsIncomplete) {
  const std::string big = "GET / HTTP/1.1\r\nX-Big: " + std::string(9000, 'a');
  for (const std::string& wire : {big + "\r\n\r\n", big}) {  // whole, and with no line end yet
    ParsedHead head;
    RequestParser p(head, nullptr);
    p.header_limit(8192);
    EXPECT_EQ(feed(p, wire, 4096), error::header_limit);
  }
  ParsedHead head;
  RequestParser p(head, nullptr);
  p.header_limit(64 * 1024);
  EXPECT_FALSE(feed(p, big + "\r\n\r\n", 4096));
  EXPECT_EQ(head.fields[0].second.size(), 9000u);
}

TEST(HttpParser, BodyLimit_SeenWithTheHeaderOrWhileChunksArrive) {
  {
    ParsedHead head;
    std::string body;
    RequestParser p(head, &body);
    p.body_limit(10);
    EXPECT_EQ(feed(p, "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n", 1000), error::body_limit);
    EXPECT_TRUE(p.is_header_done());
    EXPECT_EQ(p.declared_length(), 100u);
  }
  {
    ParsedHead head;
    std::string body;
    RequestParser p(head, &body);
    p.body_limit(10);
    EXPECT_EQ(feed(p,
                   "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n",
                   1000),
              error::body_limit);
    EXPECT_EQ(body, "12345678");
  }
}

TEST(HttpParser, KeepAlive_ByVersionAndConnectionField) {
  const std::pair<std::string_view, bool> cases[] = {
      {"GET / HTTP/1.1\r\n\r\n", true},
      {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false},
      {"GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n\r\n", false},
      {"GET / HTTP/1.0\r\n\r\n", false},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
  };
  for (const auto& [wire, keep] : cases) {
    ParsedHead head;
    RequestParser p(head, nullptr);
    ASSERT_FALSE(feed(p, wire, 1000)) << wire;
    EXPECT_TRUE(p.is_done());
    EXPECT_EQ(p.keep_alive(), keep) << wire;
  }
}

TEST(HttpParser, ControlCharactersAnywhereInALongValue_AreFound) {
  // Lines longer than the sixteen-byte steps: every position of the bad byte, in and after a step.
  for (size_t at = 0; at < 40; ++at) {
    std::string value(40, 'v');
    value[5] = '\t';  // allowed inside a value
    if (at != 5) value[at] = '\x7f';
    ParsedHead head;
    RequestParser p(head, nullptr);
    const auto ec = feed(p, "GET / HTTP/1.1\r\nX-Long: " + value + "\r\n\r\n", 1000);
    if (at == 5) {
      EXPECT_FALSE(ec);
      EXPECT_EQ(head.fields[0].second, value);
    } else {
      EXPECT_EQ(ec, error::bad_value) << at;
    }
  }
}

TEST(HttpParser, Response_StatusFoldedFieldsAndBodyByLength) {
  ParsedHead head;
  std::string body;
  ResponseParser p(head, &body);
  ASSERT_FALSE(feed(p,
                    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nX-Folded: a\r\n  b \r\n"
                    "Content-Length: 2\r\n\r\n{}",
                    5));
  EXPECT_TRUE(p.is_done());
  EXPECT_EQ(head.status, 429);
  ASSERT_EQ(head.fields.size(), 3u);
  EXPECT_EQ(head.fields[1].second, "a b");  // obs-fold joined with a space
  EXPECT_EQ(head.fields[2].first, "Content-Length");
  EXPECT_EQ(body, "{}");
  EXPECT_TRUE(p.keep_alive());
}

TEST(HttpParser, Response_BodylessStatusesAndMissingReason) {
  for (std::string_view wire : {"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
                                "HTTP/1.1 304 Not Modified\r\n\r\n", "HTTP/1.1 100\r\n\r\n"}) {
    ParsedHead head;
    ResponseParser p(head, nullptr);
    EXPECT_FALSE(feed(p, wire, 1000)) << wire;
    EXPECT_TRUE(p.is_done()) << wire;
  }
  for (std::string_view wire : {"HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 0x1 OK\r\n\r\n",
                                "HTTP/1.1 099 X\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n"}) {
    ParsedHead head;
    ResponseParser p(head, nullptr);
    EXPECT_TRUE(feed(p, wire, 1000)) << wire;
  }
}

TEST(HttpParser, Response_WithoutLength_RunsToTheClose) {
  for (std::string_view te : {"", "Transfer-Encoding: gzip\r\n"}) {
    ParsedHead head;
    std::string body;
    ResponseParser p(head, &body);
    EXPECT_EQ(feed(p, "HTTP/1.1 200 OK\r\n" + std::string(te) + "\r\nall of it", 3),
              error::need_more);
    EXPECT_FALSE(p.is_done());
    boost::system::error_code ec;
    p.put_eof(ec);
    EXPECT_FALSE(ec);
    EXPECT_TRUE(p.is_done());
    EXPECT_EQ(body, "all of it");
    EXPECT_FALSE(p.keep_alive());
  }
}

TEST(HttpParser, Response_ChunkedWinsOverALength) {
  ParsedHead head;
  std::string body;
  ResponseParser p(head, &body);
  ASSERT_FALSE(feed(p,
                    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n",
                    1000));
  EXPECT_TRUE(p.is_done());
  EXPECT_EQ(body, "hello");
  EXPECT_FALSE(p.content_length());
}

TEST(HttpParser, CloseMidMessage_IsPartialAndBeforeAnyByte_EndOfStream) {
  {
    ParsedHead head;
    std::string body;
    ResponseParser p(head, &body);
    EXPECT_EQ(feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 1000), error::need_more);
    boost::system::error_code ec;
    p.put_eof(ec);
    EXPECT_EQ(ec, error::partial_message);
  }
  {
    ParsedHead head;
    RequestParser p(head, nullptr);
    boost::system::error_code ec;
    p.put_eof(ec);
    EXPECT_EQ(ec, error::end_of_stream);
    EXPECT_FALSE(p.got_some());
  }
}

}  // namespace
