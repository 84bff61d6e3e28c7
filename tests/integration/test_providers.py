"""Native provider wire formats through the real binary, with the OpenAI SDK as client."""
import json

import openai
import pytest
import requests

from conftest import MASTER_KEY

MSG = [{"role": "user", "content": "hi"}]


def seed_shaped(mock):
    """Like the seed report: kimi-k2 and deepseek-v3 on Ollama Cloud with OLLAMA_API_KEY."""
    base = f"http://127.0.0.1:{mock.port}"
    return {"model_list": [
        {"model_name": "kimi-k2", "litellm_params": {"model": "ollama_chat/kimi-k2:1t", "api_base": base,
                                                     "api_key": "os.environ/OLLAMA_API_KEY"}},
        {"model_name": "deepseek-v3", "litellm_params": {"model": "ollama_chat/deepseek-v3.1:671b", "api_base": base,
                                                         "api_key": "os.environ/OLLAMA_API_KEY"}}],
        "general_settings": {"master_key": MASTER_KEY},
        "router_settings": {"num_retries": 0}}


@pytest.fixture
def proxy(mock, start_proxy):
    return start_proxy(seed_shaped(mock), env={"OLLAMA_API_KEY": "ollama-cloud-key-123"})


def test_OllamaChat_NonStreaming(mock, proxy):
    r = proxy.client().chat.completions.create(model="kimi-k2", messages=MSG, max_tokens=50,
                                               extra_body={"mock_upstream": {"content": "Hello there", "reasoning": "hmm"}})
    assert r.choices[0].message.content == "Hello there"
    assert r.choices[0].message.model_extra["reasoning_content"] == "hmm"
    assert r.choices[0].finish_reason == "stop"
    assert r.usage.total_tokens == 20
    sent = mock.requests()[-1]
    assert sent["path"] == "/api/chat"
    assert sent["headers"]["authorization"] == "Bearer ollama-cloud-key-123"
    assert sent["body"]["model"] == "kimi-k2:1t"
    assert sent["body"]["options"] == {"num_predict": 50}
    assert sent["body"]["stream"] is False


