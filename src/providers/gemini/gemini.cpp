// OpenAI ⇄ Gemini generateContent (providers.md §3): contents, systemInstruction, tools,
// generationConfig, thinking; responses and SSE chunks back to OpenAI shapes; embeddings via
// batchEmbedContents.
#include "gemini.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "../openai/openai_compatible.hpp"
#include "litellm/common/crypto.hpp"
#include "litellm/common/sse.hpp"
#include "litellm/common/strings.hpp"
#include "litellm/providers/sse_stream.hpp"
#include "litellm/providers/translate.hpp"

namespace litellm::providers::gemini {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
constexpr const char* kDefaultBase = "https://generativelanguage.googleapis.com";

Error bad_request(const std::string& what) {
  return providers::bad_request("GeminiException", what);
}

// OpenAI content → Gemini parts.
Result<ordered_json> parts_of(const json& content) {
  ordered_json parts = ordered_json::array();
  if (content.is_string()) {
    if (!content.get_ref<const std::string&>().empty()) parts.push_back({{"text", content}});
    return parts;
  }
  if (!content.is_array()) return parts;
  for (const auto& p : content) {
    std::string type = p.value("type", "");
    if (type == "text") {
      if (!p.value("text", "").empty()) parts.push_back({{"text", p["text"]}});
    } else if (type == "image_url") {
      std::string url =
          p["image_url"].is_object() ? p["image_url"].value("url", "") : p.value("image_url", "");
      if (auto d = parse_data_url(url)) {
        parts.push_back({{"inlineData", {{"mimeType", d->mime}, {"data", d->data}}}});
      } else if (url.starts_with("gs://")) {
        parts.push_back({{"fileData", {{"mimeType", "image/jpeg"}, {"fileUri", url}}}});
      } else {
        return bad_request(
            "image URLs must be base64 data URLs or gs:// URIs (litellm-cpp does not download "
            "images)");
      }
    }
  }
  return parts;
}

std::optional<ordered_json> thinking_config(const json& effort, const std::string& model) {
  std::string e = effort.is_string()   ? effort.get<std::string>()
                  : effort.is_object() ? effort.value("effort", "")
                                       : "";
  if (e == "none" || e == "disable")
    return ordered_json{{"thinkingBudget", 0}, {"includeThoughts", false}};
  int budget = 0;
  if (e == "minimal")
    budget = model.find("flash-lite") != std::string::npos  ? 512
             : model.find("2.5-flash") != std::string::npos ? 1
                                                            : 128;
  else if (e == "low")
    budget = 1024;
  else if (e == "medium")
    budget = 2048;
  else if (e == "high")
    budget = 4096;
  else
    return std::nullopt;
  if (model.find("gemini-3") != std::string::npos) {
    std::string level = e == "minimal" || e == "low" ? "low" : "high";
    return ordered_json{{"thinkingLevel", level}, {"includeThoughts", true}};
  }
  return ordered_json{{"thinkingBudget", budget}, {"includeThoughts", true}};
}

// Gemini usageMetadata → OpenAI usage.
ordered_json openai_usage(const json& um, Usage& usage) {
  const int64_t prompt = um.value("promptTokenCount", int64_t{0});
  const int64_t candidates = um.value("candidatesTokenCount", int64_t{0});
  const int64_t thoughts = um.value("thoughtsTokenCount", int64_t{0});
  const int64_t total = um.value("totalTokenCount", prompt + candidates + thoughts);
  usage.present = true;
  usage.prompt_tokens = prompt;
  usage.completion_tokens = candidates + (prompt + candidates != total ? thoughts : 0);
  usage.total_tokens = total;
  ordered_json u = {{"prompt_tokens", usage.prompt_tokens},
                    {"completion_tokens", usage.completion_tokens},
                    {"total_tokens", usage.total_tokens}};
  if (um.contains("cachedContentTokenCount"))
    u["prompt_tokens_details"] = {{"cached_tokens", um["cachedContentTokenCount"]}};
  if (thoughts > 0) u["completion_tokens_details"] = {{"reasoning_tokens", thoughts}};
  return u;
}

// One candidate's parts → message fields (content, reasoning_content, tool_calls).
struct Parts {
  std::string text, reasoning;
  ordered_json tool_calls = ordered_json::array();
  bool has_text = false;
};
Parts read_parts(const json& candidate, int& tool_index) {
  Parts out;
  if (!candidate.contains("content") || !candidate["content"].contains("parts")) return out;
  for (const auto& p : candidate["content"]["parts"]) {
    if (p.contains("functionCall")) {
      const auto& fc = p["functionCall"];
      std::string id = "call_" + sha256_hex(uuid4()).substr(0, 28);
      if (p.contains("thoughtSignature"))
        id += "__thought__" + p["thoughtSignature"].get<std::string>();
      out.tool_calls.push_back({{"index", tool_index++},
                                {"id", id},
                                {"type", "function"},
                                {"function",
                                 {{"name", fc.value("name", "")},
                                  {"arguments", fc.value("args", json::object()).dump()}}}});
    } else if (p.contains("text")) {
      if (p.value("thought", false))
        out.reasoning += p["text"].get<std::string>();
      else
        out.text += p["text"].get<std::string>(), out.has_text = true;
    }
  }
  return out;
}

bool blocked(const json& j) {
  return j.contains("promptFeedback") && j["promptFeedback"].contains("blockReason");
}

class GeminiStream final : public SseStreamTranslator {
 public:
  explicit GeminiStream(std::string model)
      : id_("chatcmpl-" + uuid4()), model_(std::move(model)), created_(unix_now()) {}

