// Key extraction and master-key auth with LiteLLM's exact error texts (user_api_key_auth.py).
#include "litellm/auth/auth.hpp"

#include "litellm/common/crypto.hpp"

namespace litellm::auth {
namespace {

Error auth_error(std::string message) {
  return Error::make(ErrorKind::kProxyAuth, 401, "Authentication Error, " + std::move(message),
                     "auth_error", "None");
}

std::string_view strip_scheme(std::string_view v) {
  for (std::string_view p : {"Bearer ", "bearer ", "Basic "})
    if (v.starts_with(p)) return trim(v.substr(p.size()));
  return {};
}

}  // namespace

KeyLookup extract_key(const HeaderViews& headers, const std::optional<std::string>& custom_header) {
  auto found = [](std::string_view k) { return KeyLookup{KeyLookup::State::kFound, trim(k)}; };
  if (custom_header) {
    if (auto v = find_header(headers, *custom_header); v && !v->empty()) {
      auto stripped = strip_scheme(*v);
      return found(stripped.empty() ? *v : stripped);
    }
  }
  if (auto v = find_header(headers, "x-litellm-api-key"); v && !v->empty()) {
    auto stripped = strip_scheme(*v);
    return found(stripped.empty() ? *v : stripped);
  }
  if (auto v = find_header(headers, "authorization"); v && !v->empty()) {
    auto stripped = strip_scheme(*v);
    if (stripped.empty()) {
      // AWS SigV4 style: "AWS4-HMAC-SHA256 Credential=Bearer <key>/..."
      auto pos = v->find("Credential=Bearer ");
      if (pos != std::string_view::npos) {
        auto rest = v->substr(pos + 18);
        return found(rest.substr(0, rest.find('/')));
      }
      return KeyLookup{KeyLookup::State::kMalformed, {}};
    }
    return found(stripped);
  }
  for (std::string_view h : {"api-key", "x-api-key", "x-goog-api-key", "ocp-apim-subscription-key"})
    if (auto v = find_header(headers, h); v && !v->empty()) return found(*v);
  return KeyLookup{};
}

bool is_public_route(std::string_view path) {
  return path == "/" || path == "/health/liveliness" || path == "/health/liveness" ||
         path == "/health/readiness" || path == "/test" || path == "/routes";
}

Authenticator::Authenticator(std::optional<std::string> master_key,
                             std::optional<std::string> custom_header)
    : master_key_(std::move(master_key)), custom_header_(std::move(custom_header)) {
  if (master_key_ && master_key_->empty()) master_key_.reset();
  if (master_key_) master_key_hash_ = sha256_hex(*master_key_);
}

Result<Identity> Authenticator::authenticate(const HeaderViews& headers) const {
  if (!master_key_) return Identity{Role::kInternalUser, "", ""};  // no master key: open proxy
  auto k = extract_key(headers, custom_header_);
  if (k.state == KeyLookup::State::kMissing) return auth_error("No api key passed in.");
  if (k.state == KeyLookup::State::kMalformed || k.key.empty())
    return auth_error("Malformed API Key passed in. Ensure Key has `Bearer ` prefix.");
  if (secure_equals(k.key, *master_key_))
    return Identity{Role::kProxyAdmin, master_key_hash_, "default_user_id"};
  // Not the master key: a virtual key, which needs the database.
  Identity id{Role::kVirtualKey, "", ""};
  id.key = std::string(k.key);
  return id;
}

}  // namespace litellm::auth
