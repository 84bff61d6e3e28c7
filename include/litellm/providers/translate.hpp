// Small helpers shared by the translating providers (ollama_chat, gemini, anthropic, mock).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "litellm/common/error.hpp"

namespace litellm::providers {

// Seconds since the epoch, for `created`.
int64_t unix_now();

// "litellm.BadRequestError: <ExceptionName> - <what>" (400).
Error bad_request(std::string_view exception_name, const std::string& what);

// A `data:<mime>;base64,<data>` URL split in two; nullopt for anything else.
struct DataUrl {
  std::string mime;
  std::string data;
};
std::optional<DataUrl> parse_data_url(std::string_view url);

// One OpenAI `chat.completion.chunk` SSE frame with a single choice.
std::string chunk_frame(const std::string& id, int64_t created, const std::string& model,
                        const nlohmann::ordered_json& delta,
                        const nlohmann::ordered_json& finish_reason);
// The final usage-only chunk (`choices: []`) sent for stream_options.include_usage.
std::string usage_frame(const std::string& id, int64_t created, const std::string& model,
                        const nlohmann::ordered_json& usage);

}  // namespace litellm::providers
