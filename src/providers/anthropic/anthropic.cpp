// OpenAI ⇄ Anthropic Messages (providers.md §2): system blocks, merged turns, tool_use/tool_result,
// thinking, JSON mode through a forced json_tool_call, event streams, 429/529 mapping.
#include "anthropic.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "../openai/openai_compatible.hpp"
#include "litellm/common/crypto.hpp"
#include "litellm/common/sse.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/providers/sse_stream.hpp"
#include "litellm/providers/translate.hpp"

namespace litellm::providers::anthropic {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
constexpr const char* kJsonTool = "json_tool_call";

Error bad_request(const std::string& what) {
  return providers::bad_request("AnthropicException", what);
}

Result<ordered_json> blocks_of(const json& content) {
  ordered_json blocks = ordered_json::array();
  if (content.is_string()) {
    if (!content.get_ref<const std::string&>().empty())
      blocks.push_back({{"type", "text"}, {"text", content}});
    return blocks;
  }
  if (!content.is_array()) return blocks;
  for (const auto& p : content) {
    std::string type = p.value("type", "");
    ordered_json block;
    if (type == "text") {
      if (p.value("text", "").empty()) continue;
      block = {{"type", "text"}, {"text", p["text"]}};
    } else if (type == "image_url") {
      std::string url =
          p["image_url"].is_object() ? p["image_url"].value("url", "") : p.value("image_url", "");
      if (auto d = parse_data_url(url)) {
        block = {{"type", d->mime == "application/pdf" ? "document" : "image"},
                 {"source", {{"type", "base64"}, {"media_type", d->mime}, {"data", d->data}}}};
      } else if (url.starts_with("http")) {
        block = {{"type", "image"},
                 {"source", {{"type", "url"}, {"url", url}}}};  // Anthropic fetches it
      } else {
        return bad_request("unsupported image_url");
      }
    } else {
      continue;
    }
    if (p.contains("cache_control")) block["cache_control"] = p["cache_control"];
    blocks.push_back(block);
  }
  return blocks;
}

std::optional<int> thinking_budget(const std::string& effort) {
  if (effort == "minimal") return 1024;
  if (effort == "low") return 1024;
  if (effort == "medium") return 2048;
  if (effort == "high") return 4096;
  if (effort == "xhigh") return 8192;
  if (effort == "max") return 16384;
  return std::nullopt;
}

ordered_json openai_usage(const json& u, Usage& usage) {
  const int64_t input = u.value("input_tokens", int64_t{0});
  const int64_t read = u.value("cache_read_input_tokens", int64_t{0});
  const int64_t created = u.value("cache_creation_input_tokens", int64_t{0});
  usage.present = true;
  usage.prompt_tokens = input + read + created;
  usage.completion_tokens = u.value("output_tokens", int64_t{0});
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.total_tokens},
          {"prompt_tokens_details", {{"cached_tokens", read}}},
          {"cache_creation_input_tokens", created},
          {"cache_read_input_tokens", read}};
}

class EventStream final : public SseStreamTranslator {
 public:
  EventStream() : id_("chatcmpl-" + uuid4()), created_(unix_now()) {}

