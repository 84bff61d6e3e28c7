// Timeout precedence, as values in seconds converted once to durations.
#include "timeouts.hpp"

#include <cstdlib>
#include <optional>

namespace litellm::handlers {
namespace {

std::optional<double> positive(std::optional<double> v) {
  if (v && *v > 0) return v;
  return std::nullopt;
}

std::optional<double> from_body(const std::vector<json::Member>& body, std::string_view key) {
  const json::Member* m = json::find(body, key);
  if (m == nullptr) return std::nullopt;
  std::string v(m->value);
  if (auto s = json::as_string(m->value)) v = *s;
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str()) return std::nullopt;
  return positive(d);
}

std::optional<double> from_header(const HeaderViews& headers, std::string_view name) {
  auto h = find_header(headers, name);
  if (!h) return std::nullopt;
  std::string v(*h);
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str()) return std::nullopt;
  return positive(d);
}

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}

}  // namespace

Timeouts compute_timeouts(const config::Config& cfg, const config::Deployment& d,
                          const std::vector<json::Member>& body, const HeaderViews& headers,
                          bool stream) {
  std::optional<double> t;
  if (stream) {
    t = from_body(body, "stream_timeout");
    if (!t) t = from_header(headers, "x-litellm-stream-timeout");
    if (!t) t = positive(d.params.stream_timeout);
    if (!t) t = positive(cfg.router_settings.stream_timeout);
  }
  if (!t) t = from_body(body, "timeout");
  if (!t) t = from_body(body, "request_timeout");
  if (!t) t = from_header(headers, "x-litellm-timeout");
  if (!t) t = positive(d.params.timeout);
  if (!t) t = positive(cfg.router_settings.timeout);
  if (!t) t = positive(cfg.litellm_settings.request_timeout);
  double seconds = t.value_or(6000);
  Timeouts out;
  out.idle = ms(seconds);
  // A stream is bounded per read; its total is a day, so no await is unbounded.
  out.total = stream ? std::chrono::milliseconds(24LL * 3600 * 1000) : ms(seconds);
  return out;
}

std::chrono::milliseconds request_timeout(const config::Config& cfg,
                                          const std::vector<json::Member>& body,
                                          const HeaderViews& headers) {
  std::optional<double> t = from_body(body, "timeout");
  if (!t) t = from_body(body, "request_timeout");
  if (!t) t = from_header(headers, "x-litellm-timeout");
  if (!t) t = positive(cfg.router_settings.timeout);
  if (!t) t = positive(cfg.litellm_settings.request_timeout);
  return ms(t.value_or(6000));
}

}  // namespace litellm::handlers
