// Model-name resolution in LiteLLM's order and the simple-shuffle pick.
#include "litellm/router/router.hpp"

#include <algorithm>

#include "litellm/providers/registry.hpp"

namespace litellm::router {
namespace {

std::string escape_regex(std::string_view s) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{})";
  std::string out;
  for (char c : s) {
    if (c == '*') {
      out += "(.*)";
      continue;
    }
    if (kSpecial.find(c) != std::string::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

size_t count_metachars(std::string_view re) {
  return static_cast<size_t>(std::count_if(re.begin(), re.end(), [](char c) {
    return c == '*' || c == '+' || c == '?' || c == '\\' || c == '^' || c == '$' || c == '|' ||
           c == '(' || c == ')';
  }));
}

// Each '*' of the deployment's model takes the next captured segment of the request.
std::string substitute(const std::string& model, const std::smatch& m,
                       const std::string& requested) {
  size_t stars = static_cast<size_t>(std::count(model.begin(), model.end(), '*'));
  if (stars == 0) return model;
  if (m.size() - 1 > stars) return requested;
  std::string out;
  size_t g = 1;
  for (char c : model) {
    if (c == '*' && g < m.size()) {
      out += m[g++].str();
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

size_t weighted_index(const std::vector<double>& weights, double u) {
  double total = 0;
  for (double w : weights) total += std::max(0.0, w);
  if (total <= 0)
    return std::min(weights.size() - 1,
                    static_cast<size_t>(u * static_cast<double>(weights.size())));
  double target = u * total;
  double acc = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    acc += std::max(0.0, weights[i]);
    if (target < acc) return i;
  }
  return weights.size() - 1;
}

std::unique_ptr<Router> Router::create(config::ConfigPtr cfg, std::vector<std::string>& warnings,
                                       std::vector<std::string>* errors) {
  std::unique_ptr<Router> r(new Router(cfg));
  r->options_ = RouterOptions::from(*cfg, warnings);
  r->state_ = state::make_in_process_state();
  const auto& registry = providers::Registry::instance();
  r->deployments_.reserve(cfg->model_list.size());
  for (size_t i = 0; i < cfg->model_list.size(); ++i) {
    const auto& d = cfg->model_list[i];
    auto resolved = registry.resolve(d.params.model, d.params.custom_llm_provider);
    std::string path = "model_list[" + std::to_string(i) + "].litellm_params.model";
    if (!resolved) {
      warnings.push_back(path + ": " + resolved.error().message + " (deployment skipped)");
      continue;
    }
    RoutedDeployment rd;
    rd.config = &d;
    rd.provider = resolved->provider;
    rd.provider_model = resolved->model;
    if (!rd.provider->info().startup_error.empty() && errors != nullptr) {
      errors->push_back(path + ": " + rd.provider->info().startup_error);
    } else if (!rd.provider->info().implemented) {
      warnings.push_back(path + ": provider '" + rd.provider->info().name +
                         "' is not implemented in this build yet; requests to '" + d.model_name +
                         "' will fail with a clear error");
    }
    rd.api_base = registry.api_base(*rd.provider, d.params.api_base);
    rd.api_key = registry.api_key(*rd.provider, d.params.api_key);
    rd.drop_keys = cfg->litellm_settings.additional_drop_params;
    rd.drop_keys.insert(rd.drop_keys.end(), d.params.additional_drop_params.begin(),
                        d.params.additional_drop_params.end());
    r->deployments_.push_back(std::move(rd));
  }
  // Counters by deployment id, reached by index from each deployment (no lookup per request).
  std::unordered_map<std::string_view, size_t> stats_of;
  for (auto& rd : r->deployments_) {
    auto [it, added] = stats_of.emplace(rd.config->info.id, stats_of.size());
    rd.stats = it->second;
  }
  r->stats_.resize(stats_of.size());
  for (const auto& rd : r->deployments_) {
    if (!rd.config->wildcard) continue;
    auto it = std::find_if(r->patterns_.begin(), r->patterns_.end(),
                           [&](const Pattern& p) { return p.model_name == rd.config->model_name; });
    if (it == r->patterns_.end()) {
      Pattern p;
      std::string re = escape_regex(rd.config->model_name);
      p.regex = std::regex(re);
      p.regex_length = re.size();
      p.metachars = count_metachars(re);
      p.model_name = rd.config->model_name;
      r->patterns_.push_back(std::move(p));
      it = r->patterns_.end() - 1;
    }
    it->deployments.push_back(&rd);
  }
  std::stable_sort(
      r->patterns_.begin(), r->patterns_.end(), [](const Pattern& a, const Pattern& b) {
        return std::tie(a.regex_length, a.metachars) > std::tie(b.regex_length, b.metachars);
      });
  return r;
}

void Router::collect_group(std::string_view name, Selection& out) const {
  for (const auto& d : deployments_)
    if (d.config->model_name == name) out.candidates.push_back(Candidate{&d, d.provider_model});
  if (out.candidates.empty()) {
    for (const auto& d : deployments_)
      if (d.config->params.model == name) out.candidates.push_back(Candidate{&d, d.provider_model});
  }
}

bool Router::match_wildcard(const std::string& name, Selection& out) const {
  for (const auto& p : patterns_) {
    std::smatch m;
    if (!std::regex_search(name, m, p.regex, std::regex_constants::match_continuous)) continue;
    out.model_group = name;
    for (const auto* d : p.deployments)
      out.candidates.push_back(Candidate{d, substitute(d->provider_model, m, name)});
    return true;
  }
  return false;
}

Result<Selection> Router::resolve(std::string_view requested) const {
  Selection sel;
  std::string name(requested);
  // A deployment id addresses that deployment directly (no load balancing).
  for (const auto& d : deployments_) {
    if (d.config->info.id == name) {
      sel.model_group = d.config->model_name;
      sel.candidates.push_back(Candidate{&d, d.provider_model});
      return sel;
    }
  }
  const auto& aliases = config_->router_settings.model_group_alias;
  if (auto it = aliases.find(name); it != aliases.end()) name = it->second.group;
  sel.model_group = name;
  collect_group(name, sel);
  if (sel.candidates.empty() && !match_wildcard(name, sel)) {
    // `openai/*` also serves `gpt-4o`: retry with the provider prefix LiteLLM infers.
    auto resolved = providers::Registry::instance().resolve(name, std::nullopt);
    if (resolved && name.find('/') == std::string::npos)
      match_wildcard(resolved->provider->info().name + "/" + name, sel);
    sel.model_group = name;
  }
  if (sel.candidates.empty()) {
    return Error::make(ErrorKind::kProxyBadRequest, 400,
                       "Invalid model name passed in model=" + std::string(requested) +
                           ". Call `/v1/models` to view available models for your key.",
                       "None", "None");
  }
  return sel;
}

size_t Router::pick(const std::vector<const Candidate*>& c) {
  if (c.size() == 1) return 0;
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  if (options_.strategy == RouterOptions::Strategy::kLeastBusy) {
    size_t best = 0;
    int best_load = INT32_MAX;
    for (size_t i = 0; i < c.size(); ++i) {
      int load = stats_[c[i]->deployment->stats].in_flight;
      if (load < best_load) best = i, best_load = load;
    }
    return best;
  }
  using Getter = std::optional<double> config::LitellmParams::*;
  for (Getter g : {static_cast<Getter>(&config::LitellmParams::weight),
                   static_cast<Getter>(&config::LitellmParams::rpm),
                   static_cast<Getter>(&config::LitellmParams::tpm)}) {
    std::vector<double> w;
    w.reserve(c.size());
    bool any = false;
    for (const auto* cand : c) {
      auto v = cand->deployment->config->params.*g;
      w.push_back(v.value_or(0));
      any = any || (v && *v > 0);
    }
    if (any) return weighted_index(w, dist(rng_));
  }
  return std::min(c.size() - 1, static_cast<size_t>(dist(rng_) * static_cast<double>(c.size())));
}

std::vector<std::string> Router::model_names() const {
  std::vector<std::string> names;
  for (const auto& d : deployments_)
    if (std::find(names.begin(), names.end(), d.config->model_name) == names.end())
      names.push_back(d.config->model_name);
  for (const auto& [alias, target] : config_->router_settings.model_group_alias)
    if (!target.hidden && std::find(names.begin(), names.end(), alias) == names.end())
      names.push_back(alias);
  return names;
}

}  // namespace litellm::router