 private:
  Status on_events(const std::vector<sse::Event>& events, std::string& out) override {
    for (const auto& ev : events) {
      json j = json::parse(ev.data, nullptr, false);
      if (!j.is_object()) continue;
      const std::string type = j.value("type", "");
      ordered_json delta = ordered_json::object();
      ordered_json finish = nullptr;
      if (type == "error") {
        return map_http_error("AnthropicException", 500, ev.data, {});
      } else if (type == "message_start") {
        const json& m = j["message"];
        model_ = m.value("model", "");
        input_ = m.value("usage", json::object());
        delta["role"] = "assistant";
        delta["content"] = "";
      } else if (type == "content_block_start") {
        const json& b = j["content_block"];
        const std::string bt = b.value("type", "");
        block_is_tool_ = bt == "tool_use" || bt == "server_tool_use";
        json_mode_block_ = block_is_tool_ && b.value("name", "") == kJsonTool;
        got_args_ = false;
        if (json_mode_block_) continue;
        if (block_is_tool_) {
          ++tool_index_;
          saw_tools_ = true;
          delta["tool_calls"] = ordered_json::array(
              {{{"index", tool_index_},
                {"id", b.value("id", "")},
                {"type", "function"},
                {"function", {{"name", b.value("name", "")}, {"arguments", ""}}}}});
        } else if (bt == "text" && !b.value("text", "").empty()) {
          delta["content"] = b["text"];
        } else {
          continue;
        }
      } else if (type == "content_block_delta") {
        const json& d = j["delta"];
        const std::string dt = d.value("type", "");
        if (dt == "text_delta") {
          delta["content"] = d.value("text", "");
        } else if (dt == "input_json_delta") {
          got_args_ = true;
          if (json_mode_block_)
            delta["content"] = d.value("partial_json", "");
          else
            delta["tool_calls"] =
                ordered_json::array({{{"index", tool_index_},
                                      {"function", {{"arguments", d.value("partial_json", "")}}}}});
        } else if (dt == "thinking_delta") {
          delta["reasoning_content"] = d.value("thinking", "");
          delta["thinking_blocks"] = ordered_json::array(
              {{{"type", "thinking"}, {"thinking", d.value("thinking", "")}, {"signature", ""}}});
        } else if (dt == "signature_delta") {
          delta["thinking_blocks"] = ordered_json::array(
              {{{"type", "thinking"}, {"thinking", ""}, {"signature", d.value("signature", "")}}});
        } else {
          continue;
        }
      } else if (type == "content_block_stop") {
        if (!(block_is_tool_ && !got_args_ && !json_mode_block_)) continue;
        delta["tool_calls"] =
            ordered_json::array({{{"index", tool_index_}, {"function", {{"arguments", "{}"}}}}});
      } else if (type == "message_delta") {
        std::string reason = j["delta"].value("stop_reason", "end_turn");
        finish = json_mode_block_ && reason == "tool_use" ? "stop" : finish_reason(reason);
        json u = input_;
        if (j.contains("usage")) u["output_tokens"] = j["usage"].value("output_tokens", 0);
        usage_json_ = openai_usage(u, usage_);
      } else if (type == "message_stop") {
        done_ = true;
        if (include_usage_ && usage_.present) {
          out += usage_frame(id_, created_, model_, usage_json_);
        }
        continue;
      } else {
        continue;  // ping and unknown events
      }
      out += chunk_frame(id_, created_, model_, delta, finish);
    }
    return Ok{};
  }
  Status on_end(std::string&) override {
    if (!done_)
      return Error::make(
          ErrorKind::kApiConnection, 500,
          "litellm.APIConnectionError: AnthropicException - stream ended before message_stop");
    return Ok{};
  }

  std::string id_, model_;
  int64_t created_;
  json input_ = json::object();
  ordered_json usage_json_;
  int tool_index_ = -1;
  bool block_is_tool_ = false, json_mode_block_ = false, got_args_ = false, saw_tools_ = false;
};

}  // namespace

std::string finish_reason(std::string_view r) {
  if (r == "end_turn" || r == "stop_sequence" || r.empty()) return "stop";
  if (r == "max_tokens" || r == "model_context_window_exceeded" || r == "compaction")
    return "length";
  if (r == "tool_use") return "tool_calls";
  if (r == "refusal" || r == "content_filtered") return "content_filter";
  return "stop";
}

Anthropic::Anthropic()
    : info_{"anthropic",
            "AnthropicException",
            "https://api.anthropic.com",
            {"ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"},
            {"ANTHROPIC_API_KEY"},
            true} {}