 private:
  // Gemini streams end when the connection closes (no [DONE]).
  Status on_end(std::string& out) override {
    done_ = true;
    if (!finished_) chunk(out, ordered_json::object(), saw_tools_ ? "tool_calls" : "stop");
    if (include_usage_ && usage_.present) {
      out += usage_frame(id_, created_, model_, usage_json_);
    }
    return Ok{};
  }

  Status on_events(const std::vector<sse::Event>& events, std::string& out) override {
    for (const auto& ev : events) {
      json j = json::parse(ev.data, nullptr, false);
      if (!j.is_object()) continue;
      if (j.contains("error")) {
        int code = j["error"].value("code", 500);
        return map_http_error("GeminiException", code, ev.data, {});
      }
      if (j.contains("usageMetadata")) usage_json_ = openai_usage(j["usageMetadata"], usage_);
      if (blocked(j)) {
        chunk(out, ordered_json::object(), "content_filter");
        finished_ = true;
        continue;
      }
      if (!j.contains("candidates") || j["candidates"].empty()) continue;
      const auto& cand = j["candidates"][0];
      Parts p = read_parts(cand, tool_index_);
      ordered_json delta = ordered_json::object();
      if (first_) delta["role"] = "assistant";
      if (p.has_text) delta["content"] = p.text;
      if (!p.reasoning.empty()) delta["reasoning_content"] = p.reasoning;
      if (!p.tool_calls.empty()) delta["tool_calls"] = p.tool_calls, saw_tools_ = true;
      std::optional<std::string> fr;
      if (cand.contains("finishReason")) {
        fr = finish_reason(cand["finishReason"].get<std::string>());
        if (*fr == "stop" && saw_tools_) fr = "tool_calls";
      }
      if (delta.size() > 0 || fr) {
        chunk(out, delta, fr ? ordered_json(*fr) : ordered_json(nullptr));
        first_ = false;
      }
      if (fr) finished_ = true;
    }
    return Ok{};
  }
  void chunk(std::string& out, const ordered_json& delta, ordered_json finish) {
    out += chunk_frame(id_, created_, model_, delta, finish);
  }
  std::string id_, model_;
  int64_t created_;
  ordered_json usage_json_;
  bool first_ = true, finished_ = false, saw_tools_ = false;
  int tool_index_ = 0;
};

}  // namespace

std::string finish_reason(std::string_view r) {
  if (r == "MAX_TOKENS") return "length";
  static const std::set<std::string, std::less<>> kFilter = {"SAFETY",
                                                             "RECITATION",
                                                             "LANGUAGE",
                                                             "OTHER",
                                                             "BLOCKLIST",
                                                             "PROHIBITED_CONTENT",
                                                             "SPII",
                                                             "IMAGE_SAFETY",
                                                             "IMAGE_PROHIBITED_CONTENT",
                                                             "IMAGE_RECITATION",
                                                             "IMAGE_OTHER",
                                                             "NO_IMAGE"};
  if (kFilter.contains(r)) return "content_filter";
  return "stop";
}