def test_OllamaChat_StreamingWithUsageAndReasoning(mock, proxy):
    chunks = list(proxy.client().chat.completions.create(
        model="deepseek-v3", messages=MSG, stream=True, stream_options={"include_usage": True},
        extra_body={"mock_upstream": {"content": "one two three", "reasoning": "thinking"}}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three "
    assert chunks[0].choices[0].delta.model_extra.get("reasoning_content") == "thinking"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].usage.completion_tokens > 0


def test_OllamaChat_ToolCalls_StreamedAndNot(mock, proxy):
    calls = [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    r = proxy.client().chat.completions.create(model="kimi-k2", messages=MSG, tools=tools,
                                               extra_body={"mock_upstream": {"content": "", "tool_calls": calls}})
    tc = r.choices[0].message.tool_calls[0]
    assert (tc.function.name, json.loads(tc.function.arguments)) == ("get_weather", {"city": "Paris"})
    assert r.choices[0].finish_reason == "tool_calls"
    assert mock.requests()[-1]["body"]["tools"] == tools       # sent natively
    chunks = list(proxy.client().chat.completions.create(
        model="kimi-k2", messages=MSG, tools=tools, stream=True,
        extra_body={"mock_upstream": {"content": "ok", "tool_calls": calls}}))
    deltas = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas[0].function.name == "get_weather" and deltas[0].index == 0
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["tool_calls"]


def test_OllamaChat_LengthFinishReason(mock, proxy):
    r = proxy.client().chat.completions.create(model="kimi-k2", messages=MSG,
                                               extra_body={"mock_upstream": {"done_reason": "length"}})
    assert r.choices[0].finish_reason == "length"


def test_OllamaChat_RateLimitReachesSdk(mock, proxy):
    with pytest.raises(openai.RateLimitError) as info:
        proxy.client().chat.completions.create(model="kimi-k2", messages=MSG,
                                               extra_body={"mock_upstream": {"status": 429, "message": "weekly limit"}})
    assert info.value.body["message"].startswith("litellm.RateLimitError: OllamaException - weekly limit")


def test_OllamaChat_UnsupportedParam_400_UnlessDropParams(mock, start_proxy):
    cfg = seed_shaped(mock)
    p = start_proxy(cfg, env={"OLLAMA_API_KEY": "k"})
    with pytest.raises(openai.BadRequestError) as info:
        p.client().chat.completions.create(model="kimi-k2", messages=MSG, logit_bias={"1": 1})
    assert "does not support parameters: ['logit_bias']" in info.value.body["message"]
    cfg["litellm_settings"] = {"drop_params": True}
    p2 = start_proxy(cfg, env={"OLLAMA_API_KEY": "k"})
    assert p2.client().chat.completions.create(model="kimi-k2", messages=MSG, logit_bias={"1": 1}).choices


def test_Azure_DeploymentUrlApiVersionAndKeyHeader(mock, start_proxy):
    cfg = {"model_list": [
        {"model_name": "gpt-4o-azure", "litellm_params": {"model": "azure/my-gpt4o-deployment", "api_base": f"http://127.0.0.1:{mock.port}",
                                                          "api_key": "azure-key-1", "api_version": "2024-10-21"}},
        {"model_name": "azure-embed", "litellm_params": {"model": "azure/embed-dep", "api_base": f"http://127.0.0.1:{mock.port}",
                                                         "api_key": "azure-key-1"}}],
        "general_settings": {"master_key": MASTER_KEY}, "router_settings": {"num_retries": 0}}
    proxy = start_proxy(cfg)
    client = proxy.client()
    r = client.chat.completions.create(model="gpt-4o-azure", messages=MSG, extra_body={"mock_upstream": {"content": "from azure"}})
    assert r.choices[0].message.content == "from azure"
    sent = mock.requests()[-1]
    assert sent["path"] == "/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21"
    assert sent["headers"]["api-key"] == "azure-key-1" and "authorization" not in sent["headers"]
    chunks = list(client.chat.completions.create(model="gpt-4o-azure", messages=MSG, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    client.embeddings.create(model="azure-embed", input="x")
    assert mock.requests()[-1]["path"] == "/openai/deployments/embed-dep/embeddings?api-version=2025-02-01-preview"
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="gpt-4o-azure", messages=MSG, extra_body={"mock_upstream": {
            "status": 400, "message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy."}})
    assert info.value.body["message"].startswith("litellm.ContentPolicyViolationError: AzureException")
    with pytest.raises(openai.RateLimitError) as limited:
        client.chat.completions.create(model="gpt-4o-azure", messages=MSG, extra_body={"mock_upstream": {
            "status": 429, "headers": {"retry-after": "3"}}})
    assert limited.value.response.headers["retry-after"] == "3"


@pytest.fixture
def gemini_proxy(mock, start_proxy):
    base = f"http://127.0.0.1:{mock.port}/v1beta"
    cfg = {"model_list": [
        {"model_name": "gemini-2.5-flash", "litellm_params": {"model": "gemini/gemini-2.5-flash", "api_base": base,
                                                              "api_key": "os.environ/GEMINI_API_KEY"}},
        {"model_name": "gemini-limited", "litellm_params": {"model": "gemini/gemini-429", "api_base": base}},
        {"model_name": "gemini-badkey", "litellm_params": {"model": "gemini/gemini-badkey", "api_base": base}},
        {"model_name": "gemini-embed", "litellm_params": {"model": "gemini/text-embedding-004", "api_base": base}}],
        "general_settings": {"master_key": MASTER_KEY}, "router_settings": {"num_retries": 0}}
    return start_proxy(cfg, env={"GEMINI_API_KEY": "gemini-key-xyz"})


def test_Gemini_ChatStreamToolsEmbeddings(mock, gemini_proxy):
    client = gemini_proxy.client()
    r = client.chat.completions.create(model="gemini-2.5-flash", max_tokens=20, reasoning_effort="low",
                                       messages=[{"role": "system", "content": "Be short."}, {"role": "user", "content": "hello"}])
    assert r.choices[0].message.content == "echo: hello"
    assert r.choices[0].message.model_extra["reasoning_content"] == "pondering"
    assert (r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens) == (9, 7, 16)
    sent = mock.requests()[-1]
    assert sent["path"] == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert sent["headers"]["x-goog-api-key"] == "gemini-key-xyz"
    assert sent["body"]["systemInstruction"] == {"parts": [{"text": "Be short."}]}
    assert sent["body"]["generationConfig"] == {"maxOutputTokens": 20,
                                                "thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": True}}
    chunks = list(client.chat.completions.create(model="gemini-2.5-flash", messages=MSG, stream=True,
                                                 stream_options={"include_usage": True}))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "echo: hi"
    assert mock.requests()[-1]["path"] == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    assert chunks[-1].usage.total_tokens == 16
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    t = client.chat.completions.create(model="gemini-2.5-flash", messages=MSG, tools=tools)
    assert t.choices[0].finish_reason == "tool_calls"
    assert json.loads(t.choices[0].message.tool_calls[0].function.arguments) == {"city": "Paris"}
    st = list(client.chat.completions.create(model="gemini-2.5-flash", messages=MSG, tools=tools, stream=True))
    assert [c.choices[0].finish_reason for c in st if c.choices and c.choices[0].finish_reason] == ["tool_calls"]
    e = client.embeddings.create(model="gemini-embed", input=["a", "b"])
    assert [d.embedding[2] for d in e.data] == [0.0, 1.0]


def test_Gemini_ErrorsMapToSdkClasses(gemini_proxy):
    with pytest.raises(openai.RateLimitError):
        gemini_proxy.client().chat.completions.create(model="gemini-limited", messages=MSG)
    with pytest.raises(openai.AuthenticationError):
        gemini_proxy.client().chat.completions.create(model="gemini-badkey", messages=MSG)


@pytest.fixture
def claude(mock, start_proxy):
    cfg = {"model_list": [{"model_name": "claude", "litellm_params": {
        "model": "anthropic/claude-sonnet-4-5", "api_base": f"http://127.0.0.1:{mock.port}", "api_key": "os.environ/ANTHROPIC_API_KEY"}}],
        "general_settings": {"master_key": MASTER_KEY}, "router_settings": {"num_retries": 0}}
    return start_proxy(cfg, env={"ANTHROPIC_API_KEY": "sk-ant-test-key"})


def test_Anthropic_ChatSystemThinkingUsage(mock, claude):
    r = claude.client().chat.completions.create(
        model="claude", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
        reasoning_effort="low", extra_body={"mock_upstream": {"content": "Hi there", "reasoning": "greeting"}})
    assert r.choices[0].message.content == "Hi there"
    assert r.choices[0].message.model_extra["reasoning_content"] == "greeting"
    assert (r.usage.prompt_tokens, r.usage.completion_tokens) == (12, 6)
    sent = mock.requests()[-1]
    assert sent["path"] == "/v1/messages"
    assert sent["headers"]["x-api-key"] == "sk-ant-test-key" and sent["headers"]["anthropic-version"] == "2023-06-01"
    assert sent["body"]["system"] == [{"type": "text", "text": "Be brief."}]
    assert sent["body"]["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    assert sent["body"]["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert sent["body"]["max_tokens"] == 1024 + 4096


def test_Anthropic_StreamWithToolCallDeltas(mock, claude):
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    chunks = list(claude.client().chat.completions.create(
        model="claude", messages=MSG, tools=tools, stream=True, stream_options={"include_usage": True},
        extra_body={"mock_upstream": {"content": "Checking"}}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Checking "
    calls = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert calls[0].function.name == "get_weather" and calls[0].index == 0
    assert "".join(tc.function.arguments or "" for tc in calls) == '{"city": "Paris"}'
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["tool_calls"]
    assert chunks[-1].usage.total_tokens == 16
    assert mock.requests()[-1]["body"]["tools"] == [{"name": "get_weather", "input_schema": {"type": "object"}}]


def test_Anthropic_JsonModeAndErrors(mock, claude):
    r = claude.client().chat.completions.create(model="claude", messages=MSG, response_format={"type": "json_object"},
                                                extra_body={"mock_upstream": {"content": ""}})
    assert json.loads(r.choices[0].message.content) == {"city": "Paris"}
    assert r.choices[0].finish_reason == "stop"
    assert mock.requests()[-1]["body"]["tool_choice"] == {"type": "tool", "name": "json_tool_call"}
    with pytest.raises(openai.RateLimitError):
        claude.client().chat.completions.create(model="claude", messages=MSG, extra_body={"mock_upstream": {"status": 429}})
    with pytest.raises(openai.InternalServerError) as info:
        claude.client().chat.completions.create(model="claude", messages=MSG, extra_body={"mock_upstream": {"status": 529}})
    assert info.value.status_code == 500 and "InternalServerError" in info.value.body["message"]


def test_OllamaGenerate_PromptFlattenedAndStreamed(mock, start_proxy):
    cfg = {"model_list": [{"model_name": "llama", "litellm_params": {"model": "ollama/llama3", "api_base": f"http://127.0.0.1:{mock.port}"}}],
           "general_settings": {"master_key": MASTER_KEY}}
    proxy = start_proxy(cfg)
    r = proxy.client().chat.completions.create(model="llama", messages=[{"role": "system", "content": "S"}, {"role": "user", "content": "U"}],
                                               extra_body={"mock_upstream": {"content": "generated text"}})
    assert r.choices[0].message.content == "generated text" and r.usage.total_tokens == 10
    sent = mock.requests()[-1]
    assert sent["path"] == "/api/generate"
    assert sent["body"]["prompt"] == "### System:\nS\n\n### User:\nU\n\n"
    chunks = list(proxy.client().chat.completions.create(model="llama", messages=MSG, stream=True,
                                                         extra_body={"mock_upstream": {"content": "a b"}}))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "a b "


@pytest.mark.parametrize("prefix", ["azure", "ollama_chat", "anthropic"])
def test_ProviderRateLimit_IsCooledAndRetriedOnTheOtherDeployment(prefix, start_proxy):
    from mock_upstream import MockUpstream
    bad, good = MockUpstream(lifetime=60).start(), MockUpstream(lifetime=60).start()
    try:
        def dep(m, **extra):
            base = f"http://127.0.0.1:{m.port}"
            return {"model_name": "g", "litellm_params": {"model": f"{prefix}/m", "api_base": base, "api_key": "k", **extra}}
        cfg = {"model_list": [dep(bad, mock_upstream={"status": 429}, weight=1000), dep(good, weight=1)],
               "general_settings": {"master_key": MASTER_KEY}, "router_settings": {"num_retries": 2, "cooldown_time": 60}}
        proxy = start_proxy(cfg)
        for _ in range(10):
            assert proxy.client().chat.completions.create(model="g", messages=MSG).choices
        assert len(bad.requests()) == 1          # one 429, then benched for the rest
        assert len(good.requests()) == 10
    finally:
        bad.stop()
        good.stop()


def test_SeedShapedConfig_AllModelsEndToEnd(mock, start_proxy):
    cfg = seed_shaped(mock)
    cfg["model_list"].append({"model_name": "gemini-2.5-flash", "litellm_params": {
        "model": "gemini/gemini-2.5-flash", "api_base": f"http://127.0.0.1:{mock.port}/v1beta", "api_key": "os.environ/GEMINI_API_KEY"}})
    cfg["router_settings"].update({"allowed_fails": 3, "cooldown_time": 30, "routing_strategy": "simple-shuffle",
                                   "retry_policy": {"AuthenticationErrorRetries": 0, "RateLimitErrorRetries": 3}})
    proxy = start_proxy(cfg, env={"OLLAMA_API_KEY": "o", "GEMINI_API_KEY": "g"})
    client = proxy.client()
    for model in ("kimi-k2", "deepseek-v3", "gemini-2.5-flash"):
        assert client.chat.completions.create(model=model, messages=MSG).choices[0].message.content
        assert "".join(c.choices[0].delta.content or "" for c in
                       client.chat.completions.create(model=model, messages=MSG, stream=True) if c.choices)
