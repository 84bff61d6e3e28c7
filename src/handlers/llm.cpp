// The LLM endpoints: chat, completions, embeddings. Parses the request, runs it through the
// router (llm_call.cpp), then sends the answer: JSON, or SSE relayed chunk by chunk.
#include <boost/asio/awaitable.hpp>

#include <charconv>
#include <chrono>

#include "cache.hpp"
#include "caller.hpp"
#include "litellm/alerting/alerting.hpp"
#include "litellm/common/crypto.hpp"
#include "litellm/common/json_scan.hpp"
#include "litellm/common/sse.hpp"
#include "litellm/db/store.hpp"
#include "litellm/handlers/gateway.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/metrics/metrics.hpp"
#include "litellm/pricing/cost.hpp"
#include "litellm/version.hpp"
#include "llm_call.hpp"
#include "timeouts.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;
using providers::Endpoint;
using Clock = std::chrono::steady_clock;

namespace {

std::string strip_query(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

// Milliseconds with three decimals ("%.3f"), from whole microseconds rounded to nearest.
std::string fmt_ms(Clock::duration d) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  const int64_t us = (std::max<int64_t>(ns, 0) + 500) / 1000;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + 24, us / 1000);
  const auto frac = static_cast<int>(us % 1000);
  *end++ = '.';
  *end++ = static_cast<char>('0' + frac / 100);
  *end++ = static_cast<char>('0' + frac / 10 % 10);
  *end++ = static_cast<char>('0' + frac % 10);
  return std::string(buf, end);
}

// A mid-stream error frame: json.dumps spacing, no [DONE] after it (LiteLLM's
// async_data_generator).
std::string error_frame(const Error& e) {
  auto q = [](std::string_view s) { return json::quote(s); };
  std::string body = "{\"error\": {\"message\": " + q(e.message) +
                     ", \"type\": " + (e.type ? q(*e.type) : std::string("null")) +
                     ", \"param\": " + (e.param ? q(*e.param) : std::string("null")) +
                     ", \"code\": \"" + std::to_string(e.status) + "\"}}";
  return sse::frame(body);
}

std::optional<int> int_value(std::string_view raw) {
  if (raw.empty()) return std::nullopt;
  std::string s(raw);
  if (auto str = json::as_string(raw)) s = *str;
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (end == s.c_str() || v < 0) return std::nullopt;
  return static_cast<int>(v);
}

// Parses what the router needs from the body; an Error for malformed input.
Status parse_request(const HttpRequest& req, std::string_view path_model, CallContext& ctx) {
  std::string parse_error;
  if (!json::scan_object(req.body, ctx.members, parse_error)) {
    return Error::make(ErrorKind::kProxyBadRequest, 400, "Invalid JSON payload: " + parse_error,
                       "bad_request_error", "None");
  }
  const auto& m = ctx.members;
  if (!path_model.empty()) {
    ctx.requested_model = std::string(path_model);
  } else if (const auto* mm = json::find(m, "model")) {
    ctx.requested_model = json::as_string(mm->value).value_or("");
  }
  if (ctx.requested_model.empty()) {
    return Error::make(
        ErrorKind::kProxyBadRequest, 400,
        "Invalid model name passed in model=None. Call `/v1/models` to view available models for "
        "your key.",
        "None", "None");
  }
  if (ctx.endpoint != Endpoint::kEmbedding) {
    if (const auto* s = json::find(m, "stream"))
      ctx.stream = json::as_bool(s->value).value_or(false);
    if (const auto* so = json::find(m, "stream_options"); so && ctx.stream) {
      std::vector<json::Member> opts;
      std::string e;
      if (json::scan_object(so->value, opts, e))
        if (const auto* iu = json::find(opts, "include_usage"))
          ctx.include_usage = json::as_bool(iu->value).value_or(false);
    }
  }
  if (const auto* mr = json::find(m, "mock_response")) {
    auto parsed = config::Json::parse(mr->value, nullptr, false);
    if (!parsed.is_discarded() && !parsed.is_null()) ctx.request_mock = parsed;
  }
  if (const auto* nr = json::find(m, "num_retries")) ctx.request_num_retries = int_value(nr->value);
  if (auto h = find_header(req.headers, "x-litellm-num-retries"))
    ctx.request_num_retries = int_value(*h);
  if (const auto* fb = json::find(m, "fallbacks")) {
    auto parsed = config::Json::parse(fb->value, nullptr, false);
    if (parsed.is_array())
      for (const auto& g : parsed)
        if (g.is_string()) ctx.request_fallbacks.push_back(g.get<std::string>());
  }
  if (const auto* df = json::find(m, "disable_fallbacks"))
    ctx.disable_fallbacks = json::as_bool(df->value).value_or(false);
  return Ok{};
}

