// Attempts, retries (immediate or with backoff) and fallbacks, in LiteLLM's order (§5–6).
#include "llm_call.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "litellm/common/strings.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/providers/mock.hpp"
#include "timeouts.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using providers::Endpoint;

namespace {

bool is_hop_header(std::string_view k) {
  switch (k.size()) {  // one comparison at most
    case 10:
      return iequals(k, "connection") || iequals(k, "keep-alive");
    case 12:
      return iequals(k, "content-type");
    case 14:
      return iequals(k, "content-length");
    case 16:
      return iequals(k, "content-encoding");
    case 17:
      return iequals(k, "transfer-encoding");
    default:
      return false;
  }
}

size_t count_inputs(const std::vector<json::Member>& members) {
  const json::Member* in = json::find(members, "input");
  if (in == nullptr || in->value.empty() || in->value.front() != '[') return 1;
  size_t depth = 0, n = 0;
  bool in_str = false, any = false;
  for (size_t i = 1; i + 1 < in->value.size(); ++i) {
    char c = in->value[i];
    if (in_str) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_str = false;
      continue;
    }
    if (c == '"')
      in_str = true, any = true;
    else if (c == '[' || c == '{')
      ++depth, any = true;
    else if (c == ']' || c == '}')
      --depth;
    else if (c == ',' && depth == 0)
      ++n;
    else if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
      any = true;
  }
  return any ? n + 1 : 0;
}

double jitter_unit() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

Error annotate(Error e, const std::string& group, const std::vector<std::string>& fallbacks) {
  if (e.kind == ErrorKind::kProxyBadRequest || e.kind == ErrorKind::kProxyAuth ||
      e.kind == ErrorKind::kNoDeployments)
    return e;
  std::string list = "None";
  if (!fallbacks.empty()) {
    list = "[";
    for (size_t i = 0; i < fallbacks.size(); ++i) list += (i ? ", '" : "'") + fallbacks[i] + "'";
    list += "]";
  }
  e.message += "\nReceived Model Group=" + group + "\nAvailable Model Group Fallbacks=" + list;
  return e;
}

bool LlmCall::blocked_by_content_filter(const Outcome& o, const std::string& group) const {
  if (o.streaming || ctx_.endpoint != Endpoint::kChat || !router_.content_filter_falls_back(group))
    return false;
  std::string_view body = o.body;
  for (std::string_view needle :
       {"\"finish_reason\":\"content_filter\"", "\"finish_reason\": \"content_filter\""})
    if (body.find(needle) != std::string_view::npos) return true;
  return false;
}

// Not a coroutine itself: one frame fewer per request.
asio::awaitable<Status> LlmCall::run(Outcome& out) {
  return with_fallbacks(ctx_.requested_model, out);
}

