// Who is calling, for the duration of one request (gateway.cpp, keys.cpp, llm.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "litellm/auth/auth.hpp"
#include "litellm/db/store.hpp"
#include "litellm/handlers/gateway.hpp"

namespace litellm::handlers {

struct Gateway::Caller {
  auth::Identity who;
  db::KeyPtr key;  // a virtual key, when one was used
  // Rate-limit counters this request holds (released when it ends) and feeds (tokens).
  std::vector<std::string> parallel_ids;
  std::vector<std::string> token_ids;
  int64_t minute = 0;
  ~Caller() = default;
};

}  // namespace litellm::handlers
