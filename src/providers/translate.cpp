// Helpers shared by the translating providers.
#include "litellm/providers/translate.hpp"

#include <chrono>

#include "litellm/common/sse.hpp"

namespace litellm::providers {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error bad_request(std::string_view exception_name, const std::string& what) {
  return Error::make(ErrorKind::kBadRequest, 400,
                     "litellm.BadRequestError: " + std::string(exception_name) + " - " + what);
}

std::optional<DataUrl> parse_data_url(std::string_view url) {
  if (!url.starts_with("data:")) return std::nullopt;
  auto semi = url.find(';');
  auto comma = url.find("base64,");
  if (semi == std::string_view::npos || comma == std::string_view::npos || semi > comma)
    return std::nullopt;
  return DataUrl{std::string(url.substr(5, semi - 5)), std::string(url.substr(comma + 7))};
}

std::string chunk_frame(const std::string& id, int64_t created, const std::string& model,
                        const nlohmann::ordered_json& delta,
                        const nlohmann::ordered_json& finish_reason) {
  nlohmann::ordered_json c = {
      {"id", id},
      {"object", "chat.completion.chunk"},
      {"created", created},
      {"model", model},
      {"choices", nlohmann::ordered_json::array({nlohmann::ordered_json{
                      {"index", 0}, {"delta", delta}, {"finish_reason", finish_reason}}})}};
  return sse::frame(c.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string usage_frame(const std::string& id, int64_t created, const std::string& model,
                        const nlohmann::ordered_json& usage) {
  nlohmann::ordered_json c = {
      {"id", id},       {"object", "chat.completion.chunk"},          {"created", created},
      {"model", model}, {"choices", nlohmann::ordered_json::array()}, {"usage", usage}};
  return sse::frame(c.dump());
}

}  // namespace litellm::providers
