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
    cfg = litellm::config::load_text("model_list: [{model_name: m, litellm_params: {model: " + prefix + "/" + model + "}}]\n", ".");
    std::string err;
    EXPECT_TRUE(litellm::json::scan_object(body, members, err)) << err;
    in.members = &members;
    in.deployment = &cfg.config->model_list[0];
    in.provider_model = model;
  }
};

}  // namespace golden