Result<std::string> messages_request(const CallInput& in) {
  ordered_json body;
  body["model"] = in.provider_model;
  ordered_json system = ordered_json::array();
  ordered_json messages = ordered_json::array();
  ordered_json tools = ordered_json::array();
  std::optional<ordered_json> tool_choice;
  std::optional<int> max_tokens;
  std::vector<std::string> unsupported;
  bool json_mode = false;
  bool no_parallel = false;
  json msgs = json::array();
  static const std::set<std::string, std::less<>> kUnsupported = {"n",
                                                                  "seed",
                                                                  "presence_penalty",
                                                                  "frequency_penalty",
                                                                  "logprobs",
                                                                  "top_logprobs",
                                                                  "logit_bias",
                                                                  "functions",
                                                                  "function_call"};
  // The client's keys, then deployment (and router default) params it did not set, as LiteLLM
  // merges them.
  std::vector<std::pair<std::string, json>> params;
  for (const auto& m : *in.members) {
    json v = json::parse(m.value, nullptr, false);
    if (!v.is_discarded()) params.emplace_back(std::string(m.key), std::move(v));
  }
  for (const config::Json* src : {&in.deployment->params.extra, in.default_params}) {
    if (src == nullptr || !src->is_object()) continue;
    for (auto it = src->begin(); it != src->end(); ++it)
      if (std::none_of(params.begin(), params.end(),
                       [&](const auto& p) { return p.first == it.key(); }))
        params.emplace_back(it.key(), json::parse(it.value().dump()));
  }
  for (auto& [k, v] : params) {
    if (k == "model" || openai::is_litellm_only_key(k) || k == "stream_options" ||
        std::find(in.drop_keys.begin(), in.drop_keys.end(), k) != in.drop_keys.end())
      continue;
    if (k == "messages")
      msgs = v;
    else if (k == "max_tokens" || k == "max_completion_tokens")
      max_tokens = std::max(1, static_cast<int>(v.get<double>() + 0.5));
    else if (k == "temperature" || k == "top_p" || k == "top_k" || k == "thinking")
      body[k] = v;
    else if (k == "stop")
      body["stop_sequences"] = v.is_string() ? json::array({v}) : v;
    else if (k == "stream") {
      if (v.is_boolean() && v.get<bool>()) body["stream"] = true;
    } else if (k == "user") {
      static const std::regex kEmail(R"(^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$)");
      static const std::regex kPhone(R"(^\+?[\d\s\(\)-]{7,}$)");
      std::string u = v.is_string() ? v.get<std::string>() : "";
      if (!u.empty() && !std::regex_match(u, kEmail) && !std::regex_match(u, kPhone))
        body["metadata"] = {{"user_id", u}};
    } else if (k == "tools") {
      for (const auto& t : v) {
        if (t.contains("input_schema") || t.value("type", "") != "function") {
          tools.push_back(
              ordered_json::parse(t.dump()));  // already Anthropic-shaped, or a hosted tool
          continue;
        }
        const auto& f = t["function"];
        ordered_json tool = {{"name", f.value("name", "")}};
        if (f.contains("description")) tool["description"] = f["description"];
        tool["input_schema"] = f.contains("parameters")
                                   ? f["parameters"]
                                   : json{{"type", "object"}, {"properties", json::object()}};
        tools.push_back(tool);
      }
    } else if (k == "tool_choice") {
      if (v.is_string()) {
        std::string c = v.get<std::string>();
        tool_choice = ordered_json{{"type", c == "required" ? "any"
                                            : c == "none"   ? "none"
                                                            : "auto"}};
      } else if (v.is_object() && v.contains("function")) {
        tool_choice = ordered_json{{"type", "tool"}, {"name", v["function"].value("name", "")}};
      }
    } else if (k == "parallel_tool_calls") {
      no_parallel =
          v.is_boolean() && !v.get<bool>();  // applied after the loop, whatever the key order
    } else if (k == "response_format") {
      std::string type = v.value("type", "");
      if (type == "json_object" || type == "json_schema") {
        json schema = type == "json_schema" && v.contains("json_schema")
                          ? v["json_schema"].value("schema", json::object())
                          : json{{"type", "object"},
                                 {"additionalProperties", true},
                                 {"properties", json::object()}};
        tools.push_back({{"name", kJsonTool}, {"input_schema", schema}});
        json_mode = true;
      }
    } else if (k == "reasoning_effort") {
      std::string e = v.is_string() ? v.get<std::string>() : "";
      if (e == "none") continue;
      auto budget = thinking_budget(e);
      if (!budget) return bad_request("Unmapped reasoning effort: " + e);
      body["thinking"] = {{"type", "enabled"}, {"budget_tokens", *budget}};
    } else if (kUnsupported.contains(k)) {
      if (!in.drop_params) unsupported.push_back(k);
    } else {
      body[k] = v;  // provider-specific (metadata handled above, top_k, ...)
    }
  }
  if (!unsupported.empty()) return unsupported_params("anthropic", unsupported, in.provider_model);
  for (const auto& msg : msgs) {
    std::string role = msg.value("role", "user");
    if (role == "system" || role == "developer") {
      auto blocks = blocks_of(msg.value("content", json("")));
      if (!blocks) return blocks.error();
      for (auto& b : *blocks) system.push_back(b);
      continue;
    }
    ordered_json turn;
    if (role == "assistant") {
      ordered_json blocks = ordered_json::array();
      if (msg.contains("thinking_blocks") && msg["thinking_blocks"].is_array())
        for (const auto& tb : msg["thinking_blocks"])
          blocks.push_back(ordered_json::parse(tb.dump()));
      auto text = blocks_of(msg.value("content", json(nullptr)));
      if (!text) return text.error();
      for (auto& b : *text) blocks.push_back(b);
      if (msg.contains("tool_calls") && msg["tool_calls"].is_array())
        for (const auto& tc : msg["tool_calls"]) {
          json input = json::parse(tc["function"].value("arguments", "{}"), nullptr, false);
          blocks.push_back({{"type", "tool_use"},
                            {"id", tc.value("id", "")},
                            {"name", tc["function"].value("name", "")},
                            {"input", input.is_discarded() ? json::object() : input}});
        }
      turn = {{"role", "assistant"}, {"content", blocks}};
    } else if (role == "tool" || role == "function") {
      const json& c = msg.value("content", json(""));
      ordered_json result = {{"type", "tool_result"},
                             {"tool_use_id", msg.value("tool_call_id", "")}};
      if (c.is_string()) {
        result["content"] = c;
      } else {
        auto blocks = blocks_of(c);
        if (!blocks) return blocks.error();
        result["content"] = *blocks;
      }
      turn = {{"role", "user"}, {"content", ordered_json::array({result})}};
    } else {
      auto blocks = blocks_of(msg.value("content", json("")));
      if (!blocks) return blocks.error();
      turn = {{"role", "user"}, {"content", *blocks}};
    }
    if (!messages.empty() && messages.back()["role"] == turn["role"]) {
      for (auto& b : turn["content"]) messages.back()["content"].push_back(b);
    } else {
      messages.push_back(turn);
    }
  }
  if (messages.empty()) return bad_request("Anthropic requires at least one non-system message");
  // Anthropic rejects trailing whitespace in a final assistant turn (prefill).
  if (messages.back()["role"] == "assistant")
    for (auto it = messages.back()["content"].rbegin(); it != messages.back()["content"].rend();
         ++it)
      if ((*it)["type"] == "text") {
        std::string t = (*it)["text"].get<std::string>();
        (*it)["text"] = std::string(
            t.begin(), t.begin() + static_cast<long>(t.find_last_not_of(" \t\n\r") + 1));
        break;
      }
  ordered_json out;
  out["model"] = body["model"];
  out["messages"] = messages;
  if (!system.empty()) out["system"] = system;
  int budget = body.contains("thinking") && body["thinking"].is_object()
                   ? body["thinking"].value("budget_tokens", 0)
                   : 0;
  out["max_tokens"] =
      max_tokens ? *max_tokens : (budget > 0 ? budget + kDefaultMaxTokens : kDefaultMaxTokens);
  if (!tools.empty()) out["tools"] = tools;
  if (json_mode && !body.contains("thinking"))
    tool_choice = ordered_json{{"type", "tool"}, {"name", kJsonTool}};
  if (no_parallel && (!tool_choice || (*tool_choice)["type"] != "none")) {
    if (!tool_choice) tool_choice = ordered_json{{"type", "auto"}};
    (*tool_choice)["disable_parallel_tool_use"] = true;
  }
  if (tool_choice) out["tool_choice"] = *tool_choice;
  for (auto it = body.begin(); it != body.end(); ++it)
    if (it.key() != "model") out[it.key()] = it.value();
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<UpstreamCall> Anthropic::build(const CallInput& in) const {
  if (in.endpoint != Endpoint::kChat) return bad_request("anthropic/ serves chat completions only");
  auto body = messages_request(in);
  if (!body) return body.error();
  UpstreamCall call;
  call.url = in.api_base.ends_with("/v1/messages") ? in.api_base : in.api_base + "/v1/messages";
  call.headers.emplace_back("Content-Type", "application/json");
  call.headers.emplace_back("Accept", "application/json");
  call.headers.emplace_back("anthropic-version", "2023-06-01");
  auto key = in.api_key;
  if (key && key->starts_with("sk-ant-oat")) {
    call.headers.emplace_back("Authorization", "Bearer " + *key);
    call.headers.emplace_back("anthropic-beta", "oauth-2025-04-20");
  } else if (key && !key->empty()) {
    call.headers.emplace_back("x-api-key", *key);
  } else if (auto token = env("ANTHROPIC_AUTH_TOKEN"); token && !token->empty()) {
    call.headers.emplace_back("Authorization", "Bearer " + *token);
  } else {
    return Error::make(ErrorKind::kAuthentication, 401,
                       "litellm.AuthenticationError: Missing Anthropic API Key - set "
                       "ANTHROPIC_API_KEY or api_key");
  }
  call.body = std::move(*body);
  return call;
}

Result<std::string> Anthropic::translate_response(Endpoint, std::string&& body,
                                                  Usage& usage) const {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return Error::make(ErrorKind::kApiError, 500,
                       "litellm.APIError: AnthropicException - invalid response");
  if (j.contains("error")) return map_http_error(info_.exception_name, 500, body, {});
  std::string text, reasoning;
  ordered_json tool_calls = ordered_json::array(), thinking_blocks = ordered_json::array();
  std::optional<std::string> json_mode_content;
  for (const auto& b : j.value("content", json::array())) {
    const std::string t = b.value("type", "");
    if (t == "text") {
      text += b.value("text", "");
    } else if (t == "thinking" || t == "redacted_thinking") {
      thinking_blocks.push_back(ordered_json::parse(b.dump()));
      reasoning += b.value("thinking", "");
    } else if (t == "tool_use" || t == "server_tool_use") {
      if (b.value("name", "") == kJsonTool) {
        const json& input = b.value("input", json::object());
        json_mode_content = input.contains("values") ? input["values"].dump() : input.dump();
        continue;
      }
      tool_calls.push_back({{"id", b.value("id", "")},
                            {"type", "function"},
                            {"function",
                             {{"name", b.value("name", "")},
                              {"arguments", b.value("input", json::object()).dump()}}}});
    }
  }
  if (json_mode_content) text += *json_mode_content;
  ordered_json message = {{"role", "assistant"},
                          {"content", text.empty() ? ordered_json(nullptr) : ordered_json(text)}};
  if (!tool_calls.empty()) message["tool_calls"] = tool_calls;
  if (!reasoning.empty()) message["reasoning_content"] = reasoning;
  if (!thinking_blocks.empty()) message["thinking_blocks"] = thinking_blocks;
  std::string fr = json_mode_content && tool_calls.empty()
                       ? "stop"
                       : finish_reason(j.value("stop_reason", "end_turn"));
  ordered_json out = {{"id", "chatcmpl-" + uuid4()},
                      {"object", "chat.completion"},
                      {"created", unix_now()},
                      {"model", j.value("model", "")},
                      {"system_fingerprint", nullptr},
                      {"choices", ordered_json::array({ordered_json{
                                      {"index", 0}, {"message", message}, {"finish_reason", fr}}})},
                      {"usage", openai_usage(j.value("usage", json::object()), usage)}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::unique_ptr<StreamTranslator> Anthropic::stream_translator(Endpoint) const {
  return std::make_unique<EventStream>();
}

Error Anthropic::map_error(int status, std::string_view body, const HeaderViews& headers) const {
  // 529 overloaded → InternalServerError (LiteLLM: the client sees 500).
  const bool overloaded = status == 529 || body.find("overloaded_error") != std::string_view::npos;
  Error e = map_http_error(info_.exception_name, overloaded ? 500 : status, body, headers);
  if (body.find("content filtering policy") != std::string_view::npos) {
    e.kind = ErrorKind::kContentPolicyViolation;
    e.status = 400;
  }
  return e;
}

}  // namespace litellm::providers::anthropic
