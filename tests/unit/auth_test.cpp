// auth/: LiteLLM's header order and master-key decisions.
#include <gtest/gtest.h>

#include "litellm/auth/auth.hpp"

using namespace litellm;
using namespace litellm::auth;

namespace {
HeaderViews h(std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  return HeaderViews(l);
}
}  // namespace

TEST(ExtractKey, HeaderPrecedence) {
  EXPECT_EQ(
      extract_key(h({{"Authorization", "Bearer a"}, {"x-litellm-api-key", "b"}}), std::nullopt).key,
      "b");
  EXPECT_EQ(extract_key(h({{"authorization", "bearer a"}}), std::nullopt).key, "a");
  EXPECT_EQ(extract_key(h({{"Authorization", "Basic zz"}}), std::nullopt).key, "zz");
  EXPECT_EQ(extract_key(h({{"API-Key", "c"}, {"x-api-key", "d"}}), std::nullopt).key, "c");
  EXPECT_EQ(extract_key(h({{"x-goog-api-key", "e"}}), std::nullopt).key, "e");
  EXPECT_EQ(extract_key(h({{"Ocp-Apim-Subscription-Key", "f"}}), std::nullopt).key, "f");
  EXPECT_EQ(extract_key(h({{"x-custom", "Bearer g"}, {"x-litellm-api-key", "b"}}),
                        std::string("x-custom"))
                .key,
            "g");
  EXPECT_EQ(extract_key(h({{"Authorization", "AWS4-HMAC-SHA256 Credential=Bearer sk-k/2024/x"}}),
                        std::nullopt)
                .key,
            "sk-k");
}

TEST(ExtractKey, MissingAndMalformed) {
  EXPECT_EQ(extract_key(h({}), std::nullopt).state, KeyLookup::State::kMissing);
  EXPECT_EQ(extract_key(h({{"Authorization", "Token x"}}), std::nullopt).state,
            KeyLookup::State::kMalformed);
}

TEST(Authenticator, MasterKeyAndErrors) {
  Authenticator a(std::string("sk-master"), std::nullopt);
  auto ok = a.authenticate(h({{"Authorization", "Bearer sk-master"}}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->role, Role::kProxyAdmin);
  EXPECT_EQ(ok->user_id, "default_user_id");
  auto missing = a.authenticate(h({}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 401);
  EXPECT_EQ(missing.error().message, "Authentication Error, No api key passed in.");
  auto malformed = a.authenticate(h({{"Authorization", "sk-master"}}));
  EXPECT_EQ(malformed.error().message,
            "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.");
  // Any other key is a virtual key, to be looked up in the database by the gateway.
  auto other = a.authenticate(h({{"Authorization", "Bearer sk-other"}}));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->role, Role::kVirtualKey);
  EXPECT_EQ(other->key, "sk-other");
}

TEST(Authenticator, NoMasterKeyIsOpen) {
  Authenticator a(std::nullopt, std::nullopt);
  EXPECT_TRUE(a.open());
  EXPECT_TRUE(a.authenticate(h({})));
}

TEST(PublicRoutes, HealthProbesNeedNoKey) {
  EXPECT_TRUE(is_public_route("/health/liveliness"));
  EXPECT_TRUE(is_public_route("/health/readiness"));
  EXPECT_FALSE(is_public_route("/v1/models"));
}
