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
    const std::string hay = text(rng() % 40);
    EXPECT_EQ(Needle(needle).in(hay), hay.find(needle) != std::string::npos)
        << "needle " << needle << " in " << hay;
  }
}

TEST(Needle, RefusesAnEmptyNeedle) { EXPECT_THROW(Needle(""), std::invalid_argument); }
