// Rendering of the error JSON: the single place where an Error becomes bytes for a client.
#include "litellm/common/error.hpp"

#include <nlohmann/json.hpp>

namespace litellm {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kBadRequest:
      return "BadRequestError";
    case ErrorKind::kContextWindowExceeded:
      return "ContextWindowExceededError";
    case ErrorKind::kContentPolicyViolation:
      return "ContentPolicyViolationError";
    case ErrorKind::kUnsupportedParams:
      return "UnsupportedParamsError";
    case ErrorKind::kAuthentication:
      return "AuthenticationError";
    case ErrorKind::kPermissionDenied:
      return "PermissionDeniedError";
    case ErrorKind::kNotFound:
      return "NotFoundError";
    case ErrorKind::kTimeout:
      return "Timeout";
    case ErrorKind::kUnprocessableEntity:
      return "UnprocessableEntityError";
    case ErrorKind::kRateLimit:
      return "RateLimitError";
    case ErrorKind::kInternalServer:
      return "InternalServerError";
    case ErrorKind::kBadGateway:
      return "BadGatewayError";
    case ErrorKind::kServiceUnavailable:
      return "ServiceUnavailableError";
    case ErrorKind::kApiError:
      return "APIError";
    case ErrorKind::kApiConnection:
      return "APIConnectionError";
    case ErrorKind::kProxyAuth:
      return "ProxyException";
    case ErrorKind::kProxyBadRequest:
      return "BadRequestError";
    case ErrorKind::kProxyNotFound:
      return "NotFoundError";
    case ErrorKind::kNoDeployments:
      return "RateLimitError";
  }
  return "APIError";
}

std::string render_error_body(const Error& e) {
  nlohmann::ordered_json inner = nlohmann::ordered_json::object();
  inner["message"] = e.message;
  inner["type"] = e.type ? nlohmann::ordered_json(*e.type) : nlohmann::ordered_json(nullptr);
  inner["param"] = e.param ? nlohmann::ordered_json(*e.param) : nlohmann::ordered_json(nullptr);
  inner["code"] = std::to_string(e.status);
  nlohmann::ordered_json body = {{"error", std::move(inner)}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace litellm
