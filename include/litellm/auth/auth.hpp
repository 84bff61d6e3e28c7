// Who is calling: the API key from LiteLLM's headers, checked against the master key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "litellm/common/error.hpp"
#include "litellm/common/strings.hpp"

namespace litellm::auth {

enum class Role { kProxyAdmin, kInternalUser, kVirtualKey, kAnonymous };

struct Identity {
  Role role = Role::kAnonymous;
  std::string api_key_hash;  // sha256 of the key; LiteLLM's `token`
  std::string user_id;       // "default_user_id" for the master key
  std::string key;           // kVirtualKey: the key as sent, to be checked against the database
  std::string user_role;     // the key owner's LiteLLM role (proxy_admin keys manage keys)
};

struct KeyLookup {
  enum class State { kMissing, kMalformed, kFound } state = State::kMissing;
  std::string_view key;
};

// LiteLLM's get_api_key order: custom header, x-litellm-api-key, Authorization (Bearer/Basic),
// API-Key, x-api-key, x-goog-api-key, Ocp-Apim-Subscription-Key.
KeyLookup extract_key(const HeaderViews& headers, const std::optional<std::string>& custom_header);

// Routes that need no key (health probes, /test, ...).
bool is_public_route(std::string_view path);

class Authenticator {
 public:
  Authenticator(std::optional<std::string> master_key, std::optional<std::string> custom_header);
  // Synchronous part of auth: master key and error cases. Any other key comes back as
  // kVirtualKey, to be looked up in the database by the caller.
  Result<Identity> authenticate(const HeaderViews& headers) const;
  bool open() const { return !master_key_; }

 private:
  std::optional<std::string> master_key_;
  std::string master_key_hash_;
  std::optional<std::string> custom_header_;
};

}  // namespace litellm::auth
