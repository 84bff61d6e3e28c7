// Typed field access over the config tree, collecting errors and warnings with YAML paths.
#pragma once

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "litellm/config/config.hpp"

namespace litellm::config {

class Reader {
 public:
  Reader(std::vector<std::string>& errors, std::vector<std::string>& warnings)
      : errors_(errors), warnings_(warnings) {}

  void error(const std::string& path, const std::string& what) {
    errors_.push_back(path + ": " + what);
  }
  void warn(const std::string& path, const std::string& what) {
    warnings_.push_back(path + ": " + what);
  }

  // Each getter leaves `out` untouched when the key is absent or null.
  void get(const Json& obj, const char* key, const std::string& path,
           std::optional<std::string>& out);
  void get(const Json& obj, const char* key, const std::string& path, std::optional<double>& out);
  void get(const Json& obj, const char* key, const std::string& path, std::optional<int>& out);
  void get(const Json& obj, const char* key, const std::string& path, std::optional<bool>& out);
  void get(const Json& obj, const char* key, const std::string& path,
           std::vector<std::string>& out);
  void get(const Json& obj, const char* key, const std::string& path,
           std::map<std::string, int>& out);
  template <class T>
  void get_or(const Json& obj, const char* key, const std::string& path, T& out) {
    std::optional<T> v;
    get(obj, key, path, v);
    if (v) out = *v;
  }
  // A list of {group: [groups]} maps (fallbacks); validated as LiteLLM's validate_fallbacks.
  void get_fallbacks(const Json& obj, const char* key, const std::string& path, Json& out,
                     bool strict);

  // One warning per key of `obj` not in `known`.
  void warn_unknown(const Json& obj, const std::string& path, const std::set<std::string>& known);

 private:
  std::vector<std::string>& errors_;
  std::vector<std::string>& warnings_;
};

inline std::string join_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

}  // namespace litellm::config
