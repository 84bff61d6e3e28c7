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

}  // namespace litellm
