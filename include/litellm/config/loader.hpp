// Reading config.yaml: include, os.environ/ references, validation with YAML paths.
#pragma once

#include <string>
#include <vector>

#include "litellm/config/config.hpp"

namespace litellm::config {

struct LoadResult {
  ConfigPtr config;                   // null when errors is not empty
  std::vector<std::string> errors;    // every error, each naming its YAML path
  std::vector<std::string> warnings;  // unknown keys and skipped deployments
};

// Loads and validates the file at `path` (empty path: LiteLLM's empty default config).
// Applies `environment_variables` to this process's environment, as LiteLLM does.
LoadResult load_file(const std::string& path);

// Same, from YAML text (tests). `base_dir` resolves `include` entries.
LoadResult load_text(const std::string& yaml, const std::string& base_dir);

// Parses model_list entries (LiteLLM's shape) outside a file: deployments stored in the
// database. Errors name `source` ("LiteLLM_ProxyModelTable[<id>]") instead of a YAML path.
std::vector<Deployment> parse_deployments(const Json& model_list, std::vector<std::string>& errors,
                                          std::vector<std::string>& warnings);

// Converts YAML text to JSON with PyYAML safe_load scalar typing (exposed for tests).
Json yaml_to_json(const std::string& yaml_text);

// Replaces os.environ/NAME strings in maps (and maps inside lists) as LiteLLM does.
void resolve_os_environ(Json& node, int depth = 0);

// LiteLLM's deployment id: sha256 of the group name and litellm_params in order.
std::string deployment_id(const std::string& model_name, const Json& litellm_params);

// Reads KEY=VALUE lines from a .env file into the environment without overriding set
// variables (python-dotenv semantics). Returns false if the file cannot be read.
bool load_dotenv(const std::string& path);

}  // namespace litellm::config
