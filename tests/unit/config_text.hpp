// A config from YAML text for unit tests (relative includes resolve against ".").
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "litellm/config/loader.hpp"

namespace litellm::test {

inline config::ConfigPtr config_from(const std::string& yaml) {
  auto r = config::load_text(yaml, ".");
  EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors.front());
  return r.config;
}

}  // namespace litellm::test