const char* call_type(Endpoint e) {
  switch (e) {
    case Endpoint::kEmbedding:
      return "aembedding";
    case Endpoint::kCompletion:
      return "atext_completion";
    default:
      return "acompletion";
  }
}

// The spend record of one request (success or failure), for the store's journal.
db::SpendRecord spend_record(const Gateway::Caller& caller, const CallContext& ctx,
                             const std::string& call_id, double started, std::string_view path) {
  db::SpendRecord r;
  r.request_id = call_id;
  r.session_id = call_id;
  r.call_type = call_type(ctx.endpoint);
  r.api_key = caller.who.api_key_hash;
  r.user = caller.who.user_id;
  if (const auto& k = caller.key) {
    r.team_id = k->team_id;
    r.org_id = k->org_id;
    r.key_alias = k->key_alias;
    r.team_alias = k->team_alias;
  }
  if (const auto* u = json::find(ctx.members, "user"))
    r.end_user = json::as_string(u->value).value_or("");
  // LiteLLM's request tags: body metadata.tags, then the x-litellm-tags header (comma-separated).
  if (const auto* md = json::find(ctx.members, "metadata")) {
    std::vector<json::Member> meta;
    std::string err;
    if (json::scan_object(md->value, meta, err))
      if (const auto* tags = json::find(meta, "tags")) {
        auto parsed = config::Json::parse(tags->value, nullptr, false);
        if (parsed.is_array())
          for (const auto& t : parsed)
            if (t.is_string()) r.tags.push_back(t.get<std::string>());
      }
  }
  if (ctx.req)
    if (auto h = find_header(ctx.req->headers, "x-litellm-tags")) {
      std::string_view rest = *h;
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        auto tag = trim(rest.substr(0, comma));
        if (!tag.empty()) r.tags.emplace_back(tag);
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
      }
    }
  r.model_group = ctx.requested_model;
  r.start_time = started;
  r.end_time = unix_time();
  r.endpoint = std::string(path);
  return r;
}

void fill_deployment(db::SpendRecord& r, const router::RoutedDeployment& dep) {
  r.model = dep.provider_model;
  r.model_id = dep.config->info.id;
  r.custom_llm_provider = dep.provider->info().name;
  r.api_base = strip_query(dep.api_base);
}

double cost_of(const router::RoutedDeployment& dep, const providers::Usage& u) {
  if (!u.present) return 0;
  return pricing::request_cost(*dep.config, dep.provider->info().name, dep.provider_model, "",
                               {u.prompt_tokens, u.completion_tokens, 0});
}

