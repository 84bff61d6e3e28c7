// Retry counts and fallback groups (litellm-config-router.md §5.1, §6.2).
#include "litellm/common/strings.hpp"
#include "litellm/providers/registry.hpp"
#include "litellm/router/router.hpp"

namespace litellm::router {

int Router::num_retries(const Error& e, std::optional<int> request_value, const RoutedDeployment& d,
                        bool* policy_named) const {
  int n = options_.num_retries;
  if (d.config->params.num_retries) n = *d.config->params.num_retries;
  if (request_value) n = *request_value;
  auto from_policy = retries_from_policy(config_->router_settings.retry_policy, e);
  if (policy_named != nullptr) *policy_named = from_policy.has_value();
  if (from_policy) n = *from_policy;
  return std::max(0, n);
}

const config::Json& Router::fallback_list(const config::Json& router_value,
                                          const config::Json& global_value) const {
  return (router_value.is_array() && !router_value.empty()) ? router_value : global_value;
}

bool Router::has_fallbacks() const {
  const auto& rs = config_->router_settings;
  const auto& ls = config_->litellm_settings;
  const auto& list = fallback_list(rs.fallbacks, ls.fallbacks);
  return (list.is_array() && !list.empty()) || !rs.default_fallbacks.empty() ||
         !ls.default_fallbacks.empty();
}

bool Router::has_context_window_fallbacks() const {
  const auto& l = fallback_list(config_->router_settings.context_window_fallbacks,
                                config_->litellm_settings.context_window_fallbacks);
  return l.is_array() && !l.empty();
}

bool Router::has_content_policy_fallbacks() const {
  const auto& l = fallback_list(config_->router_settings.content_policy_fallbacks,
                                config_->litellm_settings.content_policy_fallbacks);
  return l.is_array() && !l.empty();
}

namespace {

// The groups listed under `key` in a [{group: [groups]}, ...] list; `found` tells a match.
std::vector<std::string> entries_for(const config::Json& list, const std::string& key,
                                     bool& found) {
  std::vector<std::string> out;
  found = false;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains(key) || !item[key].is_array()) continue;
    found = true;
    for (const auto& g : item[key])
      if (g.is_string()) out.push_back(g.get<std::string>());
    break;
  }
  return out;
}

}  // namespace

bool Router::content_filter_falls_back(const std::string& group) const {
  const auto& rs = config_->router_settings;
  const auto& ls = config_->litellm_settings;
  bool found = false;
  if (has_content_policy_fallbacks()) {
    entries_for(fallback_list(rs.content_policy_fallbacks, ls.content_policy_fallbacks), group,
                found);
    return found;
  }
  if (!rs.default_fallbacks.empty() || !ls.default_fallbacks.empty()) return true;
  entries_for(fallback_list(rs.fallbacks, ls.fallbacks), "*", found);
  return found;
}

std::vector<std::string> Router::fallbacks_for(const Error& e, const std::string& group) const {
  const auto& rs = config_->router_settings;
  const auto& ls = config_->litellm_settings;
  bool found = false;
  if (e.kind == ErrorKind::kContextWindowExceeded && has_context_window_fallbacks()) {
    // A configured typed list without an entry for this group ends the search (LiteLLM).
    return entries_for(fallback_list(rs.context_window_fallbacks, ls.context_window_fallbacks),
                       group, found);
  }
  if (e.kind == ErrorKind::kContentPolicyViolation && has_content_policy_fallbacks()) {
    return entries_for(fallback_list(rs.content_policy_fallbacks, ls.content_policy_fallbacks),
                       group, found);
  }
  config::Json generic = fallback_list(rs.fallbacks, ls.fallbacks);
  if (!generic.is_array()) generic = config::Json::array();
  const auto& defaults = rs.default_fallbacks.empty() ? ls.default_fallbacks : rs.default_fallbacks;
  if (!defaults.empty()) generic.push_back(config::Json{{"*", defaults}});
  auto exact = entries_for(generic, group, found);
  if (found) return exact;
  // `openai/gpt-4o` also matches a `gpt-4o` key (wildcard routes).
  if (auto slash = group.find('/');
      slash != std::string::npos &&
      providers::Registry::instance().find(std::string_view(group).substr(0, slash))) {
    auto stripped = entries_for(generic, group.substr(slash + 1), found);
    if (found) return stripped;
  }
  return entries_for(generic, "*", found);
}

}  // namespace litellm::router
