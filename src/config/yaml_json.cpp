// YAML → JSON with PyYAML safe_load typing, so a value means here what it means in LiteLLM.
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <regex>

#include "litellm/config/loader.hpp"

namespace litellm::config {
namespace {

bool is_null(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> yaml11_bool(const std::string& s) {
  static const char* kTrue[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* kFalse[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (const char* t : kTrue)
    if (s == t) return true;
  for (const char* f : kFalse)
    if (s == f) return false;
  return std::nullopt;
}

Json scalar(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  const std::string& tag = node.Tag();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return Json(s);  // quoted or !!str
  if (is_null(s)) return Json(nullptr);
  if (auto b = yaml11_bool(s)) return Json(*b);
  static const std::regex kInt(R"([-+]?(0|[1-9][0-9_]*))");
  static const std::regex kHex(R"(0x[0-9a-fA-F_]+)");
  static const std::regex kFloat(R"([-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?)");
  std::string digits;
  for (char c : s)
    if (c != '_') digits.push_back(c);
  if (std::regex_match(s, kInt)) {
    errno = 0;
    long long v = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == 0) return Json(v);
    return Json(std::strtod(digits.c_str(), nullptr));
  }
  if (std::regex_match(s, kHex)) return Json(std::strtoll(digits.c_str(), nullptr, 16));
  if (std::regex_match(s, kFloat) && s != "." && s != "-." && s != "+.")
    return Json(std::strtod(digits.c_str(), nullptr));
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") return Json(1e308 * 10);
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return Json(-1e308 * 10);
  return Json(s);
}

Json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Json(nullptr);
    case YAML::NodeType::Scalar:
      return scalar(node);
    case YAML::NodeType::Sequence: {
      Json arr = Json::array();
      for (const auto& item : node) arr.push_back(convert(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      Json obj = Json::object();
      for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
        obj[key] = convert(kv.second);
      }
      return obj;
    }
  }
  return Json(nullptr);
}

}  // namespace

Json yaml_to_json(const std::string& yaml_text) { return convert(YAML::Load(yaml_text)); }

}  // namespace litellm::config