void fill_usage(db::SpendRecord& r, const providers::Usage& u, double cost) {
  r.prompt_tokens = u.prompt_tokens;
  r.completion_tokens = u.completion_tokens;
  r.total_tokens = u.total_tokens ? u.total_tokens : u.prompt_tokens + u.completion_tokens;
  r.spend = cost;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The request labels of the caller (key, team, user); model and end user are added per request.
metrics::RequestLabels caller_labels(const Gateway::Caller& caller) {
  metrics::RequestLabels l;
  l.hashed_api_key = caller.who.api_key_hash;
  l.user = caller.who.user_id;
  if (const auto& k = caller.key) {
    l.api_key_alias = k->key_alias;
    l.team = k->team_id;
    l.team_alias = k->team_alias;
    if (l.user.empty()) l.user = k->user_id;
  }
  return l;
}

// A successful request: metrics (latency, tokens, spend, provider rate-limit headroom), budget
// gauges and alerts, the slow-response alert.
void observe_success(metrics::Registry* m, alerting::Alerter& alerter,
                     const Gateway::Caller& caller, const metrics::RequestLabels& labels,
                     const Outcome& o, const providers::Usage& usage, double cost,
                     double total_seconds, double llm_seconds, double ttft_seconds,
                     std::string_view messages) {
  const auto& dep = *o.deployment;
  const auto dl = deployment_labels(dep, o.model_group);
  if (m) {
    metrics::RequestDone done;
    done.total_seconds = total_seconds;
    done.llm_seconds = llm_seconds;
    done.ttft_seconds = ttft_seconds;
    done.prompt_tokens = usage.prompt_tokens;
    done.completion_tokens = usage.completion_tokens;
    done.spend = cost;
    m->request(labels, &dl, done);
    auto header_number = [&](std::string_view name) -> std::optional<double> {
      auto v = o.upstream_headers.find(name);
      if (!v) return std::nullopt;
      char* end = nullptr;
      const std::string text(*v);
      double d = std::strtod(text.c_str(), &end);
      if (end == text.c_str()) return std::nullopt;
      return d;
    };
    auto rr = header_number("x-ratelimit-remaining-requests");
    auto rt = header_number("x-ratelimit-remaining-tokens");
    if (rr || rt) m->remaining(labels, dl, rr, rt);
  }
  if (const auto& k = caller.key) {
    using Owner = metrics::Budget::Owner;
    if (m) {
      m->budget({Owner::kKey, k->token, k->key_alias, k->spend, k->max_budget, k->budget_reset_at});
      if (k->has_team)
        m->budget({Owner::kTeam, k->team_id, k->team_alias, k->team_spend, k->team_max_budget, {}});
      if (k->has_user)
        m->budget({Owner::kUser, k->user_id, {}, k->user_spend, k->user_max_budget, {}});
    }
    if (k->max_budget) alerter.budget("Key", k->token, k->spend, *k->max_budget);
    if (k->has_team && k->team_max_budget)
      alerter.budget("Team", k->team_id, k->team_spend, *k->team_max_budget);
    if (k->has_user && k->user_max_budget)
      alerter.budget("User", k->user_id, k->user_spend, *k->user_max_budget);
  }
  alerter.slow_response(total_seconds, {o.model_group, dep.api_base, messages, labels.api_key_alias,
                                        labels.team_alias});
}

std::string_view request_messages(const CallContext& ctx) {
  const auto* m = json::find(ctx.members, "messages");
  if (m == nullptr) m = json::find(ctx.members, "input");
  if (m == nullptr) m = json::find(ctx.members, "prompt");
  return m ? std::string_view(m->value) : std::string_view{};
}

}  // namespace

void Gateway::on_tokens(Caller& caller, const providers::Usage& u) {
  if (caller.token_ids.empty() || !u.present) return;
  // LiteLLM's token_rate_limit_type defaults to output tokens.
  for (const auto& id : caller.token_ids)
    router_->state().add_usage(id, caller.minute, 0, u.completion_tokens);
}

