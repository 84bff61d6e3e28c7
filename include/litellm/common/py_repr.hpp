// Python's spelling of values in alert texts: str() of dicts and lists (LiteLLM formats request
// messages and arguments with f-strings), and json.dumps of a string (ensure_ascii).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "litellm/common/strings.hpp"

namespace litellm::py {

inline std::string quote(const std::string& s) {
  // repr(str): single quotes unless the text has one and no double quote.
  const bool dq = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
  const char q = dq ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == q)
      out += std::string("\\") + q;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out + q;
}

template <class J>
std::string repr(const J& v) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.template get<bool>() ? "True" : "False";
  if (v.is_number_float()) return python_float(v.template get<double>());
  if (v.is_number()) return v.dump();
  if (v.is_string()) return quote(v.template get<std::string>());
  std::string out;
  if (v.is_array()) {
    out = "[";
    bool first = true;
    for (const auto& e : v) {
      if (!first) out += ", ";
      first = false;
      out += repr(e);
    }
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (const auto& [k, e] : v.items()) {
    if (!first) out += ", ";
    first = false;
    out += quote(k) + ": " + repr(e);
  }
  return out + "}";
}

// The repr of a JSON text; the text itself when it does not parse (e.g. cut short).
inline std::string repr_json(std::string_view text) {
  if (text.empty()) return "None";
  auto v = nlohmann::ordered_json::parse(text, nullptr, false);
  return v.is_discarded() ? std::string(text) : repr(v);
}

// json.dumps("...") with ensure_ascii: non-ASCII as \uXXXX (surrogate pairs above U+FFFF).
inline std::string json_dumps_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace litellm::py
