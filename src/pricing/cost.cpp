// Cost per request (LiteLLM's generic_cost_per_token for text: prompt, cached prompt and
// completion tokens). Prices are USD per token, from the providers' public price pages.
#include "litellm/pricing/cost.hpp"

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "litellm/common/strings.hpp"
#include "litellm/logging/log.hpp"

namespace litellm::pricing {

namespace {

// model, provider, input, output, cached input (-1: none). Per token.
struct Row {
  const char* model;
  const char* provider;
  double in, out, cached;
};
constexpr Row kBundled[] = {
    {"gpt-5", "openai", 1.25e-6, 1e-5, 1.25e-7},
    {"gpt-5-mini", "openai", 2.5e-7, 2e-6, 2.5e-8},
    {"gpt-5-nano", "openai", 5e-8, 4e-7, 5e-9},
    {"gpt-4.1", "openai", 2e-6, 8e-6, 5e-7},
    {"gpt-4.1-mini", "openai", 4e-7, 1.6e-6, 1e-7},
    {"gpt-4.1-nano", "openai", 1e-7, 4e-7, 2.5e-8},
    {"gpt-4o", "openai", 2.5e-6, 1e-5, 1.25e-6},
    {"gpt-4o-2024-08-06", "openai", 2.5e-6, 1e-5, 1.25e-6},
    {"gpt-4o-2024-11-20", "openai", 2.5e-6, 1e-5, 1.25e-6},
    {"gpt-4o-mini", "openai", 1.5e-7, 6e-7, 7.5e-8},
    {"gpt-4o-mini-2024-07-18", "openai", 1.5e-7, 6e-7, 7.5e-8},
    {"gpt-4-turbo", "openai", 1e-5, 3e-5, -1},
    {"gpt-4", "openai", 3e-5, 6e-5, -1},
    {"gpt-3.5-turbo", "openai", 5e-7, 1.5e-6, -1},
    {"o1", "openai", 1.5e-5, 6e-5, 7.5e-6},
    {"o3", "openai", 2e-6, 8e-6, 5e-7},
    {"o3-mini", "openai", 1.1e-6, 4.4e-6, 5.5e-7},
    {"o4-mini", "openai", 1.1e-6, 4.4e-6, 2.75e-7},
    {"text-embedding-3-small", "openai", 2e-8, 0, -1},
    {"text-embedding-3-large", "openai", 1.3e-7, 0, -1},
    {"text-embedding-ada-002", "openai", 1e-7, 0, -1},
    {"claude-opus-4-1-20250805", "anthropic", 1.5e-5, 7.5e-5, 1.5e-6},
    {"claude-opus-4-20250514", "anthropic", 1.5e-5, 7.5e-5, 1.5e-6},
    {"claude-sonnet-4-5-20250929", "anthropic", 3e-6, 1.5e-5, 3e-7},
    {"claude-sonnet-4-20250514", "anthropic", 3e-6, 1.5e-5, 3e-7},
    {"claude-3-7-sonnet-20250219", "anthropic", 3e-6, 1.5e-5, 3e-7},
    {"claude-3-5-sonnet-20241022", "anthropic", 3e-6, 1.5e-5, 3e-7},
    {"claude-haiku-4-5-20251001", "anthropic", 1e-6, 5e-6, 1e-7},
    {"claude-3-5-haiku-20241022", "anthropic", 8e-7, 4e-6, 8e-8},
    {"claude-3-haiku-20240307", "anthropic", 2.5e-7, 1.25e-6, 3e-8},
    {"gemini-2.5-pro", "gemini", 1.25e-6, 1e-5, 3.125e-7},
    {"gemini-2.5-flash", "gemini", 3e-7, 2.5e-6, 7.5e-8},
    {"gemini-2.5-flash-lite", "gemini", 1e-7, 4e-7, 2.5e-8},
    {"gemini-2.0-flash", "gemini", 1e-7, 4e-7, 2.5e-8},
    {"gemini-2.0-flash-lite", "gemini", 7.5e-8, 3e-7, -1},
    {"gemini-1.5-pro", "gemini", 1.25e-6, 5e-6, -1},
    {"gemini-1.5-flash", "gemini", 7.5e-8, 3e-7, -1},
    {"text-embedding-004", "gemini", 0, 0, -1},
};

struct Table {
  std::mutex mu;  // loads happen once at startup; lookups after that see a settled map
  std::unordered_map<std::string, Prices> prices;
  bool file_loaded = false;
};

Table& table() {
  static Table t;
  static const bool seeded = [] {
    Table& tab = t;
    for (const auto& r : kBundled) {
      Prices p{r.in, r.out, r.cached >= 0 ? std::optional<double>(r.cached) : std::nullopt};
      tab.prices[r.model] = p;
      tab.prices[std::string(r.provider) + "/" + r.model] = p;
      if (std::string_view(r.provider) == "openai")  // Azure OpenAI bills the same models
        tab.prices[std::string("azure/") + r.model] = p;
    }
    return true;
  }();
  (void)seeded;
  return t;
}

// Any nlohmann JSON flavour: model_info is an ordered_json, price-map entries a json; a
// conversion here would copy the whole object on every request.
template <class J>
std::optional<double> number(const J& j, const char* k) {
  auto it = j.find(k);
  if (it == j.end()) return std::nullopt;
  if (it->is_number()) return it->template get<double>();
  if (it->is_string()) {  // LiteLLM accepts "3e-7"
    char* end = nullptr;
    std::string s = it->template get<std::string>();
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str()) return v;
  }
  return std::nullopt;
}

void load_file_once() {
  Table& t = table();
  if (t.file_loaded) return;
  t.file_loaded = true;
  auto url = env("LITELLM_MODEL_COST_MAP_URL");
  if (!url || url->empty()) return;
  std::string path = *url;
  if (path.starts_with("file://")) path = path.substr(7);
  if (path.starts_with("http://") || path.starts_with("https://")) {
    LOG_WARN(
        "LITELLM_MODEL_COST_MAP_URL={} is not fetched (use a local file); using the bundled "
        "price table",
        *url);
    return;
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string error;
  if (!in || !load_price_map(ss.str(), &error))
    LOG_WARN("price map {} not loaded: {}", path, error.empty() ? "cannot read" : error);
}

}  // namespace

bool load_price_map(std::string_view json_text, std::string* error) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_object()) {
    if (error) *error = "not a JSON object";
    return false;
  }
  Table& t = table();
  std::lock_guard lock(t.mu);
  for (const auto& [name, entry] : j.items()) {
    if (!entry.is_object() || name == "sample_spec") continue;
    Prices p;
    p.input_cost_per_token = number(entry, "input_cost_per_token").value_or(0);
    p.output_cost_per_token = number(entry, "output_cost_per_token").value_or(0);
    p.cache_read_input_token_cost = number(entry, "cache_read_input_token_cost");
    t.prices[name] = p;
    if (auto prov = entry.find("litellm_provider");
        prov != entry.end() && prov->is_string() && name.find('/') == std::string::npos)
      t.prices[prov->get<std::string>() + "/" + name] = p;
  }
  return true;
}