asio::awaitable<void> Gateway::answer_from_cache(ResponseWriter& out, HeaderBlock& headers,
                                                 Caller& caller, const CallContext& ctx,
                                                 const metrics::RequestLabels& labels,
                                                 const std::string& key, std::string body,
                                                 Clock::time_point started, double started_unix) {
  // LiteLLM logs a hit with the cached usage, no cost, and request_id "<id>_cache_hit<time>".
  providers::Usage usage;
  providers::read_usage(body, usage);
  std::string id;
  std::vector<json::Member> members;
  std::string scan_error;
  if (json::scan_object(body, members, scan_error))
    if (const auto* m = json::find(members, "id")) id = json::as_string(m->value).value_or("");
  if (store_) {
    const std::string call_id = std::string(headers.find("x-litellm-call-id").value_or(""));
    auto rec = spend_record(caller, ctx, call_id, started_unix, ctx.req->path);
    rec.request_id = (id.empty() ? call_id : id) + "_cache_hit" + python_float(unix_time());
    fill_usage(rec, usage, 0);
    rec.cache_hit = true;
    rec.cache_key = key;
    store_->record(std::move(rec), caller.key);
  }
  if (metrics_->enabled()) {
    metrics::RequestDone done;
    done.total_seconds = seconds_since(started);
    done.prompt_tokens = usage.prompt_tokens;
    done.completion_tokens = usage.completion_tokens;
    metrics_->request(labels, nullptr, done);
  }
  headers.add("x-litellm-cache-hit", "True");
  headers.add("x-litellm-response-cost", "0");
  headers.add("x-litellm-response-duration-ms", fmt_ms(Clock::now() - started));
  if (ctx.stream) {  // stored as the complete response, replayed as a stream (as LiteLLM)
    headers.add("content-type", "text/event-stream");
    headers.add("cache-control", "no-cache");
    if (co_await out.begin_stream(200, headers.str()) &&
        co_await out.send_chunk(ResponseCache::replay_as_stream(body, ctx.include_usage)))
      co_await out.end_stream();
    co_return;
  }
  headers.add("content-type", "application/json");
  co_await out.send(200, headers.str(), body);
}

