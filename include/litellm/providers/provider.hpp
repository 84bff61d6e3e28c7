// The provider interface: wire-format translation as pure functions, no sockets (STYLE.md).
// Adding a provider is a new folder under src/providers/ and one line in the registry.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "litellm/common/error.hpp"
#include "litellm/common/json_scan.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/config/config.hpp"

namespace litellm::providers {

using Headers = std::vector<std::pair<std::string, std::string>>;

enum class Endpoint { kChat, kCompletion, kEmbedding };

struct ProviderInfo {
  std::string name;            // "openai", "deepseek", ...
  std::string exception_name;  // "OpenAIException": prefix of mapped error messages
  std::string default_api_base;
  std::vector<std::string> base_env;  // environment variables giving the api_base
  std::vector<std::string> key_env;   // environment variables giving the api_key
  bool implemented = true;            // false: accepted in config, requests get a clear 400
  std::string startup_error;          // non-empty: a deployment with this prefix stops startup
};

struct Usage {
  bool present = false;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
};

// Reads the top-level "usage" object of an OpenAI-format response or chunk.
bool read_usage(std::string_view json_text, Usage& usage);

struct CallInput {
  Endpoint endpoint = Endpoint::kChat;
  bool stream = false;
  const std::vector<json::Member>* members = nullptr;  // the client's body, scanned
  const config::Deployment* deployment = nullptr;
  std::string provider_model;  // model name for the upstream (wildcards substituted)
  std::string api_base;        // resolved (config, environment, provider default)
  std::optional<std::string> api_key;
  std::vector<std::string> drop_keys;            // additional_drop_params (global + deployment)
  bool drop_params = false;                      // drop unsupported OpenAI params instead of a 400
  const config::Json* default_params = nullptr;  // router_settings.default_litellm_params
};

struct UpstreamCall {
  std::string url;
  Headers headers;
  std::string body;
};

// Turns upstream stream bytes into OpenAI SSE frames as they arrive.
class StreamTranslator {
 public:
  virtual ~StreamTranslator() = default;
  // Appends complete "data: {...}\n\n" frames to `out`. An Error means the upstream reported a
  // failure inside the stream.
  virtual Status feed(std::string_view bytes, std::string& out) = 0;
  // The upstream body ended: flush what is left.
  virtual Status finish(std::string& out) = 0;
  // True once the upstream signalled a clean end ([DONE] or equivalent).
  bool done() const { return done_; }
  const Usage& usage() const { return usage_; }
  // Translating providers emit a final usage chunk when the client asked for one.
  void set_include_usage(bool on) { include_usage_ = on; }

 protected:
  bool done_ = false;
  bool include_usage_ = false;
  Usage usage_;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const ProviderInfo& info() const = 0;
  virtual Result<UpstreamCall> build(const CallInput& in) const = 0;
  // Upstream success body → OpenAI-format body; fills usage.
  virtual Result<std::string> translate_response(Endpoint endpoint, std::string&& body,
                                                 Usage& usage) const = 0;
  virtual std::unique_ptr<StreamTranslator> stream_translator(Endpoint endpoint) const = 0;
  // Upstream error status and body → LiteLLM's exception type, status and message.
  virtual Error map_error(int status, std::string_view body, const HeaderViews& headers) const;
};

// LiteLLM's mapping from an upstream HTTP error to its exception classes (exception_mapping_utils).
Error map_http_error(const std::string& exception_name, int status, std::string_view body,
                     const HeaderViews& headers);
// LiteLLM's UnsupportedParamsError (400) for params a provider cannot take without drop_params.
Error unsupported_params(const std::string& provider, const std::vector<std::string>& params,
                         const std::string& model);

// Text checks LiteLLM uses to refine a 400.
bool is_context_window_error(std::string_view message);
bool is_content_policy_error(std::string_view message);

}  // namespace litellm::providers
