// LiteLLM's mock_response: answers without calling an upstream (the offline example config).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "litellm/common/error.hpp"
#include "litellm/config/config.hpp"

namespace litellm::providers::mock {

// "litellm.RateLimitError" (any LiteLLM exception class) or "Exception: text" → that error.
std::optional<Error> error_for(const config::Json& mock_response);
std::string text_of(const config::Json& mock_response);

std::string chat_completion(std::string_view model, std::string_view content);
// SSE frames (without [DONE]), one per word, plus a usage chunk when asked.
std::vector<std::string> chat_stream(std::string_view model, std::string_view content,
                                     bool include_usage);
std::string text_completion(std::string_view model, std::string_view content);
std::string embedding(std::string_view model, size_t inputs);

}  // namespace litellm::providers::mock