asio::awaitable<void> Gateway::handle_llm(const HttpRequest& req, ResponseWriter& out,
                                          Endpoint endpoint, std::string_view path_model,
                                          Caller& caller) {
  const double started_unix = unix_time();
  const auto started = Clock::now();
  HeaderBlock headers;
  std::string call_id = std::string(find_header(req.headers, "x-litellm-call-id").value_or(""));
  if (call_id.empty()) call_id = uuid4();
  headers.add("x-litellm-call-id", call_id);
  headers.add("x-litellm-version", kVersion);

  CallContext ctx;
  ctx.req = &req;
  ctx.endpoint = endpoint;
  metrics::Registry* m = metrics_->enabled() ? metrics_.get() : nullptr;
  metrics::RequestLabels labels = caller_labels(caller);
  std::string end_user;
  // Every answer that is not a success is counted as a failed proxy request.
  auto count_failure = [&](const Error& e) {
    if (!m) return;
    metrics::RequestDone done;
    done.status = e.status;
    const std::string cls = exception_class(e, ctx.last_deployment);
    done.exception_class = cls;
    done.total_seconds = seconds_since(started);
    m->request(labels, nullptr, done);
  };
  if (auto st = parse_request(req, path_model, ctx); !st) {
    count_failure(st.error());
    co_await send_error(out, st.error(), headers);
    co_return;
  }
  if (const auto* u = json::find(ctx.members, "user"))
    end_user = json::as_string(u->value).value_or("");
  labels.end_user = end_user;
  labels.requested_model = ctx.requested_model;
  if (auto st = admit(caller, ctx.requested_model); !st) {
    count_failure(st.error());
    co_await send_error(out, st.error(), headers);
    co_return;
  }
  // The response cache: a hit answers without an upstream call and costs nothing.
  std::optional<std::string> cache_key;
  ResponseCache::Controls cache_controls;
  if (cache_)
    cache_key =
        cache_->key_for(ctx.members, ctx.requested_model, call_type(endpoint), cache_controls);
  if (cache_key) {
    headers.add("x-litellm-cache-key", *cache_key);
    if (auto hit = co_await cache_->get(*cache_key, cache_controls)) {
      co_await answer_from_cache(out, headers, caller, ctx, labels, *cache_key, std::move(*hit),
                                 started, started_unix);
      co_return;
    }
  }
  ctx.deadline = started + request_timeout(*config_, ctx.members, req.headers);
  ctx.obs = {m, alerter_.get(), &labels};
  struct Hanging {  // llm_requests_hanging: registered while the request runs
    alerting::Alerter& a;
    uint64_t id;
    ~Hanging() { a.request_finished(id); }
  } hanging{*alerter_, alerter_->request_started({ctx.requested_model, "", request_messages(ctx),
                                                  labels.api_key_alias, labels.team_alias})};

  const auto router = router_;  // this request's router, even if the models change meanwhile
  LlmCall call(*config_, *router, client_, options_.max_upstream_response_bytes, ctx);
  Outcome o;
  auto result = co_await call.run(o);
  headers.add("x-litellm-attempted-retries", std::to_string(ctx.attempted_retries));
  headers.add("x-litellm-max-retries", std::to_string(ctx.max_retries));
  headers.add("x-litellm-attempted-fallbacks", std::to_string(ctx.attempted_fallbacks));
  if (!result) {
    headers.add("x-litellm-response-cost", "0");
    if (store_) {
      auto rec = spend_record(caller, ctx, call_id, started_unix, req.path);
      rec.success = false;
      if (ctx.last_deployment) fill_deployment(rec, *ctx.last_deployment);
      rec.exception_type = error_kind_name(result.error().kind);
      rec.exception_string = result.error().message;
      rec.status_code = std::to_string(result.error().status);
      store_->record(std::move(rec), caller.key);
    }
    count_failure(result.error());
    const auto kind = result.error().kind;
    if (kind != ErrorKind::kProxyAuth && kind != ErrorKind::kProxyBadRequest &&
        kind != ErrorKind::kProxyNotFound)
      alerter_->llm_exception(result.error().message);
    co_await send_error(out, result.error(), headers);
    co_return;
  }
  const auto& dep = *o.deployment;
  if (caller.key) headers.add("x-litellm-key-spend", python_float(caller.key->spend));
  headers.add("x-litellm-model-id", dep.config->info.id);
  headers.add("x-litellm-model-group", o.model_group);
  if (!dep.config->params.mock_response && !ctx.request_mock)
    headers.add("x-litellm-model-api-base", strip_query(dep.api_base));
  for (const auto& [k, v] : o.ratelimit_headers) headers.add(k, v);
  if (o.ratelimit_headers.empty()) {
    headers.append(o.upstream_headers);
  } else {
    headers.append_except(o.upstream_headers, "x-ratelimit-");
  }
  headers.add("x-litellm-response-duration-ms", fmt_ms(Clock::now() - started));

  if (!o.streaming) {
    const double cost = cost_of(dep, o.usage);
    headers.add("x-litellm-response-cost", python_float(cost));
    headers.add("content-type", "application/json");
    on_tokens(caller, o.usage);
    if (cache_key) cache_->put(*cache_key, o.body, cache_controls);
    // The spend record is journaled before the answer goes out: a worker stopped while a large
    // answer is still being written does not lose it.
    if (store_) {
      auto rec = spend_record(caller, ctx, call_id, started_unix, req.path);
      fill_deployment(rec, dep);
      fill_usage(rec, o.usage, cost);
      if (cache_key) rec.cache_key = *cache_key;
      store_->record(std::move(rec), caller.key);
    }
    const double total_seconds = seconds_since(started);
    co_await out.send(200, headers.str(), o.body);
    // Metrics and alerts once the answer is out (LiteLLM's success callbacks also run after it).
    LlmCall::observe_answer(ctx, o);
    observe_success(m, *alerter_, caller, labels, o, o.usage, cost, total_seconds,
                    ctx.last_attempt_seconds, -1, request_messages(ctx));
    co_return;
  }
  // Streams are recorded when they end (or break), with the usage the stream reported.
  struct StreamRecord {
    Gateway& g;
    Caller& caller;
    const CallContext& ctx;
    const Outcome& o;
    const std::string& call_id;
    double started;
    std::string_view path;
    const metrics::RequestLabels& labels;
    metrics::Registry* m;
    Clock::time_point started_at;
    double first_chunk = 0;
    Clock::time_point first_chunk_at{};
    providers::Usage usage;
    ~StreamRecord() {
      g.on_tokens(caller, usage);
      const double cost = cost_of(*o.deployment, usage);
      if (g.store_) {
        auto rec = spend_record(caller, ctx, call_id, started, path);
        fill_deployment(rec, *o.deployment);
        fill_usage(rec, usage, cost);
        rec.completion_start_time = first_chunk;
        g.store_->record(std::move(rec), caller.key);
      }
      const double total = seconds_since(started_at);
      const double ttft =
          first_chunk > 0 ? std::chrono::duration<double>(first_chunk_at - started_at).count() : -1;
      // The provider call of a stream lasts until its last chunk: the whole request minus what
      // came before the answering attempt started.
      double llm = -1;
      if (ttft >= 0 && ctx.last_attempt_seconds >= 0)
        llm = std::max(0.0, total - std::max(0.0, ttft - ctx.last_attempt_seconds));
      observe_success(m, *g.alerter_, caller, labels, o, usage, cost, total, llm, ttft,
                      request_messages(ctx));
    }
  } stream_record{*this, caller, ctx, o, call_id, started_unix, req.path, labels, m, started};
  headers.add("content-type", "text/event-stream");
  headers.add("cache-control", "no-cache");
  headers.add("x-accel-buffering", "no");
  // With the response cache on, the stream is added up as it goes and stored once it finished.
  std::optional<StreamAssembler> assembled;
  if (cache_key && !cache_controls.no_store) assembled.emplace();
  auto store_assembled = [&] {
    if (!assembled) return;
    if (auto full = assembled->result()) cache_->put(*cache_key, *full, cache_controls);
  };
  const bool head_sent = co_await out.begin_stream(200, headers.str());
  LlmCall::observe_answer(ctx, o);
  if (!head_sent) {
    if (o.exchange) o.exchange->abandon();
    co_return;
  }
  stream_record.first_chunk = unix_time();
  stream_record.first_chunk_at = Clock::now();
  if (!o.exchange) {  // mock_response
    for (const auto& f : o.mock_frames) {
      std::string_view payload = f;
      if (payload.starts_with("data: ")) payload.remove_prefix(6);
      providers::read_usage(payload, stream_record.usage);
      if (assembled) assembled->feed(f);
      if (!co_await out.send_chunk(f)) co_return;
    }
    store_assembled();
    if (co_await out.send_chunk("data: [DONE]\n\n")) co_await out.end_stream();
    co_return;
  }
  while (true) {
    if (!o.frames.empty()) {
      if (assembled) assembled->feed(o.frames);
      if (!co_await out.send_chunk(o.frames)) {
        o.exchange->abandon();  // the client went away: cancel the upstream request
        LOG_INFO("client disconnected mid-stream; upstream request {} cancelled", call_id);
        co_return;
      }
      o.frames.clear();
    }
    if (o.stream_error) {
      Error e = annotate(std::move(*o.stream_error), o.model_group, {});
      LOG_WARN("stream from {} failed: {}", dep.config->info.id, e.message);
      if (co_await out.send_chunk(error_frame(e))) co_await out.end_stream();
      co_return;
    }
    if (o.upstream_ended) break;
    auto part = co_await o.exchange->read_some();
    Status st = part ? (part->empty() ? o.translator->finish(o.frames)
                                      : o.translator->feed(*part, o.frames))
                     : Status(part.error());
    if (!st) {
      o.stream_error = std::move(st.error());  // after the frames it produced, if any
      continue;
    }
    o.upstream_ended = part->empty();
  }
  if (o.translator->usage().present) {
    router->on_success_tokens(dep, o.translator->usage().total_tokens);
    stream_record.usage = o.translator->usage();
  }
  store_assembled();
  if (co_await out.send_chunk("data: [DONE]\n\n")) co_await out.end_stream();
}

}  // namespace litellm::handlers
