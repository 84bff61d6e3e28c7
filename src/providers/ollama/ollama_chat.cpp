// OpenAI ⇄ Ollama /api/chat (providers.md §5): request mapping, response mapping, NDJSON streaming.
#include "ollama_chat.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "../openai/openai_compatible.hpp"
#include "litellm/common/crypto.hpp"
#include "litellm/common/sse.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/providers/translate.hpp"

namespace litellm::providers::ollama {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// OpenAI content (string or parts) → Ollama text plus base64 images (data-URL prefix stripped).
void flatten_content(const json& content, std::string& text, json& images) {
  if (content.is_string()) {
    text = content.get<std::string>();
    return;
  }
  if (!content.is_array()) return;
  for (const auto& part : content) {
    if (!part.is_object()) continue;
    std::string type = part.value("type", "");
    if (type == "text") {
      text += part.value("text", "");
    } else if (type == "image_url") {
      std::string url = part["image_url"].is_object() ? part["image_url"].value("url", "")
                                                      : part.value("image_url", "");
      images.push_back(parse_data_url(url) ? parse_data_url(url)->data : url);
    }
  }
}

ordered_json convert_message(const json& m) {
  ordered_json out;
  out["role"] = m.value("role", "user");
  std::string text;
  json images = json::array();
  if (m.contains("content")) flatten_content(m["content"], text, images);
  out["content"] = text;
  if (!images.empty()) out["images"] = images;
  if (m.contains("reasoning_content") && m["reasoning_content"].is_string())
    out["thinking"] = m["reasoning_content"];
  if (m.contains("tool_calls") && m["tool_calls"].is_array()) {
    ordered_json calls = ordered_json::array();
    for (const auto& tc : m["tool_calls"]) {
      if (!tc.contains("function")) continue;
      const auto& f = tc["function"];
      json args = json::object();
      if (f.contains("arguments") && f["arguments"].is_string()) {
        args = json::parse(f["arguments"].get<std::string>(), nullptr, false);
        if (args.is_discarded()) args = json::object();
      } else if (f.contains("arguments")) {
        args = f["arguments"];
      }
      calls.push_back({{"function", {{"name", f.value("name", "")}, {"arguments", args}}}});
    }
    out["tool_calls"] = calls;
  }
  if (out["role"] == "tool" && m.contains("name") && m["name"].is_string())
    out["tool_name"] = m["name"];
  return out;
}

const std::set<std::string, std::less<>> kModelfileOptions = {
    "num_ctx",        "mirostat",
    "mirostat_eta",   "mirostat_tau",
    "num_gqa",        "num_thread",
    "repeat_last_n",  "tfs_z",
    "top_k",          "min_p",
    "num_keep",       "typical_p",
    "repeat_penalty", "presence_penalty_ollama",
    "num_gpu"};
const std::set<std::string, std::less<>> kUnsupported = {
    "n",    "presence_penalty",   "logprobs", "top_logprobs", "logit_bias",
    "user", "parallel_tool_calls"};

ordered_json openai_tool_calls(const json& calls, int& next_index) {
  ordered_json out = ordered_json::array();
  for (const auto& tc : calls) {
    const json& f = tc.contains("function") ? tc["function"] : json::object();
    const json& args = f.contains("arguments") ? f["arguments"] : json::object();
    out.push_back({{"index", next_index++},
                   {"id", "call_" + uuid4().substr(0, 8) + uuid4().substr(0, 8)},
                   {"type", "function"},
                   {"function",
                    {{"name", f.value("name", "")},
                     {"arguments", args.is_string() ? args.get<std::string>() : args.dump()}}}});
  }
  return out;
}

// Splits "<think>...</think>" out of content when the model put its reasoning inline.
void split_think(std::string& content, std::string& reasoning) {
  auto open = content.find("<think>");
  auto close = content.find("</think>");
  if (open == std::string::npos || close == std::string::npos || close < open) return;
  reasoning += content.substr(open + 7, close - open - 7);
  content = content.substr(0, open) + content.substr(close + 8);
}

// /api/generate answers {"response": text, "thinking"?: ...}: reshape it as an /api/chat message.
void normalize_generate(json& j) {
  if (j.contains("message") || !j.contains("response")) return;
  json m = {{"role", "assistant"}, {"content", j["response"]}};
  if (j.contains("thinking")) m["thinking"] = j["thinking"];
  j["message"] = m;
}

class NdjsonStream final : public StreamTranslator {
 public:
  explicit NdjsonStream() : id_("chatcmpl-" + uuid4()), created_(unix_now()) {}