asio::awaitable<Status> LlmCall::with_fallbacks(const std::string& model, Outcome& out) {
  auto sel = router_.resolve(model);
  if (!sel) co_return sel.error();
  // The group's attempts and retries run in this frame: a coroutine of their own would cost a
  // frame and a resumption per request.
  Status result = Ok{};
  int num_retries = 0;
  std::optional<Error> last;
  std::vector<const router::RoutedDeployment*> failed;  // in this request
  for (int attempt_no = 0;; ++attempt_no) {
    auto cand = next_candidate(*sel, model, failed);
    if (!cand) {
      result = last ? std::move(*last) : std::move(cand.error());
      break;
    }
    if (attempt_no > 0) out = Outcome{};  // nothing of a failed attempt reaches the answer
    auto st = co_await attempt(**cand, sel->model_group, out);
    if (st) {
      ctx_.attempted_retries = attempt_no;
      out.ratelimit_headers = router_.ratelimit_headers(*sel);
      break;
    }
    Error err = std::move(st.error());
    failed.push_back((*cand)->deployment);
    auto wait = retry_wait(*sel, model, **cand, err, attempt_no, num_retries);
    if (!wait) {
      result = std::move(err);
      break;
    }
    if (*wait > Clock::duration::zero()) {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      timer.expires_after(*wait);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    last = std::move(err);
  }
  if (result && blocked_by_content_filter(out, sel->model_group)) {
    observe_answer(ctx_, out);  // the deployment answered; the answer is what fails
    result = Error::make(ErrorKind::kContentPolicyViolation, 400,
                         "litellm.ContentPolicyViolationError: Response output was blocked.");
  }
  if (result) co_return result;
  Error original = std::move(result.error());
  std::vector<std::string> groups = ctx_.request_fallbacks.empty()
                                        ? router_.fallbacks_for(original, sel->model_group)
                                        : ctx_.request_fallbacks;
  if (ctx_.disable_fallbacks || groups.empty() ||
      fallback_depth_ >= router_.options().max_fallbacks)
    co_return annotate(std::move(original), sel->model_group, groups);
  std::string last_failure;
  const std::string original_class = exception_class(original, ctx_.last_deployment);
  for (const auto& g : groups) {
    if (g == model || g == sel->model_group) continue;
    ++fallback_depth_;
    ctx_.attempted_fallbacks = fallback_depth_;
    ROUTER_LOG_INFO("falling back from {} to {} after {}", sel->model_group, g,
                    error_kind_name(original.kind));
    out = Outcome{};
    auto fb = co_await with_fallbacks(g, out);
    if (ctx_.obs.metrics && ctx_.obs.labels)
      ctx_.obs.metrics->fallback(*ctx_.obs.labels, g, static_cast<bool>(fb), original.status,
                                 original_class);
    if (fb) co_return fb;
    last_failure = fb.error().message;
  }
  Error e = annotate(std::move(original), sel->model_group, groups);
  if (!last_failure.empty()) e.message += "\nError doing the fallback: " + last_failure;
  co_return e;
}

Result<const router::Candidate*> LlmCall::next_candidate(
    const router::Selection& sel, const std::string& model,
    const std::vector<const router::RoutedDeployment*>& failed) {
  auto healthy = router_.healthy(sel, model);
  if (!healthy) return healthy.error();
  // A retry goes to a deployment this request has not tried yet, while one is left (LiteLLM
  // may re-draw the one that just failed).
  std::vector<const router::Candidate*> untried;
  for (const auto* c : *healthy)
    if (std::find(failed.begin(), failed.end(), c->deployment) == failed.end())
      untried.push_back(c);
  const auto& pool = untried.empty() ? *healthy : untried;
  return pool[router_.pick(pool)];
}

std::optional<Clock::duration> LlmCall::retry_wait(const router::Selection& sel,
                                                   const std::string& model,
                                                   const router::Candidate& cand, const Error& err,
                                                   int attempt_no, int& num_retries) {
  auto now_healthy = router_.healthy(sel, model);
  const size_t healthy_count = now_healthy ? now_healthy->size() : 0;
  bool policy_named = false;
  if (attempt_no == 0) {
    num_retries =
        router_.num_retries(err, ctx_.request_num_retries, *cand.deployment, &policy_named);
    ctx_.max_retries = num_retries;
  } else {
    router_.num_retries(err, ctx_.request_num_retries, *cand.deployment, &policy_named);
  }
  router::RetryFacts facts;
  facts.healthy = healthy_count;
  facts.total = sel.candidates.size();
  facts.has_context_window_fallbacks = router_.has_context_window_fallbacks();
  facts.has_content_policy_fallbacks = router_.has_content_policy_fallbacks();
  facts.has_fallbacks = router_.has_fallbacks() || !ctx_.request_fallbacks.empty();
  facts.policy_names_error = policy_named;
  ctx_.attempted_retries = attempt_no;
  if (attempt_no >= num_retries || !router::should_retry(err, facts)) return std::nullopt;
  double wait =
      router::backoff_seconds(err, num_retries, num_retries - attempt_no, healthy_count,
                              sel.candidates.size(), router_.options().retry_after, jitter_unit());
  const auto delay =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
  // The client's deadline bounds retries too.
  if (Clock::now() + delay >= ctx_.deadline) return std::nullopt;
  return delay;
}

Result<Outcome> LlmCall::mock_outcome(const router::Candidate& c, const config::Json& mock) {
  if (auto err = providers::mock::error_for(mock)) return *err;
  Outcome o;
  const std::string text = providers::mock::text_of(mock);
  const std::string& pm = c.provider_model;
  if (ctx_.stream) {
    o.streaming = true;
    o.mock_frames = providers::mock::chat_stream(pm, text, ctx_.include_usage);
  } else {
    o.body = ctx_.endpoint == Endpoint::kEmbedding
                 ? providers::mock::embedding(pm, count_inputs(ctx_.members))
             : ctx_.endpoint == Endpoint::kCompletion ? providers::mock::text_completion(pm, text)
                                                      : providers::mock::chat_completion(pm, text);
    providers::read_usage(o.body, o.usage);
  }
  return o;
}

void LlmCall::observe_failure(const router::RoutedDeployment& dep, const std::string& group,
                              const Error& e, bool benched, double seconds) {
  const auto& obs = ctx_.obs;
  const std::string cls = exception_class(e, &dep);
  if (obs.metrics && obs.labels)
    obs.metrics->attempt(*obs.labels, deployment_labels(dep, group), e.status, cls, seconds, 0);
  if (obs.alerter) obs.alerter->deployment_failure(alert_deployment(dep), e.status);
  if (!benched) return;
  if (obs.metrics) obs.metrics->cooled_down(deployment_labels(dep, group), e.status);
  if (obs.alerter) {
    auto rec = router_.state().cooldown(dep.config->info.id, unix_time());
    obs.alerter->cooldown(alert_deployment(dep),
                          rec ? rec->cooldown_time : router_.options().cooldown_time, e.status);
  }
}

void LlmCall::observe_answer(const CallContext& ctx, const Outcome& o) {
  if (!ctx.track || o.deployment == nullptr) return;
  const auto& obs = ctx.obs;
  const auto& dep = *o.deployment;
  if (obs.metrics && obs.labels)
    obs.metrics->attempt(*obs.labels, deployment_labels(dep, o.model_group), 200, {},
                         ctx.last_attempt_seconds, o.usage.completion_tokens);
  if (obs.alerter && o.usage.completion_tokens > 0)
    obs.alerter->deployment_success(alert_deployment(dep),
                                    ctx.last_attempt_seconds / o.usage.completion_tokens);
}

asio::awaitable<Status> LlmCall::attempt(const router::Candidate& cand, const std::string& group,
                                         Outcome& o) {
  const auto& dep = *cand.deployment;
  ctx_.last_deployment = &dep;
  if (ctx_.track) router_.on_start(dep);
  const auto attempt_started = Clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(Clock::now() - attempt_started).count();
  };
  auto fail = [&](Error e) -> Error {
    const bool benched = ctx_.track && router_.on_failure(dep, e);
    if (benched) LOG_DEBUG("deployment {} cooling down", dep.config->info.id);
    if (ctx_.track) observe_failure(dep, group, e, benched, seconds());
    return e;
  };
  auto succeed = [&](int64_t tokens) {
    if (!ctx_.track) return;
    router_.on_success(dep, tokens);
    ctx_.last_attempt_seconds = seconds();  // its metrics: observe_answer, after the send
  };
  const std::optional<config::Json>& mock =
      ctx_.request_mock ? ctx_.request_mock : dep.config->params.mock_response;
  if (mock) {
    auto m = mock_outcome(cand, *mock);
    if (!m) co_return fail(std::move(m.error()));
    o = std::move(*m);
    o.deployment = &dep;
    o.model_group = group;
    succeed(30);
    co_return Ok{};
  }

  providers::CallInput in;
  in.endpoint = ctx_.endpoint;
  in.stream = ctx_.stream;
  in.members = &ctx_.members;
  in.deployment = dep.config;
  in.provider_model = cand.provider_model;
  in.api_base = dep.api_base;
  in.api_key = dep.api_key;
  in.drop_keys = dep.drop_keys;
  in.drop_params = dep.config->params.drop_params.value_or(cfg_.litellm_settings.drop_params);
  if (const auto* dp = json::find(ctx_.members, "drop_params"))
    in.drop_params = json::as_bool(dp->value).value_or(in.drop_params);
  in.default_params = &cfg_.router_settings.default_litellm_params;
  auto call = dep.provider->build(in);
  if (!call) co_return fail(std::move(call.error()));
  auto url = client_.url(call->url);
  if (!url) co_return fail(std::move(url.error()));

  const auto t = compute_timeouts(cfg_, *dep.config, ctx_.members, ctx_.req->headers, ctx_.stream);
  net::Deadline deadline;
  deadline.total =
      std::min(Clock::now() + t.total, ctx_.stream ? Clock::time_point::max() : ctx_.deadline);
  deadline.idle = t.idle;
  deadline.connect = std::min(t.idle, std::chrono::milliseconds(10000));
  const auto first_byte_deadline = std::min(Clock::now() + t.idle, ctx_.deadline);

  net::Request upstream_req;
  upstream_req.url = std::move(*url);
  upstream_req.headers = std::move(call->headers);
  upstream_req.body = std::move(call->body);
  auto ex = client_.exchange();
  LOG_DEBUG("POST {} model={} deployment={}", call->url, cand.provider_model, dep.config->info.id);
  auto first = deadline;
  first.total = ctx_.stream ? first_byte_deadline : deadline.total;
  if (auto st = co_await ex->start(upstream_req, first); !st) {
    Error e = std::move(st.error());
    e.message =
        (e.kind == ErrorKind::kTimeout
             ? "litellm.Timeout: "
             : "litellm.APIConnectionError: " + dep.provider->info().exception_name + " - ") +
        e.message;
    LOG_WARN("upstream {} failed: {}", dep.config->info.id, e.message);
    co_return fail(std::move(e));
  }
  o.deployment = &dep;
  o.model_group = group;
  for (const auto& [k, v] : ex->headers()) {
    if (is_hop_header(k)) continue;
    o.upstream_headers.add_prefixed_lower("llm_provider-", k, v);
    if (istarts_with(k, "x-ratelimit-")) o.upstream_headers.add_prefixed_lower("", k, v);
  }
  if (ex->status() >= 400) {
    auto body = co_await ex->read_all(1u << 20);
    Error e = dep.provider->map_error(
        ex->status(), body ? std::string_view(*body) : std::string_view{}, ex->headers());
    LOG_INFO("upstream {} returned {}: {}", dep.config->info.id, ex->status(), e.message);
    co_return fail(std::move(e));
  }
  if (!ctx_.stream) {
    auto body = ex->take_body(max_response_);  // usually here with the head
    if (!body) body = co_await ex->read_all(max_response_);
    if (!*body) co_return fail(std::move(body->error()));
    providers::Usage usage;
    auto translated = dep.provider->translate_response(ctx_.endpoint, std::move(**body), usage);
    if (!translated) co_return fail(std::move(translated.error()));
    o.body = std::move(*translated);
    o.usage = usage;
    succeed(usage.total_tokens);
    co_return Ok{};
  }
  // Streaming: the attempt succeeds with its first frame; failures before it can still be retried.
  o.streaming = true;
  o.translator = dep.provider->stream_translator(ctx_.endpoint);
  o.translator->set_include_usage(ctx_.include_usage);
  while (o.frames.empty() && !o.upstream_ended) {
    auto part = co_await ex->read_some();
    Status st = part ? (part->empty() ? o.translator->finish(o.frames)
                                      : o.translator->feed(*part, o.frames))
                     : Status(part.error());
    if (!st && o.frames.empty()) co_return fail(std::move(st.error()));
    if (!st) {  // chunks came before the error in the same read: they go out first
      o.stream_error = std::move(st.error());
      break;
    }
    o.upstream_ended = part->empty();
  }
  succeed(0);
  ex->set_deadline(deadline);  // from here on: stream_timeout between chunks, no first-byte bound
  o.exchange = std::move(ex);
  co_return Ok{};
}

}  // namespace litellm::handlers
