// One LLM request through the router: attempts, retries and fallbacks, until a deployment has
// produced a complete answer (or, for streams, its first chunk) or every option failed.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "litellm/common/json_scan.hpp"
#include "litellm/config/config.hpp"
#include "litellm/handlers/exchange.hpp"
#include "litellm/net/client.hpp"
#include "litellm/providers/provider.hpp"
#include "litellm/router/router.hpp"
#include "observe.hpp"

namespace litellm::handlers {

struct CallContext {
  const HttpRequest* req = nullptr;
  providers::Endpoint endpoint = providers::Endpoint::kChat;
  std::vector<json::Member> members;
  bool stream = false;
  bool include_usage = false;
  std::string requested_model;
  std::optional<config::Json> request_mock;
  std::optional<int> request_num_retries;      // x-litellm-num-retries, else body num_retries
  std::vector<std::string> request_fallbacks;  // body `fallbacks: ["group", ...]`
  bool disable_fallbacks = false;
  bool track =
      true;  // false for health checks: no cooldowns or usage from them (as LiteLLM's /health)
  std::chrono::steady_clock::time_point deadline;  // the whole sequence, retries included
  // What happened, for the x-litellm-* headers.
  int attempted_retries = 0;
  int max_retries = 0;
  int attempted_fallbacks = 0;
  const router::RoutedDeployment* last_deployment = nullptr;  // the last one tried
  double last_attempt_seconds = -1;                           // the provider call that answered
  Observers obs;  // metrics and alerts per attempt, cooldown, fallback
};

// A successful attempt, ready to be sent.
struct Outcome {
  const router::RoutedDeployment* deployment = nullptr;
  std::string model_group;
  HeaderBlock upstream_headers;  // llm_provider-* and x-ratelimit-*
  std::vector<std::pair<std::string, std::string>> ratelimit_headers;  // from the group's rpm/tpm
  std::string body;        // complete response (non-streaming)
  providers::Usage usage;  // non-streaming; streams read the translator's
  bool streaming = false;
  std::vector<std::string> mock_frames;
  std::unique_ptr<net::Exchange> exchange;
  std::unique_ptr<providers::StreamTranslator> translator;
  std::string frames;  // translated frames read so far
  bool upstream_ended = false;
  std::optional<Error> stream_error;  // the upstream failed after `frames`
};

class LlmCall {
 public:
  LlmCall(const config::Config& cfg, router::Router& router, net::Client& client,
          size_t max_response, CallContext& ctx)
      : cfg_(cfg), router_(router), client_(client), max_response_(max_response), ctx_(ctx) {}
  // The answer in `out` (filled in place: an Outcome is large, and moving it through every
  // layer cost more than the layers themselves).
  boost::asio::awaitable<Status> run(Outcome& out);
  // The answering attempt's metrics and slow-response check, called by the gateway once the
  // answer (or a stream's head) is out, like LiteLLM's success callbacks: `o` is what run()
  // filled. Failed attempts are reported as they fail.
  static void observe_answer(const CallContext& ctx, const Outcome& o);

 private:
  // `model` is the name this group was asked for (the request's, or a fallback's).
  boost::asio::awaitable<Status> with_fallbacks(const std::string& model, Outcome& out);
  // The deployment for the next attempt: a healthy one this request has not tried while there is
  // one, else any healthy one; the router's 429 when none is healthy.
  Result<const router::Candidate*> next_candidate(
      const router::Selection& sel, const std::string& model,
      const std::vector<const router::RoutedDeployment*>& failed);
  // After a failed attempt: how long to wait before the next one (LiteLLM's retry policy and
  // backoff), or nullopt when `err` is final. The first failure fixes `num_retries`.
  std::optional<std::chrono::steady_clock::duration> retry_wait(const router::Selection& sel,
                                                                const std::string& model,
                                                                const router::Candidate& cand,
                                                                const Error& err, int attempt_no,
                                                                int& num_retries);
  boost::asio::awaitable<Status> attempt(const router::Candidate& c, const std::string& group,
                                         Outcome& out);
  Result<Outcome> mock_outcome(const router::Candidate& c, const config::Json& mock);
  bool blocked_by_content_filter(const Outcome& o, const std::string& group) const;
  void observe_failure(const router::RoutedDeployment& dep, const std::string& group,
                       const Error& e, bool benched, double seconds);

  const config::Config& cfg_;
  router::Router& router_;
  net::Client& client_;
  size_t max_response_;
  CallContext& ctx_;
  int fallback_depth_ = 0;
};

// "\nReceived Model Group=<g>\nAvailable Model Group Fallbacks=<list|None>", as LiteLLM annotates.
Error annotate(Error e, const std::string& group, const std::vector<std::string>& fallbacks);

}  // namespace litellm::handlers
