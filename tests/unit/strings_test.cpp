// common/strings: Needle (a fixed string searched for in many texts) agrees with
// string_view::find on every text, including repeats and needles that overlap themselves.
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>

#include "litellm/common/strings.hpp"

using namespace litellm;

TEST(Needle, FindsWhatFindFinds) {
  const Needle usage("\"usage\"");
  EXPECT_TRUE(usage.in(R"({"id":"x","usage":{"prompt_tokens":3}})"));
  EXPECT_TRUE(usage.in("\"usage\""));           // the whole text
  EXPECT_TRUE(usage.in("{\"a\":1,\"usage\""));  // at the end
  EXPECT_FALSE(usage.in(R"({"id":"x","usages":1})"));
  EXPECT_FALSE(usage.in(R"({"usage_x":1})"));
  EXPECT_FALSE(usage.in("\"usage"));  // shorter than the needle
  EXPECT_FALSE(usage.in(""));
}

TEST(Needle, AgreesWithFindOnRandomTexts) {
  // A two-letter alphabet makes partial matches and self-overlapping needles common.
  std::mt19937 rng(7);
  auto text = [&](size_t n) {
    std::string s(n, 'a');
    for (auto& c : s) c = "ab"[rng() & 1];
    return s;
  };
  for (int round = 0; round < 2000; ++round) {
    const std::string needle = text(1 + rng() % 6);
    const std::string hay = text(rng() % (round % 2 ? 40 : 300));
    EXPECT_EQ(Needle(needle).in(hay), hay.find(needle) != std::string::npos)
        << "needle " << needle << " in " << hay;
  }
}

TEST(Needle, FindsEveryPositionInLongTexts) {
  // Texts longer than one 16-position step, the needle placed at every start: the steps, the last
  // (overlapping) one and the first and last positions all report it; a near miss nowhere.
  const std::string needle = "\"usage\"";
  for (size_t len : {7u, 15u, 22u, 23u, 24u, 40u, 100u, 257u}) {
    for (size_t pos = 0; pos + needle.size() <= len; ++pos) {
      std::string hay(len, 'x');
      hay.replace(pos, needle.size(), needle);
      EXPECT_TRUE(Needle(needle).in(hay)) << len << " at " << pos;
      hay[pos + 2] = 'X';  // "uXage": bytes 1 and 5 still match, memcmp must say no
      EXPECT_FALSE(Needle(needle).in(hay)) << len << " at " << pos;
    }
  }
}

TEST(Needle, RefusesAnEmptyNeedle) { EXPECT_THROW(Needle(""), std::invalid_argument); }
