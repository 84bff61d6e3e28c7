// Hashing, randomness and identifiers (OpenSSL-backed).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace litellm {

using Sha256 = std::array<unsigned char, 32>;
Sha256 sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
// Constant-time equality for secrets (length leaks, content does not).
bool secure_equals(std::string_view a, std::string_view b);
// Random 128-bit UUID in canonical dashed form (version 4).
std::string uuid4();
// Python's secrets.token_urlsafe(n): n random bytes (getrandom) as unpadded base64url.
std::string token_urlsafe(size_t n);
// Base64 of `bytes`: URL-safe alphabet or standard, with or without '=' padding.
std::string base64_encode(std::string_view bytes, bool urlsafe, bool pad);
// Decodes either alphabet, padded or not; nullopt on other characters or a bad length.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace litellm
