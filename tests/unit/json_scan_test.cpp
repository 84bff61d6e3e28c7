// common/json_scan: strict validation and member spans for splicing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "litellm/common/json_scan.hpp"

using namespace litellm;

TEST(JsonScan, ListsTopLevelMembers) {
  std::vector<json::Member> m;
  std::string err;
  ASSERT_TRUE(json::scan_object(
      R"( {"model": "gpt-4o", "n": -1.5e3, "x": {"a": [1, "}"]}, "s": "q\"\\"} )", m, err))
      << err;
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].key, "model");
  EXPECT_EQ(m[0].value, "\"gpt-4o\"");
  EXPECT_EQ(m[1].value, "-1.5e3");
  EXPECT_EQ(m[2].value, R"({"a": [1, "}"]})");
  EXPECT_EQ(json::as_string(m[3].value), "q\"\\");
}

TEST(JsonScan, RejectsInvalidDocuments) {
  std::vector<json::Member> m;
  std::string err;
  for (const char* bad :
       {"", "{", "{\"a\":}", "[1]", "{\"a\":1,}", "{\"a\":01}", "{\"a\":tru}", "{\"a\":\"\x01\"}",
        "{\"a\":1} x", "{\"a\":\"\\q\"}", "{a:1}", "{\"a\":[1,2}", "{\"a\":1.}", "{\"a\":-}"}) {
    EXPECT_FALSE(json::scan_object(bad, m, err)) << bad;
    EXPECT_FALSE(err.empty());
  }
}

TEST(JsonScan, AgreesWithNlohmannOnValidity) {
  const char* docs[] = {R"({"a":[]})",
                        R"({"a":{}})",
                        R"({"a":"\u00e9"})",
                        R"({"a":[1,[2,[3]]]})",
                        R"({"a":1e-7,"b":true,"c":false,"d":null})",
                        R"({"a":"\ud83d\ude00"})"};
  for (const char* d : docs) {
    std::vector<json::Member> m;
    std::string err;
    EXPECT_EQ(json::scan_object(d, m, err),
              !nlohmann::json::parse(d, nullptr, false).is_discarded())
        << d;
  }
}

TEST(JsonScan, DepthIsBounded) {
  std::string deep = "{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}";
  std::vector<json::Member> m;
  std::string err;
  EXPECT_FALSE(json::scan_object(deep, m, err));
  EXPECT_NE(err.find("nesting"), std::string::npos);
}

TEST(JsonScan, RebuildReplacesDeletesAndAppends) {
  std::vector<json::Member> m;
  std::string err;
  ASSERT_TRUE(json::scan_object(R"({"model":"a","metadata":{"x":1},"stream":true})", m, err));
  std::string out = json::rebuild_object(m, {{"model", json::quote("b")},
                                             {"metadata", std::nullopt},
                                             {"temperature", std::string("0.2")}});
  EXPECT_EQ(nlohmann::json::parse(out),
            nlohmann::json::parse(R"({"model":"b","stream":true,"temperature":0.2})"));
}
