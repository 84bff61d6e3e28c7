// DATABASE_URL handling: LiteLLM's sources and Prisma's URL parameters.
#include <gtest/gtest.h>

#include <cstdlib>

#include "config_text.hpp"
#include "litellm/config/loader.hpp"
#include "litellm/db/schema.hpp"
#include "litellm/db/store.hpp"

using namespace litellm;
using litellm::test::config_from;

TEST(DatabaseSettings, PrismaParametersAreHonouredAndRemoved) {
  unsetenv("DATABASE_URL");
  auto c = config_from(
      "general_settings:\n  database_url: "
      "postgresql://u:p%40ss@db:5432/llm?connection_limit=7&pool_timeout=20&sslmode=require&"
      "pgbouncer=true&schema=tenant1\n");
  auto s = db::database_settings(*c);
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->pool_limit, 7u);
  EXPECT_EQ((*s)->pool_timeout_seconds, 20);
  EXPECT_EQ((*s)->conninfo,
            "postgresql://u:p%40ss@db:5432/llm?sslmode=require&options=-csearch_path%3Dtenant1");
  EXPECT_EQ((*s)->redacted, "postgresql://u:****@db:5432/llm");
}

TEST(DatabaseSettings, ConfigLimitWinsAndPartsBuildTheUrl) {
  auto c = config_from(
      "general_settings:\n  database_url: postgres://h/db?connection_limit=3\n"
      "  database_connection_pool_limit: 12\n");
  auto s = db::database_settings(*c);
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->pool_limit, 12u);

  unsetenv("DATABASE_URL");
  setenv("DATABASE_HOST", "pg.internal:5433", 1);
  setenv("DATABASE_USERNAME", "llm", 1);
  setenv("DATABASE_PASSWORD", "p@ss/word", 1);
  setenv("DATABASE_NAME", "litellm", 1);
  auto parts = db::database_settings(*config_from("model_list: []\n"));
  ASSERT_TRUE(parts && *parts);
  EXPECT_EQ((*parts)->conninfo, "postgresql://llm:p%40ss%2Fword@pg.internal:5433/litellm");
  unsetenv("DATABASE_HOST");
  auto none = db::database_settings(*config_from("model_list: []\n"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST(DatabaseSettings, NonPostgresSchemeIsAnError) {
  auto s = db::database_settings(*config_from("general_settings:\n  database_url: mysql://x/y\n"));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("PostgreSQL URL"), std::string::npos);
}

TEST(Durations, LiteLLMUnits) {
  EXPECT_EQ(db::parse_duration("30s"), 30);
  EXPECT_EQ(db::parse_duration("30m"), 1800);
  EXPECT_EQ(db::parse_duration("2h"), 7200);
  EXPECT_EQ(db::parse_duration("1d"), 86400);
  EXPECT_EQ(db::parse_duration("2w"), 14 * 86400);
  auto mo = db::parse_duration("1mo");
  ASSERT_TRUE(mo);
  EXPECT_GE(*mo, 28 * 86400);
  EXPECT_LE(*mo, 31 * 86400);
  EXPECT_FALSE(db::parse_duration("None"));
  EXPECT_FALSE(db::parse_duration("soon"));
  EXPECT_EQ(db::iso_utc(1717243200.5), "2024-06-01T12:00:00.500000+00:00");
  EXPECT_EQ(db::parse_timestamp("2024-06-01T12:00:00.500"), 1717243200.5);
  EXPECT_EQ(db::parse_timestamp("2024-06-01 12:00:00"), 1717243200);
}
