// config.yaml → Config, in LiteLLM's load order: include, os.environ/, environment_variables,
// then each section. Every error is collected (with its YAML path) before failing.
#include "litellm/config/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "litellm/common/strings.hpp"
#include "reader.hpp"
#include "sections.hpp"

namespace litellm::config {
namespace {

namespace fs = std::filesystem;

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// LiteLLM's _process_includes: lists extend, everything else overwrites; the include list is a
// flat queue (entries added by included files are processed too), paths relative to base_dir.
bool process_includes(Json& root, const fs::path& base_dir, std::vector<std::string>& errors) {
  if (!root.contains("include")) return true;
  if (!root["include"].is_array()) {
    errors.push_back("include: 'include' must be a list of file paths");
    return false;
  }
  for (size_t i = 0; i < root["include"].size() && i < 1000; ++i) {
    const Json entry = root["include"][i];
    std::string path = "include[" + std::to_string(i) + "]";
    if (!entry.is_string()) {
      errors.push_back(path + ": expected a file path");
      continue;
    }
    fs::path file = base_dir / entry.get<std::string>();
    std::string text;
    if (!read_file(file, text)) {
      errors.push_back(path + ": Included file not found: " + file.string());
      continue;
    }
    Json inc;
    try {
      inc = yaml_to_json(text);
    } catch (const YAML::Exception& e) {
      errors.push_back(path + ": invalid YAML in " + file.string() + ": " + e.what());
      continue;
    }
    if (inc.is_null()) continue;
    if (!inc.is_object()) {
      errors.push_back(path + ": " + file.string() + " must contain a map");
      continue;
    }
    for (auto it = inc.begin(); it != inc.end(); ++it) {
      if (it.value().is_array() && root.contains(it.key()) && root[it.key()].is_array()) {
        for (const auto& v : it.value()) root[it.key()].push_back(v);
      } else if (it.key() != "include") {
        root[it.key()] = it.value();
      }
    }
  }
  root.erase("include");
  return true;
}

void apply_environment_variables(const Json& root, Config& cfg, Reader& r) {
  auto it = root.find("environment_variables");
  if (it == root.end() || it->is_null()) return;
  if (!it->is_object()) {
    r.error("environment_variables", "expected a map of NAME: value");
    return;
  }
  for (auto kv = it->begin(); kv != it->end(); ++kv) {
    const Json& v = kv.value();
    if (v.is_null()) continue;  // os.environ/ reference that resolved to nothing
    std::string s;
    if (v.is_string()) {
      s = v.get<std::string>();
    } else if (v.is_boolean()) {
      s = v.get<bool>() ? "True" : "False";  // Python str()
    } else if (v.is_number_float()) {
      s = python_float(v.get<double>());
    } else {
      s = v.dump();
    }
    setenv(kv.key().c_str(), s.c_str(), 1);
    cfg.environment_variables[kv.key()] = s;
  }
}

LoadResult load_tree(Json root, const fs::path& base_dir, const std::string& path) {
  LoadResult result;
  Reader r(result.errors, result.warnings);
  auto cfg = std::make_shared<Config>();
  cfg->path = path;
  if (root.is_null()) {
    result.errors.push_back("Config cannot be None or Empty.");
    return result;
  }
  if (!root.is_object()) {
    result.errors.push_back("<root>: the config must be a map of sections");
    return result;
  }
  process_includes(root, base_dir, result.errors);
  resolve_os_environ(root);
  apply_environment_variables(root, *cfg, r);
  static const std::set<std::string> kTopLevel = {"model_list",
                                                  "litellm_settings",
                                                  "router_settings",
                                                  "general_settings",
                                                  "environment_variables",
                                                  "callback_settings",
                                                  "guardrails",
                                                  "policies",
                                                  "policy_attachments",
                                                  "prompts",
                                                  "credential_list",
                                                  "mcp_servers",
                                                  "mcp_tools",
                                                  "agent_list",
                                                  "vector_store_registry",
                                                  "search_tools",
                                                  "assistant_settings",
                                                  "finetune_settings",
                                                  "files_settings",
                                                  "default_vertex_config"};
  r.warn_unknown(root, "", kTopLevel);

  parse_litellm_settings(root.value("litellm_settings", Json::object()), cfg->litellm_settings, r);
  parse_router_settings(root.value("router_settings", Json::object()), cfg->router_settings, r);
  parse_general_settings(root.value("general_settings", Json::object()), cfg->general_settings, r);
  parse_model_list(root.value("model_list", Json::array()), cfg->model_list, r);

  cfg->raw = std::move(root);
  if (result.errors.empty()) result.config = std::move(cfg);
  return result;
}

}  // namespace

LoadResult load_text(const std::string& yaml, const std::string& base_dir) {
  Json root;
  try {
    root = yaml_to_json(yaml);
  } catch (const YAML::Exception& e) {
    LoadResult r;
    r.errors.push_back(std::string("invalid YAML: ") + e.what());
    return r;
  }
  return load_tree(std::move(root), base_dir, "");
}

LoadResult load_file(const std::string& path) {
  if (path.empty()) {
    // LiteLLM's default when no config is given.
    return load_tree(Json{{"model_list", Json::array()}}, fs::current_path(), "");
  }
  std::string text;
  if (!read_file(path, text)) {
    LoadResult r;
    r.errors.push_back("Config file not found: " + path);
    return r;
  }
  Json root;
  try {
    root = yaml_to_json(text);
  } catch (const YAML::Exception& e) {
    LoadResult r;
    r.errors.push_back(path + ": invalid YAML: " + e.what());
    return r;
  }
  fs::path base = fs::path(path).parent_path();
  if (base.empty()) base = ".";
  return load_tree(std::move(root), base, path);
}

std::vector<Deployment> parse_deployments(const Json& model_list, std::vector<std::string>& errors,
                                          std::vector<std::string>& warnings) {
  Reader r(errors, warnings);
  std::vector<Deployment> out;
  parse_model_list(model_list, out, r);
  return out;
}

}  // namespace litellm::config