  Status feed(std::string_view bytes, std::string& out) override {
    buf_.append(bytes);
    size_t start = 0, nl;
    while ((nl = buf_.find('\n', start)) != std::string::npos) {
      auto st = line(std::string_view(buf_).substr(start, nl - start), out);
      if (!st) return st;
      start = nl + 1;
    }
    buf_.erase(0, start);
    return Ok{};
  }
  Status finish(std::string& out) override {
    if (!trim(buf_).empty()) {
      auto st = line(buf_, out);
      buf_.clear();
      if (!st) return st;
    }
    if (!done_)
      return Error::make(ErrorKind::kApiConnection, 500,
                         "litellm.APIConnectionError: OllamaException - stream ended before done");
    return Ok{};
  }

 private:
  Status line(std::string_view raw, std::string& out) {
    raw = trim(raw);
    if (raw.empty()) return Ok{};
    json j = json::parse(raw, nullptr, false);
    if (!j.is_object())
      return Error::make(ErrorKind::kApiError, 500,
                         "litellm.APIError: OllamaException - invalid stream line");
    if (j.contains("error")) return map_http_error("OllamaException", 500, raw, {});
    normalize_generate(j);
    ordered_json delta = ordered_json::object();
    if (first_) delta["role"] = "assistant";
    if (j.contains("message") && j["message"].is_object()) {
      const json& m = j["message"];
      if (m.contains("thinking") && m["thinking"].is_string() &&
          !m["thinking"].get_ref<const std::string&>().empty())
        delta["reasoning_content"] = m["thinking"];
      if (m.contains("content") && m["content"].is_string()) {
        std::string c = m["content"].get<std::string>();
        // <think> spans inside content (possibly across lines) become reasoning_content.
        std::string reasoning, text;
        for (size_t i = 0; i < c.size();) {
          size_t tag = c.find(in_think_ ? "</think>" : "<think>", i);
          std::string& dest = in_think_ ? reasoning : text;
          if (tag == std::string::npos) {
            dest += c.substr(i);
            break;
          }
          dest += c.substr(i, tag - i);
          i = tag + (in_think_ ? 8 : 7);
          in_think_ = !in_think_;
        }
        c = std::move(text);
        if (!reasoning.empty())
          delta["reasoning_content"] = delta.value("reasoning_content", "") + reasoning;
        if (!c.empty()) delta["content"] = c;
      }
      if (m.contains("tool_calls") && m["tool_calls"].is_array() && !m["tool_calls"].empty()) {
        delta["tool_calls"] = openai_tool_calls(m["tool_calls"], tool_index_);
        had_tools_ = true;
      }
    }
    const bool done = j.value("done", false);
    if (delta.size() > (first_ ? 1u : 0u) || (first_ && !done)) emit(out, delta, nullptr);
    first_ = false;
    if (done) {
      done_ = true;
      usage_.present = true;
      usage_.prompt_tokens = j.value("prompt_eval_count", int64_t{0});
      usage_.completion_tokens = j.value("eval_count", int64_t{0});
      usage_.total_tokens = usage_.prompt_tokens + usage_.completion_tokens;
      emit(out, ordered_json::object(), finish_reason(j.value("done_reason", "stop"), had_tools_));
      if (include_usage_) {
        out += usage_frame(id_, created_, model(j),
                           {{"prompt_tokens", usage_.prompt_tokens},
                            {"completion_tokens", usage_.completion_tokens},
                            {"total_tokens", usage_.total_tokens}});
      }
    }
    model_ = model(j);
    return Ok{};
  }