std::optional<Prices> lookup(std::string_view provider, std::string_view model) {
  load_file_once();
  Table& t = table();
  if (model.empty()) return std::nullopt;
  static thread_local std::string key;  // reused: a lookup per request allocates nothing
  if (!provider.empty()) {
    key.assign(provider).append("/").append(model);
    auto it = t.prices.find(key);
    if (it != t.prices.end()) return it->second;
  }
  key.assign(model);
  auto it = t.prices.find(key);
  if (it != t.prices.end()) return it->second;
  return std::nullopt;
}

double request_cost(const config::Deployment& d, std::string_view provider, std::string_view model,
                    std::string_view response_model, const Tokens& tokens) {
  std::optional<Prices> p;
  const auto& params = d.params;
  auto info_price = [&](const char* k) { return number(d.info.raw, k); };
  auto in = params.input_cost_per_token ? params.input_cost_per_token
                                        : info_price("input_cost_per_token");
  auto out = params.output_cost_per_token ? params.output_cost_per_token
                                          : info_price("output_cost_per_token");
  if (in || out) {
    p = Prices{in.value_or(0), out.value_or(0), std::nullopt};
  } else {
    if (d.info.base_model) {
      std::string_view base = *d.info.base_model;
      std::string_view prov = provider;
      if (auto slash = base.find('/'); slash != std::string_view::npos) {
        prov = base.substr(0, slash);
        base = base.substr(slash + 1);
      }
      p = lookup(prov, base);
    }
    if (!p && !response_model.empty()) p = lookup(provider, response_model);
    if (!p) p = lookup(provider, model);
  }
  if (!p) return 0;
  const int64_t cached = std::min(tokens.cached, tokens.prompt);
  double cost = static_cast<double>(tokens.prompt - cached) * p->input_cost_per_token +
                static_cast<double>(cached) *
                    p->cache_read_input_token_cost.value_or(p->input_cost_per_token) +
                static_cast<double>(tokens.completion) * p->output_cost_per_token;
  return cost;
}

}  // namespace litellm::pricing
