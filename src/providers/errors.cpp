// Upstream error → LiteLLM exception mapping (exception_mapping_utils.py semantics).
#include <nlohmann/json.hpp>

#include <cstring>
#include <regex>

#include "litellm/common/strings.hpp"
#include "litellm/providers/provider.hpp"

namespace litellm::providers {
namespace {

std::string lower(std::string_view s) { return to_lower(s); }

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// The human message inside an upstream error body, in the shapes providers use.
std::string upstream_message(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded()) {
    if (j.is_object()) {
      if (j.contains("error")) {
        const auto& e = j["error"];
        if (e.is_string()) return e.get<std::string>();
        if (e.is_object() && e.contains("message") && e["message"].is_string())
          return e["message"].get<std::string>();
      }
      if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
      if (j.contains("detail") && j["detail"].is_string()) return j["detail"].get<std::string>();
    }
    return j.dump();
  }
  std::string s(body.substr(0, 2000));
  return s.empty() ? "(empty response body)" : s;
}

}  // namespace

Error unsupported_params(const std::string& provider, const std::vector<std::string>& params,
                         const std::string& model) {
  std::string list = "[";
  for (size_t i = 0; i < params.size(); ++i) list += (i ? ", '" : "'") + params[i] + "'";
  list += "]";
  return Error::make(
      ErrorKind::kUnsupportedParams, 400,
      "litellm.UnsupportedParamsError: " + provider + " does not support parameters: " + list +
          ", for model=" + model +
          ". To drop these, set `litellm.drop_params=True` or for proxy:\n\n`litellm_settings:\n "
          "drop_params: true`\n. \n If you want to use these params dynamically send "
          "allowed_openai_params=" +
          list + " in your request.");
}

bool is_context_window_error(std::string_view message) {
  const std::string m = lower(message);
  if (contains(m, "string_above_max_length")) return false;
  if (contains(m, "invalid 'user'") && contains(m, "string too long")) return false;
  static const char* kNeedles[] = {"exceed context limit",
                                   "this model's maximum context length is",
                                   "string too long. expected a string with maximum length",
                                   "model's maximum context limit",
                                   "is longer than the model's context length",
                                   "input tokens exceed the configured limit",
                                   "`inputs` tokens + `max_new_tokens` must be",
                                   "exceeds the available context size",
                                   "exceeds the maximum number of tokens allowed",
                                   "prompt is too long",
                                   "context_length_exceeded"};
  for (const char* n : kNeedles)
    if (contains(m, n)) return true;
  if (contains(m, "current length is") && contains(m, "while limit is")) return true;
  if (contains(m, "maximum input length is") && contains(m, "tokens")) return true;
  return false;
}

bool is_content_policy_error(std::string_view message) {
  const std::string m = lower(message);
  static const char* kNeedles[] = {
      "content_policy_violation",
      "responsibleaipolicyviolation",
      "the response was filtered due to the prompt triggering azure openai's content management",
      "your task failed as a result of our safety system",
      "the model produced invalid content",
      "content_filter_policy",
      "your request was rejected as a result of our safety system"};
  for (const char* n : kNeedles)
    if (contains(m, n)) return true;
  return false;
}

Error map_http_error(const std::string& exception_name, int status, std::string_view body,
                     const HeaderViews& headers) {
  std::string text = upstream_message(body);
  ErrorKind kind;
  int out_status = status;
  static const std::regex kRateLimit(R"(rate[\s_\-]*limit)", std::regex::icase);
  switch (status) {
    case 400:
    case 413:
      kind = ErrorKind::kBadRequest;
      out_status = 400;
      if (is_context_window_error(text))
        kind = ErrorKind::kContextWindowExceeded;
      else if (is_content_policy_error(text))
        kind = ErrorKind::kContentPolicyViolation;
      break;
    case 401:
      kind = ErrorKind::kAuthentication;
      break;
    case 403:
      kind = ErrorKind::kPermissionDenied;
      break;
    case 404:
      kind = ErrorKind::kNotFound;
      break;
    case 408:
      kind = ErrorKind::kTimeout;
      break;
    case 422:
      kind = ErrorKind::kBadRequest;
      out_status = 400;
      break;
    case 429:
      kind = ErrorKind::kRateLimit;
      break;
    case 500:
      kind = ErrorKind::kInternalServer;
      break;
    case 502:
      kind = ErrorKind::kBadGateway;
      break;
    case 503:
      kind = ErrorKind::kServiceUnavailable;
      break;
    case 504:
      kind = ErrorKind::kTimeout;
      break;
    default:
      if (status >= 500) {
        kind = ErrorKind::kApiError;
      } else {
        kind = ErrorKind::kBadRequest;
        out_status = 400;
      }
  }
  if (kind != ErrorKind::kRateLimit && std::regex_search(text, kRateLimit) && status >= 500)
    kind = ErrorKind::kRateLimit, out_status = 429;
  Error e;
  e.kind = kind;
  e.status = out_status;
  e.message =
      std::string("litellm.") + error_kind_name(kind) + ": " + exception_name + " - " + text;
  for (const auto& [k, v] : headers) {
    if (iequals(k, "retry-after")) {
      e.headers.emplace_back("retry-after", v);
      const std::string value(v);
      char* end = nullptr;
      double secs = std::strtod(value.c_str(), &end);
      if (end != value.c_str()) e.retry_after = secs;
    }
  }
  return e;
}