  std::string model(const json& j) const {
    return j.contains("model") ? j["model"].get<std::string>() : model_;
  }

  void emit(std::string& out, const ordered_json& delta, ordered_json finish) {
    out += chunk_frame(id_, created_, model_, delta, finish);
  }

  std::string buf_;
  std::string id_;
  std::string model_;
  int64_t created_;
  bool first_ = true;
  bool in_think_ = false;
  bool had_tools_ = false;
  int tool_index_ = 0;
};

}  // namespace

std::string finish_reason(std::string_view done_reason, bool had_tool_calls) {
  if (had_tool_calls) return "tool_calls";
  if (done_reason == "length") return "length";
  return "stop";
}

OllamaChat::OllamaChat(bool generate)
    : info_{generate ? "ollama" : "ollama_chat",
            "OllamaException",
            "http://localhost:11434",
            {"OLLAMA_API_BASE"},
            {"OLLAMA_API_KEY"},
            true},
      generate_(generate) {}

Result<std::string> generate_request(const CallInput& in) {
  auto chat = chat_request(in);
  if (!chat) return chat.error();
  ordered_json body = ordered_json::parse(*chat);
  std::string prompt;
  ordered_json images = ordered_json::array();
  for (const auto& m : body["messages"]) {
    const std::string role = m.value("role", "user");
    const std::string text = m.value("content", "");
    if (role == "system") {
      prompt += "### System:\n" + text + "\n\n";
    } else if (role == "assistant") {
      prompt += "### Assistant:\n" + text;
      if (m.contains("tool_calls")) prompt += "Tool Calls: " + m["tool_calls"].dump(2);
      prompt += "\n\n";
    } else {
      prompt += "### User:\n" + text + "\n\n";
    }
    if (m.contains("images"))
      for (const auto& img : m["images"]) images.push_back(img);
  }
  ordered_json out = {{"model", body["model"]}, {"prompt", prompt}};
  if (!images.empty()) out["images"] = images;
  // Everything else chat_request kept (options, format, keep_alive, think, provider-specific keys)
  // carries over; tools do not exist on /api/generate.
  for (auto it = body.begin(); it != body.end(); ++it)
    if (it.key() != "model" && it.key() != "messages" && it.key() != "tools" &&
        it.key() != "stream")
      out[it.key()] = it.value();
  out["stream"] = body["stream"];
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::string> chat_request(const CallInput& in) {
  ordered_json body;
  body["model"] = in.provider_model;
  ordered_json options = ordered_json::object();
  std::vector<std::string> unsupported;
  auto apply = [&](const std::string& k, const json& v) -> bool {
    if (k == "model" || openai::is_litellm_only_key(k) || k == "stream_options" ||
        k == "tool_choice" || k == "functions" || k == "function_call" ||
        std::find(in.drop_keys.begin(), in.drop_keys.end(), k) != in.drop_keys.end())
      return true;
    if (k == "messages") {
      ordered_json msgs = ordered_json::array();
      if (v.is_array())
        for (const auto& m : v) msgs.push_back(convert_message(m));
      body["messages"] = msgs;
    } else if (k == "max_tokens" || k == "max_completion_tokens") {
      options["num_predict"] = v;
    } else if (k == "temperature" || k == "top_p" || k == "seed" || k == "stop") {
      options[k] = v;
    } else if (k == "frequency_penalty") {
      options["repeat_penalty"] = v;
    } else if (kModelfileOptions.contains(k)) {
      options[k] = v;
    } else if (k == "response_format") {
      std::string type = v.is_object() ? v.value("type", "") : "";
      if (type == "json_object")
        body["format"] = "json";
      else if (type == "json_schema" && v.contains("json_schema"))
        body["format"] = v["json_schema"].value("schema", json::object());
    } else if (k == "reasoning_effort") {
      std::string e = v.is_string() ? v.get<std::string>() : "";
      if (in.provider_model.starts_with("gpt-oss"))
        body["think"] = e;
      else
        body["think"] = (e == "low" || e == "medium" || e == "high");
    } else if (k == "stream") {
      // always sent below
    } else if (kUnsupported.contains(k)) {
      if (!in.drop_params) unsupported.push_back(k);
    } else {
      body[k] = v;  // tools, keep_alive, think, format, ...: passed through
    }
    return true;
  };
  std::set<std::string> seen;
  for (const auto& m : *in.members) {
    std::string key(m.key);
    json v = json::parse(m.value, nullptr, false);
    if (v.is_discarded()) continue;
    seen.insert(key);
    apply(key, v);
  }
  for (const config::Json* src : {&in.deployment->params.extra, in.default_params}) {
    if (src == nullptr || !src->is_object()) continue;
    for (auto it = src->begin(); it != src->end(); ++it)
      if (!seen.contains(it.key())) apply(it.key(), json::parse(it.value().dump()));
  }
  if (!unsupported.empty())
    return unsupported_params("ollama_chat", unsupported, in.provider_model);
  if (!options.empty()) body["options"] = options;
  body["stream"] = in.stream;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<UpstreamCall> OllamaChat::build(const CallInput& in) const {
  if (in.endpoint != Endpoint::kChat)
    return bad_request("OllamaException", info_.name + "/ serves chat completions only");
  auto body = generate_ ? generate_request(in) : chat_request(in);
  if (!body) return body.error();
  UpstreamCall call;
  const char* path = generate_ ? "/api/generate" : "/api/chat";
  call.url = in.api_base.ends_with(path) ? in.api_base : in.api_base + path;
  call.headers.emplace_back("Content-Type", "application/json");
  if (in.api_key && !in.api_key->empty())
    call.headers.emplace_back("Authorization", "Bearer " + *in.api_key);
  call.body = std::move(*body);
  return call;
}

Result<std::string> OllamaChat::translate_response(Endpoint, std::string&& body,
                                                   Usage& usage) const {
  json j = json::parse(body, nullptr, false);
  if (j.is_object()) normalize_generate(j);
  if (!j.is_object() || !j.contains("message"))
    return Error::make(
        ErrorKind::kApiError, 500,
        "litellm.APIError: OllamaException - invalid response: " + body.substr(0, 200));
  const json& m = j["message"];
  std::string content = m.value("content", "");
  std::string reasoning = m.value("thinking", "");
  if (reasoning.empty()) split_think(content, reasoning);
  ordered_json message = {{"role", "assistant"}, {"content", content}};
  bool tools = m.contains("tool_calls") && m["tool_calls"].is_array() && !m["tool_calls"].empty();
  if (tools) {
    int index = 0;
    auto calls = openai_tool_calls(m["tool_calls"], index);
    for (auto& c : calls) c.erase("index");
    message["tool_calls"] = calls;
  }
  if (!reasoning.empty()) message["reasoning_content"] = reasoning;
  usage.present = true;
  usage.prompt_tokens = j.value("prompt_eval_count", int64_t{0});
  usage.completion_tokens = j.value("eval_count", int64_t{0});
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  ordered_json out = {
      {"id", "chatcmpl-" + uuid4()},
      {"object", "chat.completion"},
      {"created", unix_now()},
      {"model", j.value("model", "")},
      {"system_fingerprint", nullptr},
      {"choices", ordered_json::array({ordered_json{
                      {"index", 0},
                      {"message", message},
                      {"finish_reason", finish_reason(j.value("done_reason", "stop"), tools)}}})},
      {"usage",
       {{"prompt_tokens", usage.prompt_tokens},
        {"completion_tokens", usage.completion_tokens},
        {"total_tokens", usage.total_tokens}}}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::unique_ptr<StreamTranslator> OllamaChat::stream_translator(Endpoint) const {
  return std::make_unique<NdjsonStream>();
}

}  // namespace litellm::providers::ollama
