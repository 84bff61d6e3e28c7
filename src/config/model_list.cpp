// model_list entries (deployments): required fields, typed litellm_params, ids as LiteLLM makes.
#include "litellm/common/strings.hpp"
#include "litellm/config/loader.hpp"
#include "sections.hpp"

namespace litellm::config {
namespace {

// litellm_params keys LiteLLM consumes itself; every other key is a provider parameter.
const std::set<std::string> kInternalParams = {"model",
                                               "api_base",
                                               "api_key",
                                               "api_version",
                                               "custom_llm_provider",
                                               "rpm",
                                               "tpm",
                                               "weight",
                                               "order",
                                               "timeout",
                                               "stream_timeout",
                                               "max_retries",
                                               "num_retries",
                                               "max_parallel_requests",
                                               "cooldown_time",
                                               "drop_params",
                                               "additional_drop_params",
                                               "mock_response",
                                               "input_cost_per_token",
                                               "output_cost_per_token",
                                               "organization",
                                               "region_name",
                                               "tags",
                                               "base_model",
                                               "use_in_pass_through",
                                               "litellm_credential_name",
                                               "configurable_clientside_auth_params",
                                               "merge_reasoning_content_in_choices",
                                               "max_budget",
                                               "budget_duration",
                                               "vertex_project",
                                               "vertex_location",
                                               "vertex_credentials",
                                               "watsonx_region_name",
                                               "keepalive_seconds",
                                               "allowed_openai_params",
                                               "request_timeout",
                                               "model_info",
                                               "litellm_trace_id",
                                               "input_cost_per_second",
                                               "output_cost_per_second",
                                               "cache_creation_input_token_cost",
                                               "cache_read_input_token_cost",
                                               "auto_router_config",
                                               "health_check_model",
                                               "api_type"};

void parse_params(const Json& lp, const std::string& p, LitellmParams& out, Reader& r) {
  std::optional<std::string> model;
  r.get(lp, "model", p, model);
  if (!model || model->empty()) {
    r.error(p + ".model", "required (e.g. openai/gpt-4o)");
  } else {
    out.model = *model;
  }
  r.get(lp, "api_base", p, out.api_base);
  r.get(lp, "api_key", p, out.api_key);
  r.get(lp, "api_version", p, out.api_version);
  r.get(lp, "custom_llm_provider", p, out.custom_llm_provider);
  r.get(lp, "rpm", p, out.rpm);
  r.get(lp, "tpm", p, out.tpm);
  r.get(lp, "weight", p, out.weight);
  r.get(lp, "order", p, out.order);
  r.get(lp, "timeout", p, out.timeout);
  r.get(lp, "stream_timeout", p, out.stream_timeout);
  r.get(lp, "max_retries", p, out.max_retries);
  r.get(lp, "num_retries", p, out.num_retries);
  r.get(lp, "max_parallel_requests", p, out.max_parallel_requests);
  r.get(lp, "cooldown_time", p, out.cooldown_time);
  r.get(lp, "drop_params", p, out.drop_params);
  r.get(lp, "additional_drop_params", p, out.additional_drop_params);
  r.get(lp, "input_cost_per_token", p, out.input_cost_per_token);
  r.get(lp, "output_cost_per_token", p, out.output_cost_per_token);
  const std::pair<const char*, const std::optional<double>*> non_negative[] = {
      {"rpm", &out.rpm},
      {"tpm", &out.tpm},
      {"weight", &out.weight},
      {"timeout", &out.timeout},
      {"stream_timeout", &out.stream_timeout}};
  for (const auto& [k, v] : non_negative)
    if (*v && **v < 0) r.error(p + "." + k, "must not be negative");
  if (lp.contains("mock_response") && !lp["mock_response"].is_null())
    out.mock_response = lp["mock_response"];
  for (auto it = lp.begin(); it != lp.end(); ++it)
    if (!kInternalParams.contains(it.key())) out.extra[it.key()] = it.value();
}

}  // namespace

void parse_model_list(const Json& node, std::vector<Deployment>& out, Reader& r) {
  if (node.is_null()) return;
  if (!node.is_array()) {
    r.error("model_list", "expected a list of deployments");
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    const Json& entry = node[i];
    const std::string p = "model_list[" + std::to_string(i) + "]";
    if (!entry.is_object()) {
      r.error(p, "expected a map with model_name and litellm_params");
      continue;
    }
    Deployment d;
    std::optional<std::string> name;
    r.get(entry, "model_name", p, name);
    if (!name || name->empty()) {
      r.error(p + ".model_name", "required");
    } else {
      d.model_name = *name;
      d.wildcard = name->find('*') != std::string::npos;
    }
    if (!entry.contains("litellm_params") || !entry["litellm_params"].is_object()) {
      r.error(p + ".litellm_params", "required (a map with at least `model`)");
      continue;
    }
    Json lp = entry["litellm_params"];
    resolve_os_environ(lp);  // LiteLLM resolves litellm_params a second time
    // Top-level rpm/tpm are copied into litellm_params when missing there.
    for (const char* k : {"rpm", "tpm"})
      if (entry.contains(k) && !lp.contains(k)) lp[k] = entry[k];
    parse_params(lp, p + ".litellm_params", d.params, r);
    d.raw_params = lp;

    Json info = entry.value("model_info", Json::object());
    if (!info.is_object()) {
      r.error(p + ".model_info", "expected a map");
      info = Json::object();
    }
    d.info.raw = info;
    if (info.contains("id") && !info["id"].is_null()) {
      d.info.id = info["id"].is_string() ? info["id"].get<std::string>() : info["id"].dump();
    } else {
      d.info.id = deployment_id(d.model_name, lp);
    }
    if (info.contains("mode") && info["mode"].is_string())
      d.info.mode = info["mode"].get<std::string>();
    if (info.contains("base_model") && info["base_model"].is_string())
      d.info.base_model = info["base_model"].get<std::string>();
    if (!d.params.order && info.contains("order") && info["order"].is_number_integer())
      d.params.order = info["order"].get<int>();
    out.push_back(std::move(d));
  }
  // Duplicate explicit ids make LiteLLM's id map ambiguous: refuse them.
  std::set<std::string> ids;
  for (size_t i = 0; i < out.size(); ++i) {
    if (!ids.insert(out[i].info.id).second)
      r.warn("model_list[" + std::to_string(i) + "].model_info.id",
             "duplicate deployment id '" + out[i].info.id + "'");
  }
}

}  // namespace litellm::config
