// LiteLLM's timeout precedence (router._get_timeout) for one call.
#pragma once

#include <chrono>
#include <vector>

#include "litellm/common/json_scan.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/config/config.hpp"

namespace litellm::handlers {

struct Timeouts {
  std::chrono::milliseconds total;  // the whole call (non-stream) or a generous cap (stream)
  std::chrono::milliseconds idle;   // first byte and between stream chunks
};

// Stream: request stream_timeout, x-litellm-stream-timeout, deployment stream_timeout,
// router stream_timeout, then the non-stream chain. Non-stream: request timeout,
// request_timeout, x-litellm-timeout, deployment timeout, router timeout,
// litellm_settings.request_timeout. Zero counts as unset (LiteLLM's `or` chain).
Timeouts compute_timeouts(const config::Config& cfg, const config::Deployment& d,
                          const std::vector<json::Member>& body, const HeaderViews& headers,
                          bool stream);

// The client's deadline for the whole call, retries included: request timeout, request_timeout or
// x-litellm-timeout, else router timeout, else litellm_settings.request_timeout.
std::chrono::milliseconds request_timeout(const config::Config& cfg,
                                          const std::vector<json::Member>& body,
                                          const HeaderViews& headers);

}  // namespace litellm::handlers
