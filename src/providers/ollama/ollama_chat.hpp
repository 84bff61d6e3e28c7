// Ollama's native chat API (/api/chat): local daemons and Ollama Cloud (https://ollama.com).
#pragma once

#include "litellm/providers/provider.hpp"

namespace litellm::providers::ollama {

// `ollama_chat/` speaks /api/chat; `ollama/` (generate = true) speaks /api/generate with the
// messages flattened into one prompt, as LiteLLM's ollama_pt does. Responses and streams share one
// translator.
class OllamaChat final : public Provider {
 public:
  explicit OllamaChat(bool generate = false);
  const ProviderInfo& info() const override { return info_; }
  Result<UpstreamCall> build(const CallInput& in) const override;
  Result<std::string> translate_response(Endpoint endpoint, std::string&& body,
                                         Usage& usage) const override;
  std::unique_ptr<StreamTranslator> stream_translator(Endpoint endpoint) const override;

 private:
  ProviderInfo info_;
  bool generate_;
};

// OpenAI request body (members) → Ollama /api/chat body; exposed for golden tests.
Result<std::string> chat_request(const CallInput& in);
// The /api/generate body: chat_request's messages flattened into "### User:/### Assistant:"
// prompts.
Result<std::string> generate_request(const CallInput& in);
// Ollama finish → OpenAI finish_reason (a real mapping, not LiteLLM's always-"stop").
std::string finish_reason(std::string_view done_reason, bool had_tool_calls);

}  // namespace litellm::providers::ollama
