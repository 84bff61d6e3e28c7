// Durations and timestamps as LiteLLM writes and reads them.
#include <ctime>

#include "litellm/db/store.hpp"

namespace litellm::db {

std::optional<double> parse_duration(std::string_view s) {
  if (s.empty() || s == "None" || s == "null") return std::nullopt;
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  const double n = std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);
  const std::string_view unit = s.substr(i);
  if (unit == "s" || unit.empty()) return n;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  if (unit == "d") return n * 86400;
  if (unit == "w") return n * 7 * 86400;
  if (unit == "mo") {
    // Same day and time N months later, clamped to the month's end (LiteLLM's relativedelta).
    time_t now = std::time(nullptr);
    tm t{};
    gmtime_r(&now, &t);
    int mon = t.tm_mon + static_cast<int>(n);
    t.tm_year += mon / 12;
    t.tm_mon = mon % 12;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = t.tm_year + 1900;
    int max_day =
        days[t.tm_mon] + (t.tm_mon == 1 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
    if (t.tm_mday > max_day) t.tm_mday = max_day;
    return static_cast<double>(timegm(&t) - now);
  }
  return std::nullopt;
}

std::string iso_utc(double unix_seconds) {
  time_t secs = static_cast<time_t>(unix_seconds);
  int us = static_cast<int>((unix_seconds - static_cast<double>(secs)) * 1e6);
  if (us < 0) us = 0;
  tm t{};
  gmtime_r(&secs, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, us);
  return buf;
}

std::optional<double> parse_timestamp(std::string_view s) {
  if (s.size() < 19) return std::nullopt;
  tm t{};
  std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%*c%2d:%2d:%2d", &t.tm_year, &t.tm_mon, &t.tm_mday,
                  &t.tm_hour, &t.tm_min, &t.tm_sec) != 6)
    return std::nullopt;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  double v = static_cast<double>(timegm(&t));
  if (s.size() > 20 && s[19] == '.') {
    size_t end = 20;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    v += std::strtod(("0." + str.substr(20, end - 20)).c_str(), nullptr);
  }
  return v;
}

}  // namespace litellm::db
