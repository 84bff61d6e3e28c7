// String and environment helpers.
#include "litellm/common/strings.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <stdexcept>

namespace litellm {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string_view trim(std::string_view s) {
  // Compared directly: a strchr call per character showed in the stream profile (every event is
  // trimmed), and the HTTP parser trims every field value with it.
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

Needle::Needle(std::string_view needle) : needle_(needle) {
  if (needle_.empty() || needle_.size() > 255) throw std::invalid_argument("Needle: 1-255 bytes");
  // Two bytes are tested at every position before memcmp. Not the first and last: JSON needles
  // begin and end with a quote, which occurs at every key and string.
  const size_t n = needle_.size();
  first_ = n >= 3 ? 1 : 0;
  second_ = n >= 3 ? n - 2 : n - 1;
}

namespace {

// The positions in `mask` (bit k: start i + k) where the needle really is.
[[gnu::noinline]] bool any_match(const char* h, size_t i, unsigned mask, std::string_view needle) {
  for (; mask != 0; mask &= mask - 1)
    if (std::memcmp(h + i + static_cast<size_t>(__builtin_ctz(mask)), needle.data(),
                    needle.size()) == 0)
      return true;
  return false;
}

}  // namespace

bool Needle::in(std::string_view haystack) const {
  const size_t n = needle_.size();
  if (haystack.size() < n) return false;
  const char* h = haystack.data();
  const char* p = needle_.data();
  const size_t a = first_, b = second_;
  const size_t starts = haystack.size() - n + 1;  // positions the needle can start at
#if defined(__SSE2__)
  if (starts >= 16) {
    // Bytes a and b of sixteen positions compared at once (SSE2), two such steps per round;
    // memcmp only where both match. A last step overlaps the one before instead of a scalar tail.
    const __m128i va = _mm_set1_epi8(p[a]), vb = _mm_set1_epi8(p[b]);
    const auto step = [&](size_t i) {
      const auto* pa = reinterpret_cast<const __m128i*>(h + i + a);
      const auto* pb = reinterpret_cast<const __m128i*>(h + i + b);
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(
          _mm_cmpeq_epi8(_mm_loadu_si128(pa), va), _mm_cmpeq_epi8(_mm_loadu_si128(pb), vb))));
    };
    size_t i = 0;
    for (; i + 32 <= starts; i += 32)
      if (const unsigned m = step(i) | step(i + 16) << 16; m != 0 && any_match(h, i, m, needle_))
        return true;
    if (i + 16 <= starts) {
      if (const unsigned m = step(i); m != 0 && any_match(h, i, m, needle_)) return true;
      i += 16;
    }
    if (i == starts) return false;
    const size_t last = starts - 16;
    const unsigned m = step(last);
    return m != 0 && any_match(h, last, m, needle_);
  }
#endif
  for (size_t i = 0; i < starts; ++i)
    if (h[i + a] == p[a] && h[i + b] == p[b] && std::memcmp(h + i, p, n) == 0) return true;
  return false;
}

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

bool truthy(std::string_view value) {
  auto t = trim(value);
  return iequals(t, "true") || t == "1" || iequals(t, "yes") || iequals(t, "on");
}

bool env_flag(const char* name, bool fallback) {
  auto v = env(name);
  return v ? truthy(*v) : fallback;
}

std::string python_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  // Python's repr: shortest round-trip digits; scientific when exponent < -4 or >= 16.
  double a = std::fabs(v);
  std::to_chars_result r;
  if (a != 0 && (a < 1e-4 || a >= 1e16)) {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string s(buf, r.ptr);
    // C++ prints "1e-05" already; Python prints "1e+16" as "1e+16" too.
    return s;
  }
  r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  std::string s(buf, r.ptr);
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

std::optional<std::string_view> find_header(const HeaderViews& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::string query_param(std::string_view query, std::string_view key) {
  for (size_t start = 0; start <= query.size();) {
    size_t amp = query.find('&', start);
    std::string_view pair =
        query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (pair.starts_with(key) && pair.size() > key.size() && pair[key.size()] == '=') {
      std::string_view v = pair.substr(key.size() + 1);
      std::string out;
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '+') {
          out += ' ';
        } else if (v[i] == '%' && i + 2 < v.size()) {
          out +=
              static_cast<char>(std::strtol(std::string(v.substr(i + 1, 2)).c_str(), nullptr, 16));
          i += 2;
        } else {
          out += v[i];
        }
      }
      return out;
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return {};
}

double unix_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace litellm
