// Test helpers for provider golden files: load tests/data/providers/<name>/<file> and build the
// CallInput a provider sees for a client body.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "litellm/config/loader.hpp"
#include "litellm/providers/provider.hpp"

namespace golden {

inline nlohmann::json load(const std::string& provider, const std::string& file) {
  std::ifstream in(std::string(LITELLM_TEST_DATA) + "/providers/" + provider + "/" + file);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

// A scanned client body and the CallInput for one deployment `prefix/model`.
struct Call {
  std::string body;
  std::vector<litellm::json::Member> members;
  litellm::config::LoadResult cfg;
  litellm::providers::CallInput in;
  Call(std::string b, const std::string& prefix, const std::string& model) : body(std::move(b)) {
    cfg = litellm::config::load_text(
        "model_list: [{model_name: m, litellm_params: {model: " + prefix + "/" + model + "}}]\n",
        ".");
    std::string err;
    EXPECT_TRUE(litellm::json::scan_object(body, members, err)) << err;
    in.members = &members;
    in.deployment = &cfg.config->model_list[0];
    in.provider_model = model;
  }
};

}  // namespace golden

namespace golden {

// Feeds each transcript entry split in two (to cross read boundaries) and returns the frames.
inline std::vector<nlohmann::json> translate_stream(litellm::providers::StreamTranslator& t,
                                                    const nlohmann::json& transcript) {
  std::string out;
  for (const auto& e : transcript) {
    std::string s = e.get<std::string>();
    EXPECT_TRUE(t.feed(s.substr(0, s.size() / 2), out));
    EXPECT_TRUE(t.feed(s.substr(s.size() / 2), out));
  }
  EXPECT_TRUE(t.finish(out));
  std::vector<nlohmann::json> frames;
  for (size_t pos = 0; (pos = out.find("data: ", pos)) != std::string::npos;) {
    auto end = out.find("\n\n", pos);
    frames.push_back(nlohmann::json::parse(out.substr(pos + 6, end - pos - 6)));
    pos = end;
  }
  return frames;
}

// Compares frames with a golden {deltas, finish_reasons, usage}; ids may vary, tool-call ids are
// checked for presence only when the golden omits them.
inline void expect_stream(const std::vector<nlohmann::json>& frames, const nlohmann::json& g) {
  ASSERT_EQ(frames.size(), g["deltas"].size() + 1) << "content frames plus one usage frame";
  for (size_t i = 0; i < g["deltas"].size(); ++i) {
    nlohmann::json delta = frames[i]["choices"][0]["delta"];
    if (delta.contains("tool_calls"))
      for (auto& tc : delta["tool_calls"])
        if (tc.contains("id") && !g["deltas"][i]["tool_calls"][0].contains("id")) tc.erase("id");
    EXPECT_EQ(delta, g["deltas"][i]) << "frame " << i;
    EXPECT_EQ(frames[i]["choices"][0]["finish_reason"], g["finish_reasons"][i]) << "frame " << i;
    EXPECT_EQ(frames[i]["id"], frames[0]["id"]);
  }
  EXPECT_EQ(frames.back()["usage"], g["usage"]);
}

}  // namespace golden
