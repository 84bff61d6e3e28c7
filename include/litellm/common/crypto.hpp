// Hashing, randomness and identifiers (OpenSSL-backed).
#pragma once

#include <string>
#include <string_view>

namespace litellm {

std::string sha256_hex(std::string_view data);
// Constant-time equality for secrets (length leaks, content does not).
bool secure_equals(std::string_view a, std::string_view b);
// Random 128-bit UUID in canonical dashed form (version 4).
std::string uuid4();
// Python's secrets.token_urlsafe(n): n random bytes (OpenSSL RAND) as unpadded base64url.
std::string token_urlsafe(size_t n);

}  // namespace litellm
