// The one error type every layer returns, and the LiteLLM exception taxonomy it carries.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace litellm {

// LiteLLM's exception classes (litellm/exceptions.py) plus the proxy's own error types.
enum class ErrorKind {
  kBadRequest,
  kContextWindowExceeded,
  kContentPolicyViolation,
  kUnsupportedParams,
  kAuthentication,
  kPermissionDenied,
  kNotFound,
  kTimeout,
  kUnprocessableEntity,
  kRateLimit,
  kInternalServer,
  kBadGateway,
  kServiceUnavailable,
  kApiError,
  kApiConnection,
  kProxyAuth,        // proxy auth failures (type auth_error etc.)
  kProxyBadRequest,  // malformed client input
  kProxyNotFound,    // unknown route
  kNoDeployments,    // router: nothing healthy (429)
};

// LiteLLM's class name, e.g. "RateLimitError" (used in "litellm.RateLimitError: ..." messages).
const char* error_kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternalServer;
  int status = 500;
  std::string message;
  // JSON null when absent; LiteLLM often sends the literal string "None".
  std::optional<std::string> type;
  std::optional<std::string> param;
  // Extra response headers (retry-after, ...), already lower-case.
  std::vector<std::pair<std::string, std::string>> headers;
  // Seconds from a provider's Retry-After, when it sent one.
  std::optional<double> retry_after;

  static Error make(ErrorKind kind, int status, std::string message,
                    std::optional<std::string> type = std::nullopt,
                    std::optional<std::string> param = std::nullopt) {
    Error e;
    e.kind = kind;
    e.status = status;
    e.message = std::move(message);
    e.type = std::move(type);
    e.param = std::move(param);
    return e;
  }
};

// LiteLLM's error body: {"error": {"message", "type", "param", "code": "<status>"}}.
std::string render_error_body(const Error& e);

// Expected failures travel as values (STYLE.md): Result<T> holds a T or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  Error& error() { return std::get<1>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace litellm
