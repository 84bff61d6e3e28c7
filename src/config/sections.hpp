// One parse function per config section (STYLE.md: config parsed once into plain structs).
#pragma once

#include "litellm/config/config.hpp"
#include "reader.hpp"

namespace litellm::config {

void parse_litellm_settings(const Json& node, LitellmSettings& out, Reader& r);
void parse_router_settings(const Json& node, RouterSettings& out, Reader& r);
void parse_general_settings(const Json& node, GeneralSettings& out, Reader& r);
void parse_model_list(const Json& node, std::vector<Deployment>& out, Reader& r);

}  // namespace litellm::config
