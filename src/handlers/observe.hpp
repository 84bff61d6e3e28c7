// What the metrics and alerts say about a request and a deployment, built from what the request
// path already holds (views: valid while the request runs).
#pragma once

#include <string>
#include <string_view>

#include "litellm/alerting/alerting.hpp"
#include "litellm/common/error.hpp"
#include "litellm/metrics/metrics.hpp"
#include "litellm/router/router.hpp"

namespace litellm::handlers {

// The sinks a request reports to (either may be null).
struct Observers {
  metrics::Registry* metrics = nullptr;
  alerting::Alerter* alerter = nullptr;
  const metrics::RequestLabels* labels = nullptr;
};

inline metrics::DeploymentLabels deployment_labels(const router::RoutedDeployment& d,
                                                   std::string_view group = {}) {
  return {d.provider_model, d.config->info.id, d.api_base, d.provider->info().name,
          group.empty() ? std::string_view(d.config->model_name) : group};
}

inline alerting::Deployment alert_deployment(const router::RoutedDeployment& d) {
  return {d.config->info.id, d.config->model_name, d.provider_model, d.api_base,
          d.provider->info().name};
}

// LiteLLM's exception_class label: "<Provider>.<Class>" when a provider raised it
// (str.capitalize() of the provider name), the bare class otherwise.
inline std::string exception_class(const Error& e, const router::RoutedDeployment* d) {
  std::string cls = error_kind_name(e.kind);
  if (d == nullptr || e.kind == ErrorKind::kProxyAuth || e.kind == ErrorKind::kProxyBadRequest ||
      e.kind == ErrorKind::kProxyNotFound || e.kind == ErrorKind::kNoDeployments)
    return cls;
  std::string p = d->provider->info().name;
  for (size_t i = 0; i < p.size(); ++i)
    p[i] = static_cast<char>(i == 0 ? std::toupper(static_cast<unsigned char>(p[i]))
                                    : std::tolower(static_cast<unsigned char>(p[i])));
  return p + "." + cls;
}

}  // namespace litellm::handlers
