// LITELLM_SALT_KEY formats, against values written by LiteLLM's own code path (PyNaCl SecretBox,
// and the `cryptography` package's AESGCM and HKDF, as encrypt_decrypt_utils.py uses them);
// SHA-256, which names keys (their token) and deployments.
#include <gtest/gtest.h>

#include <string>

#include "litellm/common/crypto.hpp"
#include "litellm/db/encryption.hpp"

using namespace litellm;
using db::CipherFormat;

namespace {
constexpr const char* kSecret = "sk-salt-4f9c2b7e";
constexpr const char* kPlain = "sk-proj-provider-key-0123456789";
}  // namespace

TEST(Encryption, ReadsLiteLLMsThreeFormats) {
  // nacl.secret.SecretBox(sha256(secret)).encrypt(...), urlsafe_b64encode.
  EXPECT_EQ(db::decrypt_value(
                "SudJsEpZCLdXseSpwAsc5BVDgCsnB_h-7hQzr4kswdJSv7qbj3HXYdElNCMr7F3PteP8uNNp7j9Uvk1q"
                "TJn_isXYYAwelwA=",
                kSecret),
            kPlain);
  // The same box, standard base64 (older LiteLLM releases).
  EXPECT_EQ(db::decrypt_value(
                "SF9bv+ckNLylGeqi4Leax/rAOrjRAcZcTBND9/orke1ykry/fgsCFv/ax28slaHx7MaYQE9YVH5BCuTP"
                "yCcTf56rsFKRK1iigh8=",
                kSecret),
            "https://api.example.com/v1?a=b&c=d");
  EXPECT_EQ(db::decrypt_value("v2:gcm:r1a1m8tYO-fQ8cqiiu9PdXZTKbjwJcLDwTMvrpTRSKEjs5rJCbEImhcboVoYi"
                              "LIk6Pxb59iGZFOcY6A=",
                              kSecret),
            kPlain);
  EXPECT_EQ(db::decrypt_value("v3:gcm:LPEjjuu4rTtGYdAykTj_nXDMLdb211_8zCSxNwNbA-e8T-6cDkcdSeNbkqbs-"
                              "1wMRVWfWD7hvekvNuk=",
                              kSecret),
            kPlain);
  EXPECT_EQ(
      db::decrypt_value("v3:gcm:pZ7VPaCTEFMb8SFi6jCzTHDPB__PP3zWnjQNjcfe2qsBBpA_OjXVQKU=", kSecret),
      "\xc3\xbc"
      "n"
      "\xc3\xaf"
      "code \xe2\x9c\x93");
}

TEST(Encryption, WrongKeyOrTamperedIsNotAValue) {
  EXPECT_FALSE(
      db::decrypt_value("v3:gcm:LPEjjuu4rTtGYdAykTj_nXDMLdb211_8zCSxNwNbA-e8T-6cDkcdSeNbk"
                        "qbs-1wMRVWfWD7hvekvNuk=",
                        "another-salt"));
  EXPECT_FALSE(
      db::decrypt_value("v3:gcm:LPEjjuu4rTtGYdAykTj_nXDMLdb211_8zCSxNwNbA-e8T-6cDkcdSeNbk"
                        "qbs-1wMRVWfWD7hvekvNuX=",
                        kSecret));
  EXPECT_FALSE(db::decrypt_value("plain-api-key", kSecret));
  EXPECT_FALSE(db::decrypt_value("", kSecret));
}

TEST(Encryption, RoundTripsInEveryFormat) {
  for (auto f : {CipherFormat::kNaclLegacy, CipherFormat::kV2Gcm, CipherFormat::kV3Gcm}) {
    for (std::string plain : {std::string(kPlain), std::string(), std::string(1000, 'x')}) {
      std::string stored = db::encrypt_value(plain, kSecret, f);
      EXPECT_EQ(db::decrypt_value(stored, kSecret), plain);
      EXPECT_NE(db::encrypt_value(plain, kSecret, f), stored);  // a fresh nonce each time
    }
  }
  EXPECT_TRUE(db::encrypt_value("x", kSecret).starts_with("v3:gcm:"));
  EXPECT_TRUE(db::encrypt_value("x", kSecret, CipherFormat::kV2Gcm).starts_with("v2:gcm:"));
}

TEST(Base64, BothAlphabetsAndPadding) {
  EXPECT_EQ(base64_encode("\xfb\xff", true, true), "-_8=");
  EXPECT_EQ(base64_encode("\xfb\xff", false, false), "+/8");
  EXPECT_EQ(base64_decode("-_8="), "\xfb\xff");
  EXPECT_EQ(base64_decode("+/8"), "\xfb\xff");
  EXPECT_FALSE(base64_decode("a"));
  EXPECT_FALSE(base64_decode("ab*c"));
}

// FIPS 180-4's examples: empty, one block, two blocks, and a million bytes.
TEST(Sha256, KnownDigests) {
  EXPECT_EQ(litellm::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(litellm::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(litellm::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(litellm::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Keys LiteLLM generates: secrets.token_urlsafe(16), 22 base64url characters, never repeated.
TEST(TokenUrlsafe, SixteenRandomBytesAsBase64Url) {
  const std::string a = litellm::token_urlsafe(16), b = litellm::token_urlsafe(16);
  EXPECT_EQ(a.size(), 22u);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(a, b);
  EXPECT_EQ(litellm::token_urlsafe(32).size(), 43u);  // Python: 43 for 32 bytes
}
