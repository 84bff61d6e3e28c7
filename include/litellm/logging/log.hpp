// Logging in LiteLLM's formats (plain or JSON lines), with secrets redacted.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace litellm::logging {

struct Options {
  spdlog::level::level_enum level = spdlog::level::warn;
  bool json = false;
  bool redact = true;
  bool color = false;
};

// Reads LITELLM_LOG, JSON_LOGS, NO_COLOR, LITELLM_DISABLE_REDACT_SECRETS; flags may raise it.
Options options_from_env(bool debug_flag, bool detailed_debug_flag);
void init(const Options& opts);
void set_json(bool json);
void set_level(spdlog::level::level_enum level);

// LiteLLM's (Python's) level names: DEBUG, INFO, WARNING, ERROR, CRITICAL.
const char* level_name(spdlog::level::level_enum level);

// Replaces credential-shaped substrings (sk-…, Bearer …) with a masked form.
std::string redact(std::string_view text);

spdlog::logger& proxy();
spdlog::logger& router();

}  // namespace litellm::logging

#define LOG_AT(logger, lvl, ...)                                                       \
  do {                                                                                 \
    if ((logger).should_log(lvl))                                                      \
      (logger).log(spdlog::source_loc{__FILE__, __LINE__, nullptr}, lvl, __VA_ARGS__); \
  } while (0)
#define LOG_DEBUG(...) LOG_AT(::litellm::logging::proxy(), spdlog::level::debug, __VA_ARGS__)
#define LOG_INFO(...) LOG_AT(::litellm::logging::proxy(), spdlog::level::info, __VA_ARGS__)
#define LOG_WARN(...) LOG_AT(::litellm::logging::proxy(), spdlog::level::warn, __VA_ARGS__)
#define LOG_ERROR(...) LOG_AT(::litellm::logging::proxy(), spdlog::level::err, __VA_ARGS__)
#define ROUTER_LOG_WARN(...) LOG_AT(::litellm::logging::router(), spdlog::level::warn, __VA_ARGS__)
#define ROUTER_LOG_INFO(...) LOG_AT(::litellm::logging::router(), spdlog::level::info, __VA_ARGS__)
