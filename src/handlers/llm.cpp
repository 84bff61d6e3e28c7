// The LLM endpoints: chat, completions, embeddings — JSON and SSE, mock or upstream.
#include <boost/asio/awaitable.hpp>

#include <chrono>

#include "litellm/common/crypto.hpp"
#include "litellm/common/json_scan.hpp"
#include "litellm/common/sse.hpp"
#include "litellm/handlers/gateway.hpp"
#include "litellm/logging/log.hpp"
#include "litellm/providers/mock.hpp"
#include "litellm/version.hpp"
#include "timeouts.hpp"

namespace litellm::handlers {

namespace asio = boost::asio;
using providers::Endpoint;
using Clock = std::chrono::steady_clock;

namespace {

bool is_hop_header(std::string_view k) {
  return iequals(k, "content-length") || iequals(k, "transfer-encoding") || iequals(k, "connection") ||
         iequals(k, "keep-alive") || iequals(k, "content-encoding") || iequals(k, "content-type");
}

std::string strip_query(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

std::string fmt_ms(Clock::duration d) {
  double ms = std::chrono::duration<double, std::milli>(d).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms);
  return buf;
}

// An LLM error as the router reports it: the model group appended, as LiteLLM does.
Error with_group(Error e, const std::string& group) {
  if (e.kind != ErrorKind::kProxyBadRequest && e.kind != ErrorKind::kProxyAuth)
    e.message += "\nReceived Model Group=" + group + "\nAvailable Model Group Fallbacks=None";
  return e;
}

// A mid-stream error frame: json.dumps spacing, no [DONE] after it (LiteLLM's async_data_generator).
std::string error_frame(const Error& e) {
  auto q = [](std::string_view s) { return json::quote(s); };
  std::string body = "{\"error\": {\"message\": " + q(e.message) + ", \"type\": " +
                     (e.type ? q(*e.type) : std::string("null")) + ", \"param\": " +
                     (e.param ? q(*e.param) : std::string("null")) + ", \"code\": \"" +
                     std::to_string(e.status) + "\"}}";
  return sse::frame(body);
}

size_t count_inputs(const std::vector<json::Member>& members) {
  const json::Member* in = json::find(members, "input");
  if (in == nullptr || in->value.empty() || in->value.front() != '[') return 1;
  // Count top-level elements of the input array.
  size_t depth = 0, n = 0;
  bool in_str = false, any = false;
  for (size_t i = 1; i + 1 < in->value.size(); ++i) {
    char c = in->value[i];
    if (in_str) {
      if (c == '\\') ++i;
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') in_str = true, any = true;
    else if (c == '[' || c == '{') ++depth, any = true;
    else if (c == ']' || c == '}') --depth;
    else if (c == ',' && depth == 0) ++n;
    else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') any = true;
  }
  return any ? n + 1 : 0;
}

}  // namespace

asio::awaitable<void> Gateway::handle_llm(const HttpRequest& req, ResponseWriter& out, Endpoint endpoint,
                                          std::string_view path_model) {
  const auto started = Clock::now();
  const auto& cfg = *config_;
  HeaderBlock headers;
  std::string call_id = std::string(find_header(req.headers, "x-litellm-call-id").value_or(""));
  if (call_id.empty()) call_id = uuid4();
  headers.add("x-litellm-call-id", call_id);
  headers.add("x-litellm-version", kVersion);

  std::vector<json::Member> members;
  std::string parse_error;
  if (!json::scan_object(req.body, members, parse_error)) {
    co_await send_error(out, Error::make(ErrorKind::kProxyBadRequest, 400, "Invalid JSON payload: " + parse_error,
                                         "bad_request_error", "None"), headers);
    co_return;
  }
  std::string model;
  if (!path_model.empty()) {
    model = std::string(path_model);
  } else if (const auto* m = json::find(members, "model")) {
    model = json::as_string(m->value).value_or("");
  }
  if (model.empty()) {
    co_await send_error(out, Error::make(ErrorKind::kProxyBadRequest, 400,
                                         "Invalid model name passed in model=None. Call `/v1/models` to view "
                                         "available models for your key.", "None", "None"), headers);
    co_return;
  }
  bool stream = false, include_usage = false;
  if (endpoint != Endpoint::kEmbedding) {
    if (const auto* s = json::find(members, "stream")) stream = json::as_bool(s->value).value_or(false);
    if (const auto* so = json::find(members, "stream_options"); so && stream) {
      std::vector<json::Member> opts;
      std::string e;
      if (json::scan_object(so->value, opts, e))
        if (const auto* iu = json::find(opts, "include_usage")) include_usage = json::as_bool(iu->value).value_or(false);
    }
  }

  auto selection = router_->resolve(model);
  if (!selection) {
    co_await send_error(out, selection.error(), headers);
    co_return;
  }
  const auto& cand = selection->candidates[router_->pick(*selection)];
  const auto& dep = *cand.deployment;
  headers.add("x-litellm-model-id", dep.config->info.id);
  headers.add("x-litellm-model-group", selection->model_group);
  headers.add("x-litellm-attempted-retries", "0");
  headers.add("x-litellm-attempted-fallbacks", "0");

  // mock_response: from the request, else from the deployment.
  std::optional<config::Json> mock;
  if (const auto* m = json::find(members, "mock_response")) {
    auto parsed = config::Json::parse(m->value, nullptr, false);
    if (!parsed.is_discarded() && !parsed.is_null()) mock = parsed;
  }
  if (!mock && dep.config->params.mock_response) mock = dep.config->params.mock_response;
  if (mock) {
    if (auto err = providers::mock::error_for(*mock)) {
      co_await send_error(out, with_group(*err, selection->model_group), headers);
      co_return;
    }
    const std::string text = providers::mock::text_of(*mock);
    const std::string& pm = cand.provider_model;
    headers.add("x-litellm-response-cost", "0.0");
    headers.add("x-litellm-overhead-duration-ms", fmt_ms(Clock::now() - started));
    if (stream) {
      headers.add("content-type", "text/event-stream");
      headers.add("cache-control", "no-cache");
      headers.add("x-accel-buffering", "no");
      if (!co_await out.begin_stream(200, headers.str())) co_return;
      for (const auto& f : providers::mock::chat_stream(pm, text, include_usage))
        if (!co_await out.send_chunk(f)) co_return;
      if (co_await out.send_chunk("data: [DONE]\n\n")) co_await out.end_stream();
      co_return;
    }
    headers.add("content-type", "application/json");
    std::string body = endpoint == Endpoint::kEmbedding ? providers::mock::embedding(pm, count_inputs(members))
                       : endpoint == Endpoint::kCompletion ? providers::mock::text_completion(pm, text)
                                                           : providers::mock::chat_completion(pm, text);
    co_await out.send(200, headers.str(), body);
    co_return;
  }

  providers::CallInput in;
  in.endpoint = endpoint;
  in.stream = stream;
  in.members = &members;
  in.deployment = dep.config;
  in.provider_model = cand.provider_model;
  in.api_base = dep.api_base;
  in.api_key = dep.api_key;
  in.drop_keys = dep.drop_keys;
  in.default_params = &cfg.router_settings.default_litellm_params;
  auto call = dep.provider->build(in);
  if (!call) {
    co_await send_error(out, with_group(call.error(), selection->model_group), headers);
    co_return;
  }
  auto url = net::parse_url(call->url);
  if (!url) {
    co_await send_error(out, url.error(), headers);
    co_return;
  }
  headers.add("x-litellm-model-api-base", strip_query(dep.api_base));

  const auto timeouts = compute_timeouts(cfg, *dep.config, members, req.headers, stream);
  net::Deadline deadline;
  deadline.total = Clock::now() + timeouts.total;
  deadline.idle = timeouts.idle;
  deadline.connect = std::min(timeouts.idle, std::chrono::milliseconds(10000));

  net::Request upstream_req;
  upstream_req.url = std::move(*url);
  upstream_req.headers = std::move(call->headers);
  upstream_req.body = std::move(call->body);
  auto ex = client_.exchange();
  LOG_DEBUG("POST {} model={} deployment={}", call->url, cand.provider_model, dep.config->info.id);
  if (auto st = co_await ex->start(upstream_req, deadline); !st) {
    Error e = st.error();
    if (e.kind == ErrorKind::kTimeout) e.message = "litellm.Timeout: " + e.message;
    else e.message = "litellm.APIConnectionError: " + dep.provider->info().exception_name + " - " + e.message;
    LOG_WARN("upstream {} failed: {}", dep.config->info.id, e.message);
    co_await send_error(out, with_group(std::move(e), selection->model_group), headers);
    co_return;
  }
  for (const auto& [k, v] : ex->headers()) {
    if (is_hop_header(k)) continue;
    std::string lk = to_lower(k);
    headers.add("llm_provider-" + lk, v);
    if (lk.starts_with("x-ratelimit-")) headers.add(lk, v);
  }

  if (ex->status() >= 400) {
    auto body = co_await ex->read_all(1u << 20);
    Error e = dep.provider->map_error(ex->status(), body ? std::string_view(*body) : std::string_view{}, ex->headers());
    LOG_INFO("upstream {} returned {}: {}", dep.config->info.id, ex->status(), e.message);
    co_await send_error(out, with_group(std::move(e), selection->model_group), headers);
    co_return;
  }

  if (!stream) {
    auto body = co_await ex->read_all(options_.max_upstream_response_bytes);
    if (!body) {
      co_await send_error(out, with_group(body.error(), selection->model_group), headers);
      co_return;
    }
    providers::Usage usage;
    auto translated = dep.provider->translate_response(endpoint, std::move(*body), usage);
    if (!translated) {
      co_await send_error(out, with_group(translated.error(), selection->model_group), headers);
      co_return;
    }
    headers.add("x-litellm-response-duration-ms", fmt_ms(Clock::now() - started));
    headers.add("content-type", "application/json");
    co_await out.send(200, headers.str(), *translated);
    co_return;
  }

  // Streaming: wait for the first frame before committing to 200, so an early failure is still
  // a proper HTTP error (LiteLLM's first-chunk buffering).
  auto translator = dep.provider->stream_translator(endpoint);
  std::string frames;
  bool upstream_ended = false;
  while (frames.empty() && !upstream_ended) {
    auto part = co_await ex->read_some();
    Status st = part ? (part->empty() ? translator->finish(frames) : translator->feed(*part, frames))
                     : Status(part.error());
    if (!st) {
      co_await send_error(out, with_group(st.error(), selection->model_group), headers);
      co_return;
    }
    upstream_ended = part->empty();
  }
  headers.add("content-type", "text/event-stream");
  headers.add("cache-control", "no-cache");
  headers.add("x-accel-buffering", "no");
  if (!co_await out.begin_stream(200, headers.str())) {
    ex->abandon();
    co_return;
  }
  while (true) {
    if (!frames.empty()) {
      if (!co_await out.send_chunk(frames)) {
        ex->abandon();  // the client went away: cancel the upstream request
        LOG_INFO("client disconnected mid-stream; upstream request {} cancelled", call_id);
        co_return;
      }
      frames.clear();
    }
    if (upstream_ended) break;
    auto part = co_await ex->read_some();
    Status st = part ? (part->empty() ? translator->finish(frames) : translator->feed(*part, frames))
                     : Status(part.error());
    if (!st) {
      Error e = with_group(st.error(), selection->model_group);
      LOG_WARN("stream from {} failed: {}", dep.config->info.id, e.message);
      if (!frames.empty()) co_await out.send_chunk(frames);
      if (co_await out.send_chunk(error_frame(e))) co_await out.end_stream();
      co_return;
    }
    upstream_ended = part->empty();
  }
  if (co_await out.send_chunk("data: [DONE]\n\n")) co_await out.end_stream();
}

}  // namespace litellm::handlers
