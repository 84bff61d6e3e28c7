// A sink that writes LiteLLM's line formats: below WARNING to stdout, WARNING and up to stderr.
#include "litellm/logging/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

#include "litellm/common/strings.hpp"

namespace litellm::logging {
namespace {

struct State {
  bool json = false;
  bool redact = true;
  bool color = false;
};
State g_state;

}  // namespace

const char* level_name(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARNING";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRITICAL";
    default:
      return "INFO";
  }
}

namespace {

std::string basename(const char* path) {
  if (path == nullptr) return "";
  std::string_view p(path);
  auto pos = p.find_last_of('/');
  return std::string(pos == std::string_view::npos ? p : p.substr(pos + 1));
}

class LiteLLMSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text(msg.payload.data(), msg.payload.size());
    if (g_state.redact) text = redact(text);
    auto tt = std::chrono::system_clock::to_time_t(msg.time);
    auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count() %
        1000000;
    std::tm tm{};
    localtime_r(&tt, &tm);
    std::string line;
    std::string where = basename(msg.source.filename) + ":" + std::to_string(msg.source.line);
    std::string component(msg.logger_name.data(), msg.logger_name.size());
    if (g_state.json) {
      char ts[64];
      std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
      std::string stamp = ts;
      if (us != 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(us));
        stamp += frac;
      }
      // Python json.dumps defaults (", " and ": " separators, ensure_ascii), as LiteLLM.
      auto q = [](std::string_view v) {
        return nlohmann::json(std::string(v))
            .dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
      };
      line = "{\"message\": " + q(text) + ", \"level\": " + q(level_name(msg.level)) +
             ", \"timestamp\": " + q(stamp) + ", \"component\": " + q(component) +
             ", \"logger\": " + q(where) + "}";
    } else {
      char ts[16];
      std::strftime(ts, sizeof ts, "%H:%M:%S", &tm);
      std::string prefix =
          std::string(ts) + " - " + component + ":" + level_name(msg.level) + ": " + where;
      if (g_state.color) prefix = "\033[92m" + prefix + "\033[0m";
      line = prefix + " - " + text;
    }
    line.push_back('\n');
    FILE* out = msg.level >= spdlog::level::warn ? stderr : stdout;
    std::fwrite(line.data(), 1, line.size(), out);
    std::fflush(out);
  }
  void flush_() override {
    std::fflush(stdout);
    std::fflush(stderr);
  }
};

std::shared_ptr<LiteLLMSink>& sink() {
  static auto s = std::make_shared<LiteLLMSink>();
  return s;
}

std::shared_ptr<spdlog::logger> make_logger(const char* name) {
  auto l = std::make_shared<spdlog::logger>(name, sink());
  l->set_level(spdlog::level::warn);
  return l;
}

}  // namespace

spdlog::logger& proxy() {
  static auto l = make_logger("LiteLLM Proxy");
  return *l;
}

spdlog::logger& router() {
  static auto l = make_logger("LiteLLM Router");
  return *l;
}

Options options_from_env(bool debug_flag, bool detailed_debug_flag) {
  Options o;
  if (auto lvl = env("LITELLM_LOG")) {
    auto v = to_lower(trim(*lvl));
    if (v == "debug")
      o.level = spdlog::level::debug;
    else if (v == "info")
      o.level = spdlog::level::info;
    else if (v == "warning" || v == "warn")
      o.level = spdlog::level::warn;
    else if (v == "error")
      o.level = spdlog::level::err;
    else if (v == "critical")
      o.level = spdlog::level::critical;
  }
  if (debug_flag || env_flag("DEBUG")) o.level = std::min(o.level, spdlog::level::info);
  if (detailed_debug_flag || env_flag("DETAILED_DEBUG")) o.level = spdlog::level::debug;
  if (auto j = env("JSON_LOGS")) o.json = iequals(trim(*j), "true");
  o.redact = !env_flag("LITELLM_DISABLE_REDACT_SECRETS");
  o.color = !env("NO_COLOR") && isatty(1) && isatty(2);
  return o;
}

void init(const Options& opts) {
  g_state.json = opts.json;
  g_state.redact = opts.redact;
  g_state.color = opts.color && !opts.json;
  set_level(opts.level);
}

void set_json(bool json) {
  g_state.json = json;
  if (json) g_state.color = false;
}

void set_level(spdlog::level::level_enum level) {
  proxy().set_level(level);
  router().set_level(level);
}

std::string redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  auto is_key_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  };
  while (i < text.size()) {
    bool sk = text.compare(i, 3, "sk-") == 0 && (i == 0 || !is_key_char(text[i - 1]));
    bool bearer = istarts_with(text.substr(i), "bearer ");
    if (sk || bearer) {
      size_t start = i + (sk ? 3 : 7);
      size_t j = start;
      while (j < text.size() && is_key_char(text[j])) ++j;
      if (j - start >= 4) {
        out.append(sk ? "sk-" : text.substr(i, 7));
        out.append("****");
        i = j;
        continue;
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

}  // namespace litellm::logging
