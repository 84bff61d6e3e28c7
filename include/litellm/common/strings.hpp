// Small string and environment helpers shared by every layer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace litellm {

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);
// The value of `key` in a query string ("a=1&b=2"), percent-decoded; empty when absent.
std::string query_param(std::string_view query, std::string_view key);
std::string_view trim(std::string_view s);
// A fixed string looked for in many texts: two of its bytes are compared at sixteen positions at
// once (SSE2) and memcmp runs only where both match. string_view::find calls memchr again at
// every occurrence of the needle's first character and glibc's memmem reads every byte; for a
// 7-byte key in a 231-byte stream event this costs ~200 instructions, Boyer-Moore-Horspool ~365
// (callgrind).
class Needle {
 public:
  explicit Needle(std::string_view needle);
  bool in(std::string_view haystack) const;

 private:
  std::string needle_;
  size_t first_ = 0, second_ = 0;  // the two bytes compared at every position
};

// Hash for maps keyed by std::string that are searched with string_views (with std::equal_to<>): a
// lookup allocates nothing.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The process environment; nullopt when unset.
std::optional<std::string> env(const char* name);
// "true"/"1"/"yes"/"on" (any case, surrounding blanks ignored) → true.
bool truthy(std::string_view value);
bool env_flag(const char* name, bool fallback = false);

// Formats a double the way Python's repr does for common values ("600.0", "0.5", "1e-05").
std::string python_float(double v);

// Seconds since the Unix epoch (system clock), with sub-second precision.
double unix_time();

// Request headers as views into the parsed message (valid while the request is handled).
using HeaderViews = std::vector<std::pair<std::string_view, std::string_view>>;
// First header with this name (case-insensitive), or nullopt.
std::optional<std::string_view> find_header(const HeaderViews& headers, std::string_view name);
}  // namespace litellm
