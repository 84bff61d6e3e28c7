// What a request cost: LiteLLM's price map (a bundled table of common models, or LiteLLM's own
// JSON file) and per-deployment prices, applied to the response's usage.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "litellm/config/config.hpp"

namespace litellm::pricing {

struct Prices {
  double input_cost_per_token = 0;
  double output_cost_per_token = 0;
  std::optional<double> cache_read_input_token_cost;
};

struct Tokens {
  int64_t prompt = 0;
  int64_t completion = 0;
  int64_t cached = 0;  // prompt_tokens_details.cached_tokens
};

// The bundled table, overlaid by the file named by LITELLM_MODEL_COST_MAP_URL (a local path or
// file:// URL in LiteLLM's model_prices_and_context_window.json format), loaded once.
std::optional<Prices> lookup(std::string_view provider, std::string_view model);

// LiteLLM's _select_model_name_for_cost_calc order: deployment prices, model_info.base_model,
// the model the provider reports, the deployment's model. 0 when nothing matches.
// `provider` and `model` are the deployment's resolved provider and upstream model name.
double request_cost(const config::Deployment& d, std::string_view provider, std::string_view model,
                    std::string_view response_model, const Tokens& tokens);

// Parses a LiteLLM price map; entries merge over the current table (tests, reload).
bool load_price_map(std::string_view json_text, std::string* error = nullptr);

}  // namespace litellm::pricing
