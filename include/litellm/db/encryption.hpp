// LITELLM_SALT_KEY encryption of values stored in the database, in LiteLLM's three formats:
// legacy NaCl SecretBox (XSalsa20-Poly1305, key = SHA-256 of the secret), "v2:gcm:" (AES-256-GCM,
// same key) and "v3:gcm:" (AES-256-GCM, key = HKDF-SHA256(secret, info "litellm-at-rest-v3")),
// each base64url with padding. Reads all three; writes v3 unless told otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace litellm::db {

enum class CipherFormat { kNaclLegacy, kV2Gcm, kV3Gcm };

std::string encrypt_value(std::string_view plaintext, std::string_view secret,
                          CipherFormat format = CipherFormat::kV3Gcm);
// nullopt when `stored` is not a ciphertext under `secret` (wrong key, corrupt, plain text).
std::optional<std::string> decrypt_value(std::string_view stored, std::string_view secret);

}  // namespace litellm::db
