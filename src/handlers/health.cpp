// GET /health: a real call to every deployment (chat, or an embedding for mode: embedding), with
// LiteLLM's response body. Health calls do not touch cooldowns or usage.
#include <nlohmann/json.hpp>

#include "litellm/handlers/gateway.hpp"
#include "llm_call.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;

asio::awaitable<void> Gateway::handle_health(const HttpRequest& req, ResponseWriter& out) {
  const std::string only_model = query_param(req.query, "model");
  const std::string only_id = query_param(req.query, "model_id");
  const bool details = config_->general_settings.raw.value("health_check_details", true);
  nlohmann::ordered_json healthy = nlohmann::ordered_json::array(),
                         unhealthy = nlohmann::ordered_json::array();
  const auto router = router_;
  for (const auto& d : router->deployments()) {
    const auto& c = *d.config;
    if (!only_model.empty() && c.model_name != only_model && c.params.model != only_model) continue;
    if (!only_id.empty() && c.info.id != only_id) continue;
    if (c.wildcard) continue;  // no concrete model to call
    const bool embedding = c.info.mode == "embedding";
    const std::string body =
        embedding ? R"({"model":"x","input":["test"]})"
                  : R"({"model":"x","messages":[{"role":"user","content":"ping"}],"max_tokens":1})";
    HttpRequest probe = req;
    probe.body = body;
    CallContext ctx;
    ctx.req = &probe;
    ctx.endpoint = embedding ? providers::Endpoint::kEmbedding : providers::Endpoint::kChat;
    std::string err;
    json::scan_object(body, ctx.members, err);
    ctx.requested_model = c.info.id;
    ctx.request_num_retries = 0;
    ctx.disable_fallbacks = true;
    ctx.track = false;
    double timeout = c.info.raw.value("health_check_timeout", 60.0);
    ctx.deadline = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000));
    LlmCall call(*config_, *router, client_, options_.max_upstream_response_bytes, ctx);
    auto result = co_await call.run();
    if (result && result->exchange) result->exchange->abandon();
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    if (details) {
      entry = d.config->raw_params;
      for (const char* secret :
           {"api_key", "aws_secret_access_key", "aws_access_key_id", "vertex_credentials"})
        entry.erase(secret);
    } else {
      entry["model"] = c.params.model;
    }
    entry["model_id"] = c.info.id;
    if (result) {
      healthy.push_back(entry);
    } else {
      entry["error"] = result.error().message;
      unhealthy.push_back(entry);
    }
  }
  nlohmann::ordered_json j = {{"healthy_endpoints", healthy},
                              {"unhealthy_endpoints", unhealthy},
                              {"healthy_count", healthy.size()},
                              {"unhealthy_count", unhealthy.size()}};
  HeaderBlock h;
  h.add("content-type", "application/json");
  co_await out.send(200, h.str(), j.dump());
}

}  // namespace litellm::handlers
