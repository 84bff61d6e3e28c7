// net::parse_url and the client's remembered URLs: the parts an upstream request is built from,
// and the origin pooled connections are kept by.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "litellm/net/client.hpp"

using namespace litellm;

TEST(ParseUrl, SplitsHostPortPathAndNamesTheOrigin) {
  auto u = net::parse_url("https://api.openai.com/v1/chat/completions");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "api.openai.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->path, "/v1/chat/completions");
  EXPECT_EQ(u->origin, "https://api.openai.com:443");

  auto plain = net::parse_url("http://user:pw@127.0.0.1:8080/v1/?api-version=1/");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->path, "/v1/?api-version=1");  // trailing slashes dropped
  EXPECT_EQ(plain->origin, "http://127.0.0.1:8080");

  auto v6 = net::parse_url("http://[::1]:9000");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->path, "");
  EXPECT_EQ(v6->origin, "http://::1:9000");
}

TEST(ParseUrl, RefusesWhatIsNotAnHttpUrl) {
  EXPECT_FALSE(net::parse_url("ftp://example.com"));
  EXPECT_FALSE(net::parse_url("http:///v1"));
  EXPECT_FALSE(net::parse_url("http://[::1"));
}

TEST(ClientUrl, RemembersWhatParseUrlSays) {
  boost::asio::io_context ioc;
  net::Client client(ioc, {});
  for (int round = 0; round < 2; ++round) {  // the second round comes from the client's memory
    auto u = client.url("http://localhost:4000/v1/embeddings");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "localhost");
    EXPECT_EQ(u->port, "4000");
    EXPECT_EQ(u->path, "/v1/embeddings");
    EXPECT_EQ(u->origin, "http://localhost:4000");
    auto bad = client.url("localhost:4000");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("expected http:// or https://"), std::string::npos);
  }
}