Error Provider::map_error(int status, std::string_view body, const HeaderViews& headers) const {
  return map_http_error(info().exception_name, status, body, headers);
}

namespace {

bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// The position of the last `"usage"` key, searched from the end for its 'u' (OpenAI puts usage
// last, and the fields after it hold few u's). Inside a JSON string its quotes would be escaped.
size_t last_usage_key(std::string_view text) {
  const char* b = text.data();
  for (size_t end = text.size(); end > 0;) {
    const void* hit = memrchr(b, 'u', end);
    if (hit == nullptr) break;
    const size_t u = static_cast<size_t>(static_cast<const char*>(hit) - b);
    if (u >= 1 && u + 6 <= text.size() && b[u - 1] == '"' &&
        std::memcmp(b + u, "usage\"", 6) == 0 && (u == 1 || b[u - 2] != '\\'))
      return u - 1;
    end = u;
  }
  return std::string_view::npos;
}

// The closing quote of the string whose opening quote is at `open`; npos if unterminated.
size_t string_end(std::string_view text, size_t open) {
  for (size_t i = open + 1; i < text.size();) {
    const void* q = std::memchr(text.data() + i, '"', text.size() - i);
    if (q == nullptr) return std::string_view::npos;
    const size_t at = static_cast<size_t>(static_cast<const char*>(q) - text.data());
    size_t slashes = 0;
    while (at - slashes > open + 1 && text[at - slashes - 1] == '\\') ++slashes;
    if (slashes % 2 == 0) return at;
    i = at + 1;
  }
  return std::string_view::npos;
}

// One pass over the object at text[open] ('{'): the integer values of its own prompt_tokens,
// completion_tokens and total_tokens keys (nested objects are passed over), until the three are
// read or the object ends. False if it ends unterminated.
bool read_token_counts(std::string_view text, size_t open, Usage& usage) {
  std::optional<int64_t> total;
  std::string_view key;
  int depth = 0;
  unsigned found = 0;
  for (size_t i = open; i < text.size(); ++i) {
    switch (text[i]) {
      case '"': {
        const size_t close = string_end(text, i);
        if (close == std::string_view::npos) return false;
        if (depth == 1) key = text.substr(i + 1, close - i - 1);
        i = close;
        break;
      }
      case ':': {
        if (depth != 1) break;
        size_t p = i + 1;
        while (p < text.size() && is_blank(text[p])) ++p;
        int64_t v = 0;
        const size_t digits = p;
        while (p < text.size() && text[p] >= '0' && text[p] <= '9') v = v * 10 + (text[p++] - '0');
        if (p == digits) break;  // not a count (null, a string, an object)
        if (key == "prompt_tokens")
          usage.prompt_tokens = v, found |= 1;
        else if (key == "completion_tokens")
          usage.completion_tokens = v, found |= 2;
        else if (key == "total_tokens")
          total = v, found |= 4;
        if (found == 7) {  // OpenAI sends the three counts first: the details need no reading
          usage.total_tokens = *total;
          return true;
        }
        i = p - 1;
        break;
      }
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (--depth == 0) {
          usage.total_tokens = total.value_or(usage.prompt_tokens + usage.completion_tokens);
          return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace

// A targeted read of the response's "usage" (OpenAI puts it last): no DOM, no allocation.
bool read_usage(std::string_view text, Usage& usage) {
  const size_t key = last_usage_key(text);
  if (key == std::string_view::npos) return false;
  size_t p = key + 7;
  while (p < text.size() && is_blank(text[p])) ++p;
  if (p >= text.size() || text[p] != ':') return false;
  ++p;
  while (p < text.size() && is_blank(text[p])) ++p;
  if (p >= text.size() || text[p] != '{') return false;
  Usage found;
  found.present = true;
  if (!read_token_counts(text, p, found)) return false;
  usage = found;
  return true;
}

}  // namespace litellm::providers
