// The three formats of LiteLLM's encrypt_decrypt_utils: libsodium for the NaCl box, OpenSSL for
// AES-GCM and HKDF.
#include "litellm/db/encryption.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "litellm/common/crypto.hpp"

namespace litellm::db {

namespace {

using Bytes = std::vector<unsigned char>;
using Key = std::array<unsigned char, 32>;

constexpr std::string_view kV3Prefix = "v3:gcm:";
constexpr std::string_view kV2Prefix = "v2:gcm:";
constexpr size_t kGcmNonce = 12, kGcmTag = 16;

Key hkdf_key(std::string_view secret) {
  Key k{};
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr),
                                                        &EVP_KDF_free);
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()),
                                                                &EVP_KDF_CTX_free);
  std::string ikm(secret);
  char digest[] = "SHA256";
  char info[] = "litellm-at-rest-v3";
  // salt=None in Python's HKDF means a string of HashLen zero bytes, which is also OpenSSL's
  // default when no salt is given.
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm.data(), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof info - 1),
      OSSL_PARAM_construct_end()};
  if (!ctx || EVP_KDF_derive(ctx.get(), k.data(), k.size(), params) != 1)
    throw std::runtime_error("HKDF failed");
  return k;
}

std::optional<std::string> gcm_open(const Key& key, const Bytes& raw) {
  if (raw.size() < kGcmNonce + kGcmTag) return std::nullopt;
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  const size_t ct_len = raw.size() - kGcmNonce - kGcmTag;
  std::string out(ct_len, '\0');
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kGcmNonce, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), raw.data()) != 1)
    return std::nullopt;
  if (ct_len > 0 && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                                      raw.data() + kGcmNonce, static_cast<int>(ct_len)) != 1)
    return std::nullopt;
  Bytes tag(raw.end() - kGcmTag, raw.end());
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTag, tag.data()) != 1)
    return std::nullopt;
  int fin = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &fin) != 1)
    return std::nullopt;  // authentication failed: wrong key or altered data
  return out;
}

Bytes gcm_seal(const Key& key, std::string_view plaintext) {
  Bytes out(kGcmNonce + plaintext.size() + kGcmTag);
  if (RAND_bytes(out.data(), kGcmNonce) != 1) throw std::runtime_error("RAND_bytes failed");
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  int len = 0, fin = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kGcmNonce, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), out.data()) != 1 ||
      (!plaintext.empty() &&
       EVP_EncryptUpdate(ctx.get(), out.data() + kGcmNonce, &len,
                         reinterpret_cast<const unsigned char*>(plaintext.data()),
                         static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kGcmNonce + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTag,
                          out.data() + kGcmNonce + plaintext.size()) != 1)
    throw std::runtime_error("AES-GCM encryption failed");
  return out;
}

std::string as_text(const Bytes& b) { return std::string(b.begin(), b.end()); }
Bytes as_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

std::string encrypt_value(std::string_view plaintext, std::string_view secret,
                          CipherFormat format) {
  switch (format) {
    case CipherFormat::kNaclLegacy: {
      if (!sodium_ready()) throw std::runtime_error("libsodium unavailable");
      const Key key = sha256(secret);
      // PyNaCl's SecretBox.encrypt: nonce(24) || MAC(16) || ciphertext.
      Bytes out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
      randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
      crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES,
                            reinterpret_cast<const unsigned char*>(plaintext.data()),
                            plaintext.size(), out.data(), key.data());
      return base64_encode(as_text(out), true, true);
    }
    case CipherFormat::kV2Gcm:
      return std::string(kV2Prefix) +
             base64_encode(as_text(gcm_seal(sha256(secret), plaintext)), true, true);
    case CipherFormat::kV3Gcm:
      break;
  }
  return std::string(kV3Prefix) +
         base64_encode(as_text(gcm_seal(hkdf_key(secret), plaintext)), true, true);
}

std::optional<std::string> decrypt_value(std::string_view stored, std::string_view secret) {
  if (stored.starts_with(kV3Prefix) || stored.starts_with(kV2Prefix)) {
    const bool v3 = stored.starts_with(kV3Prefix);
    auto raw = base64_decode(stored.substr(kV3Prefix.size()));
    if (!raw) return std::nullopt;
    return gcm_open(v3 ? hkdf_key(secret) : sha256(secret), as_bytes(*raw));
  }
  auto raw = base64_decode(stored);               // url-safe or standard alphabet (older releases)
  if (!raw || raw->empty()) return std::nullopt;  // LiteLLM reads "nothing" as not a ciphertext
  if (raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES || !sodium_ready())
    return std::nullopt;
  const Key key = sha256(secret);
  const auto* data = reinterpret_cast<const unsigned char*>(raw->data());
  std::string out(raw->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 data + crypto_secretbox_NONCEBYTES,
                                 raw->size() - crypto_secretbox_NONCEBYTES, data, key.data()) != 0)
    return std::nullopt;
  return out;
}

}  // namespace litellm::db