Gemini::Gemini()
    : info_{"gemini",
            "GeminiException",
            kDefaultBase,
            {"GEMINI_API_BASE"},
            {"GOOGLE_API_KEY", "GEMINI_API_KEY"},
            true} {}

std::string request_url(const std::string& api_base, bool custom_base, const std::string& model,
                        Endpoint endpoint, bool stream) {
  const std::string method = endpoint == Endpoint::kEmbedding ? "batchEmbedContents"
                             : stream                         ? "streamGenerateContent?alt=sse"
                                                              : "generateContent";
  if (custom_base)
    return api_base + "/models/" + model + ":" + method;  // LiteLLM's custom api_base rule
  const char* version = model.find("gemini-3") != std::string::npos ? "v1alpha" : "v1beta";
  return api_base + "/" + version + "/models/" + model + ":" + method;
}

Result<std::string> chat_request(const CallInput& in) {
  ordered_json body;
  ordered_json contents = ordered_json::array();
  ordered_json system_parts = ordered_json::array();
  ordered_json gen = ordered_json::object();
  std::vector<std::string> unsupported;
  std::map<std::string, std::string> tool_names;  // tool_call_id → function name
  json messages = json::array();
  for (const auto& m : *in.members) {
    std::string k(m.key);
    json v = json::parse(m.value, nullptr, false);
    if (v.is_discarded() || openai::is_litellm_only_key(k) || k == "model" || k == "stream" ||
        k == "stream_options" ||
        std::find(in.drop_keys.begin(), in.drop_keys.end(), k) != in.drop_keys.end())
      continue;
    if (k == "messages")
      messages = v;
    else if (k == "max_tokens" || k == "max_completion_tokens")
      gen["maxOutputTokens"] = v;
    else if (k == "temperature")
      gen["temperature"] = v;
    else if (k == "top_p")
      gen["topP"] = v;
    else if (k == "n")
      gen["candidateCount"] = v;
    else if (k == "stop")
      gen["stopSequences"] = v.is_string() ? json::array({v}) : v;
    else if (k == "presence_penalty")
      gen["presencePenalty"] = v;
    else if (k == "frequency_penalty")
      gen["frequencyPenalty"] = v;
    else if (k == "seed")
      gen["seed"] = v;
    else if (k == "response_format") {
      std::string type = v.value("type", "");
      if (type == "json_object")
        gen["responseMimeType"] = "application/json";
      else if (type == "text")
        gen["responseMimeType"] = "text/plain";
      else if (type == "json_schema") {
        gen["responseMimeType"] = "application/json";
        json schema = v.contains("json_schema") ? v["json_schema"].value("schema", json::object())
                                                : json::object();
        gen["responseJsonSchema"] = schema;
      }
    } else if (k == "reasoning_effort") {
      if (auto tc = thinking_config(v, in.provider_model)) gen["thinkingConfig"] = *tc;
    } else if (k == "tools") {
      ordered_json decls = ordered_json::array();
      for (const auto& t : v)
        if (t.value("type", "") == "function" && t.contains("function")) {
          ordered_json d = {{"name", t["function"].value("name", "")}};
          if (t["function"].contains("description"))
            d["description"] = t["function"]["description"];
          if (t["function"].contains("parameters")) {
            json params = t["function"]["parameters"];
            params.erase("additionalProperties");
            params.erase("strict");
            d["parameters"] = params;
          }
          decls.push_back(d);
        }
      if (!decls.empty()) body["tools"] = ordered_json::array({{{"functionDeclarations", decls}}});
    } else if (k == "tool_choice") {
      if (v.is_string()) {
        std::string c = v.get<std::string>();
        std::string mode = c == "none" ? "NONE" : c == "required" ? "ANY" : "AUTO";
        body["toolConfig"] = {{"functionCallingConfig", {{"mode", mode}}}};
      } else if (v.is_object() && v.contains("function")) {
        body["toolConfig"] = {
            {"functionCallingConfig",
             {{"mode", "ANY"}, {"allowedFunctionNames", {v["function"].value("name", "")}}}}};
      }
    } else if (k == "user" || k == "logit_bias") {
      if (!in.drop_params) unsupported.push_back(k);
    } else if (k == "safety_settings" || k == "safetySettings") {
      body["safetySettings"] = v;
    } else if (k == "thinking" && v.is_object()) {
      int budget = v.value("budget_tokens", 0);
      gen["thinkingConfig"] = {{"thinkingBudget", budget}, {"includeThoughts", budget != 0}};
    }
    // Other keys (provider-specific or unknown) are not part of generateContent: ignored.
  }
  if (!unsupported.empty()) return unsupported_params("gemini", unsupported, in.provider_model);
  for (const auto& msg : messages) {
    std::string role = msg.value("role", "user");
    if (role == "system" || role == "developer") {
      auto parts = parts_of(msg.value("content", json("")));
      if (!parts) return parts.error();
      for (auto& p : *parts) system_parts.push_back(p);
      continue;
    }
    ordered_json turn;
    if (role == "assistant") {
      auto parts = parts_of(msg.value("content", json(nullptr)));
      if (!parts) return parts.error();
      ordered_json out_parts = ordered_json::array();
      for (auto& p : *parts) out_parts.push_back(p);
      if (msg.contains("tool_calls") && msg["tool_calls"].is_array()) {
        for (const auto& tc : msg["tool_calls"]) {
          const auto& f = tc["function"];
          json args = json::parse(f.value("arguments", "{}"), nullptr, false);
          if (args.is_discarded()) args = json::object();
          tool_names[tc.value("id", "")] = f.value("name", "");
          ordered_json part = {{"functionCall", {{"name", f.value("name", "")}, {"args", args}}}};
          std::string id = tc.value("id", "");
          if (auto pos = id.find("__thought__"); pos != std::string::npos)
            part["thoughtSignature"] = id.substr(pos + 11);
          out_parts.push_back(part);
        }
      }
      turn = {{"role", "model"}, {"parts", out_parts}};
    } else if (role == "tool" || role == "function") {
      std::string id = msg.value("tool_call_id", "");
      auto it = tool_names.find(id);
      if (it == tool_names.end() && role == "tool")
        return bad_request("Missing corresponding tool call for tool response message");
      std::string text = msg.value("content", json("")).is_string() ? msg.value("content", "")
                                                                    : msg["content"].dump();
      turn = {
          {"role", "user"},
          {"parts", ordered_json::array(
                        {{{"functionResponse",
                           {{"name", it != tool_names.end() ? it->second : msg.value("name", "")},
                            {"response", {{"content", text}}}}}}})}};
    } else {
      auto parts = parts_of(msg.value("content", json("")));
      if (!parts) return parts.error();
      ordered_json out_parts = ordered_json::array();
      bool has_text = false;
      for (auto& p : *parts) {
        has_text = has_text || p.contains("text");
        out_parts.push_back(p);
      }
      if (!has_text) out_parts.push_back({{"text", " "}});
      turn = {{"role", "user"}, {"parts", out_parts}};
    }
    // Consecutive turns of one role are merged, as Gemini requires alternation.
    if (!contents.empty() && contents.back()["role"] == turn["role"]) {
      for (auto& p : turn["parts"]) contents.back()["parts"].push_back(p);
    } else {
      contents.push_back(turn);
    }
  }
  ordered_json out;
  out["contents"] = contents;
  if (!system_parts.empty()) out["systemInstruction"] = {{"parts", system_parts}};
  for (auto it = body.begin(); it != body.end(); ++it) out[it.key()] = it.value();
  if (!gen.empty()) out["generationConfig"] = gen;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<UpstreamCall> Gemini::build(const CallInput& in) const {
  UpstreamCall call;
  const bool custom = in.api_base != kDefaultBase;
  call.url = request_url(in.api_base, custom, in.provider_model, in.endpoint, in.stream);
  call.headers.emplace_back("Content-Type", "application/json");
  if (in.api_key && !in.api_key->empty()) call.headers.emplace_back("x-goog-api-key", *in.api_key);
  if (in.endpoint == Endpoint::kEmbedding) {
    const ::litellm::json::Member* input = nullptr;
    for (const auto& m : *in.members)
      if (m.key == "input") input = &m;
    json v = input ? json::parse(input->value, nullptr, false) : json();
    json texts = v.is_array() ? v : json::array({v});
    ordered_json reqs = ordered_json::array();
    for (const auto& t : texts)
      reqs.push_back(
          {{"model", "models/" + in.provider_model},
           {"content",
            {{"parts", ordered_json::array(
                           {{{"text", t.is_string() ? t.get<std::string>() : t.dump()}}})}}}});
    call.body = ordered_json{{"requests", reqs}}.dump();
    return call;
  }
  if (in.endpoint != Endpoint::kChat)
    return bad_request("gemini/ serves chat completions and embeddings");
  auto body = chat_request(in);
  if (!body) return body.error();
  call.body = std::move(*body);
  return call;
}

Result<std::string> Gemini::translate_response(Endpoint endpoint, std::string&& body,
                                               Usage& usage) const {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return Error::make(ErrorKind::kApiError, 422,
                       "litellm.APIError: GeminiException - invalid response");
  if (endpoint == Endpoint::kEmbedding) {
    ordered_json data = ordered_json::array();
    int i = 0;
    for (const auto& e : j.value("embeddings", json::array()))
      data.push_back({{"object", "embedding"},
                      {"index", i++},
                      {"embedding", e.value("values", json::array())}});
    return ordered_json{{"object", "list"},
                        {"data", data},
                        {"model", ""},
                        {"usage", {{"prompt_tokens", 0}, {"total_tokens", 0}}}}
        .dump();
  }
  ordered_json choices = ordered_json::array();
  int tool_index = 0;
  if (blocked(j) || !j.contains("candidates")) {
    choices.push_back({{"index", 0},
                       {"message", {{"role", "assistant"}, {"content", nullptr}}},
                       {"finish_reason", "content_filter"}});
  } else {
    for (const auto& cand : j["candidates"]) {
      Parts p = read_parts(cand, tool_index);
      std::string fr = finish_reason(cand.value("finishReason", "STOP"));
      ordered_json message = {
          {"role", "assistant"},
          {"content",
           p.has_text && fr != "content_filter" ? ordered_json(p.text) : ordered_json(nullptr)}};
      if (!p.reasoning.empty()) message["reasoning_content"] = p.reasoning;
      if (!p.tool_calls.empty()) {
        for (auto& tc : p.tool_calls) tc.erase("index");
        message["tool_calls"] = p.tool_calls;
        fr = "tool_calls";
      }
      choices.push_back(
          {{"index", cand.value("index", 0)}, {"message", message}, {"finish_reason", fr}});
    }
  }
  ordered_json out = {
      {"id", j.contains("responseId") ? j["responseId"].get<std::string>() : "chatcmpl-" + uuid4()},
      {"object", "chat.completion"},
      {"created", unix_now()},
      {"model", j.value("modelVersion", "")},
      {"system_fingerprint", nullptr},
      {"choices", choices}};
  if (j.contains("usageMetadata")) out["usage"] = openai_usage(j["usageMetadata"], usage);
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::unique_ptr<StreamTranslator> Gemini::stream_translator(Endpoint) const {
  return std::make_unique<GeminiStream>("");
}

Error Gemini::map_error(int status, std::string_view body, const HeaderViews& headers) const {
  Error e = map_http_error(info_.exception_name, status == 403 ? 400 : status, body, headers);
  if (body.find("API key not valid") != std::string_view::npos) {
    e.kind = ErrorKind::kAuthentication;
    e.status = 401;
    e.message = "litellm.AuthenticationError: GeminiException - " +
                e.message.substr(e.message.find(" - ") + 3);
  } else if (body.find("RESOURCE_EXHAUSTED") != std::string_view::npos &&
             e.kind != ErrorKind::kRateLimit) {
    e.kind = ErrorKind::kRateLimit;
    e.status = 429;
    e.message =
        "litellm.RateLimitError: GeminiException - " + e.message.substr(e.message.find(" - ") + 3);
  }
  return e;
}

}  // namespace litellm::providers::gemini
