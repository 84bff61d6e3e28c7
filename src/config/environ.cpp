// os.environ/NAME references, .env files and LiteLLM's deployment ids.
#include <fstream>

#include "litellm/common/crypto.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/config/loader.hpp"

namespace litellm::config {
namespace {

constexpr std::string_view kPrefix = "os.environ/";
constexpr int kMaxRecurseDepth = 100;  // DEFAULT_MAX_RECURSE_DEPTH

Json resolve_value(const std::string& s) {
  auto name = s.substr(kPrefix.size());
  auto v = env(name.c_str());
  if (!v) return Json(nullptr);
  auto t = trim(*v);
  if (iequals(t, "true")) return Json(true);
  if (iequals(t, "false")) return Json(false);
  return Json(*v);
}

// Python's json.dumps defaults: ", " and ": " separators, ASCII only.
std::string python_json_dumps(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        out += Json(it.key()).dump(-1, ' ', true) + ": " + python_json_dumps(it.value());
      }
      return out + "}";
    }
    case Json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + python_json_dumps(v[i]);
      return out + "]";
    }
    case Json::value_t::number_float:
      return python_float(v.get<double>());
    default:
      return v.dump(-1, ' ', true);
  }
}

// Python's str() of a value (repr inside containers).
std::string python_str(const Json& v, bool nested) {
  switch (v.type()) {
    case Json::value_t::string:
      return nested ? "'" + v.get<std::string>() + "'" : v.get<std::string>();
    case Json::value_t::boolean:
      return v.get<bool>() ? "True" : "False";
    case Json::value_t::null:
      return "None";
    case Json::value_t::number_float:
      return python_float(v.get<double>());
    case Json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + python_str(v[i], true);
      return out + "]";
    }
    case Json::value_t::object:
      return python_json_dumps(v);
    default:
      return v.dump();
  }
}

}  // namespace

void resolve_os_environ(Json& node, int depth) {
  if (depth > kMaxRecurseDepth) return;
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      auto& v = it.value();
      if (v.is_string() && v.get_ref<const std::string&>().starts_with(kPrefix)) {
        v = resolve_value(v.get<std::string>());
      } else if (v.is_object() || v.is_array()) {
        resolve_os_environ(v, depth + 1);
      }
    }
  } else if (node.is_array()) {
    // LiteLLM recurses into dicts inside lists but leaves plain strings in lists alone.
    for (auto& item : node)
      if (item.is_object() || item.is_array()) resolve_os_environ(item, depth + 1);
  }
}

std::string deployment_id(const std::string& model_name, const Json& litellm_params) {
  std::string concat = model_name;
  for (auto it = litellm_params.begin(); it != litellm_params.end(); ++it) {
    concat += it.key();
    const Json& v = it.value();
    concat += v.is_object() ? python_json_dumps(v) : python_str(v, false);
  }
  return sha256_hex(concat);
}

bool load_dotenv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    auto t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    if (t.starts_with("export ")) t = trim(t.substr(7));
    auto eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(trim(t.substr(0, eq)));
    std::string_view val = trim(t.substr(eq + 1));
    if (val.size() >= 2 && (val.front() == '"' || val.front() == '\'') &&
        val.back() == val.front()) {
      val = val.substr(1, val.size() - 2);
    } else if (auto hash = val.find(" #"); hash != std::string_view::npos) {
      val = trim(val.substr(0, hash));
    }
    setenv(key.c_str(), std::string(val).c_str(), /*overwrite=*/0);
  }
  return true;
}

}  // namespace litellm::config
