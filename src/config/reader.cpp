// Typed getters: numbers may arrive as strings (os.environ/ values), as LiteLLM accepts.
#include "reader.hpp"

#include <cmath>
#include <cstdlib>

#include "litellm/common/strings.hpp"

namespace litellm::config {
namespace {

std::optional<double> to_number(const Json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

const Json* lookup(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

void Reader::get(const Json& obj, const char* key, const std::string& path,
                 std::optional<std::string>& out) {
  const Json* v = lookup(obj, key);
  if (v == nullptr) return;
  if (v->is_string()) {
    out = v->get<std::string>();
  } else if (v->is_number()) {
    out = v->dump();
  } else {
    error(join_path(path, key), "expected a string, got " + std::string(v->type_name()));
  }
}

void Reader::get(const Json& obj, const char* key, const std::string& path,
                 std::optional<double>& out) {
  const Json* v = lookup(obj, key);
  if (v == nullptr) return;
  if (auto d = to_number(*v)) {
    out = *d;
  } else {
    error(join_path(path, key), "expected a number, got " + v->dump());
  }
}

void Reader::get(const Json& obj, const char* key, const std::string& path,
                 std::optional<int>& out) {
  const Json* v = lookup(obj, key);
  if (v == nullptr) return;
  auto d = to_number(*v);
  if (d && std::floor(*d) == *d && std::fabs(*d) < 2e9) {
    out = static_cast<int>(*d);
  } else {
    error(join_path(path, key), "expected an integer, got " + v->dump());
  }
}

void Reader::get(const Json& obj, const char* key, const std::string& path,
                 std::optional<bool>& out) {
  const Json* v = lookup(obj, key);
  if (v == nullptr) return;
  if (v->is_boolean()) {
    out = v->get<bool>();
  } else if (v->is_string() &&
             (iequals(v->get<std::string>(), "true") || iequals(v->get<std::string>(), "false"))) {
    out = iequals(v->get<std::string>(), "true");
  } else {
    error(join_path(path, key), "expected true or false, got " + v->dump());
  }
}

void Reader::get(const Json& obj, const char* key, const std::string& path,
                 std::vector<std::string>& out) {
  const Json* v = lookup(obj, key);
  if (v == nullptr) return;
  if (!v->is_array()) {
    error(join_path(path, key), "expected a list of strings, got " + std::string(v->type_name()));
    return;
  }
  out.clear();
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    if (!item.is_string()) {
      error(join_path(path, key) + "[" + std::to_string(i) + "]", "expected a string");
      continue;
    }
    out.push_back(item.get<std::string>());
  }
}

void Reader::get(const Json& obj, const char* key, const std::string& path,
                 std::map<std::string, int>& out) {
  const Json* v = lookup(obj, key);
  if (v == nullptr) return;
  if (!v->is_object()) {
    error(join_path(path, key), "expected a map of integers");
    return;
  }
  for (auto it = v->begin(); it != v->end(); ++it) {
    std::optional<int> n;
    get(*v, it.key().c_str(), join_path(path, key), n);
    if (n) {
      if (*n < 0) error(join_path(join_path(path, key), it.key()), "must not be negative");
      out[it.key()] = *n;
    }
  }
}

void Reader::get_fallbacks(const Json& obj, const char* key, const std::string& path, Json& out,
                           bool strict) {
  const Json* v = lookup(obj, key);
  if (v == nullptr) return;
  std::string p = join_path(path, key);
  if (!v->is_array()) {
    error(p, "expected a list of {model_group: [fallback groups]} maps");
    return;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    std::string ip = p + "[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      if (strict) error(ip, "Item '" + item.dump() + "' is not a dictionary.");
      continue;
    }
    if (strict && item.size() != 1) {
      error(ip, "Dictionary '" + item.dump() + "' must have exactly one key, but has " +
                    std::to_string(item.size()) + " keys.");
    }
    for (auto it = item.begin(); it != item.end(); ++it) {
      if (!it.value().is_array()) error(join_path(ip, it.key()), "expected a list of model groups");
    }
  }
  out = *v;
}

void Reader::warn_unknown(const Json& obj, const std::string& path,
                          const std::set<std::string>& known) {
  if (!obj.is_object()) return;
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!known.contains(it.key())) warn(join_path(path, it.key()), "unknown key (ignored)");
}

}  // namespace litellm::config
