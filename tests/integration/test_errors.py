"""Each error class the OpenAI SDK raises, malformed input, timeouts; the worker keeps serving."""
import json
import time

import openai
import pytest
import requests

from conftest import MASTER_KEY, upstream_config

MSG = [{"role": "user", "content": "hi"}]


def no_retries(mock, **kw):
    """Error mapping is observed on one attempt; retries are tested in test_router.py."""
    return upstream_config(mock, router_settings={"num_retries": 0}, **kw)


@pytest.fixture
def proxy(mock, start_proxy):
    return start_proxy(no_retries(mock))


@pytest.mark.parametrize("status,exc,kind", [
    (400, openai.BadRequestError, "BadRequestError"),
    (401, openai.AuthenticationError, "AuthenticationError"),
    (403, openai.PermissionDeniedError, "PermissionDeniedError"),
    (404, openai.NotFoundError, "NotFoundError"),
    (429, openai.RateLimitError, "RateLimitError"),
    (500, openai.InternalServerError, "InternalServerError"),
    (503, openai.InternalServerError, "ServiceUnavailableError"),
])
def test_UpstreamError_MapsToSdkException(proxy, status, exc, kind):
    with pytest.raises(exc) as info:
        proxy.client().chat.completions.create(model="gpt-mock", messages=MSG,
                                               extra_body={"mock_upstream": {"status": status, "message": "boom"}})
    err = info.value
    assert err.status_code == status
    body = err.body
    assert body["message"].startswith(f"litellm.{kind}: OpenAIException - boom")
    assert "Received Model Group=gpt-mock" in body["message"]
    assert err.response.json()["error"]["code"] == str(status)


def test_RateLimit_RetryAfterPassedOn(proxy):
    with pytest.raises(openai.RateLimitError) as info:
        proxy.client().chat.completions.create(model="gpt-mock", messages=MSG, extra_body={
            "mock_upstream": {"status": 429, "headers": {"retry-after": "7"}}})
    assert info.value.response.headers["retry-after"] == "7"


def test_ContextWindow_IsContextWindowExceeded(proxy):
    with pytest.raises(openai.BadRequestError) as info:
        proxy.client().chat.completions.create(model="gpt-mock", messages=MSG, extra_body={"mock_upstream": {
            "status": 400, "message": "This model's maximum context length is 8192 tokens."}})
    assert info.value.body["message"].startswith("litellm.ContextWindowExceededError:")


def test_ProxyAuth_MissingAndMalformedKeys(proxy):
    r = requests.post(proxy.base + "/chat/completions", json={"model": "gpt-mock", "messages": MSG})
    assert r.status_code == 401
    assert r.json()["error"] == {"message": "Authentication Error, No api key passed in.", "type": "auth_error",
                                 "param": "None", "code": "401"}
    r = requests.post(proxy.base + "/chat/completions", headers={"Authorization": "Token abc"},
                      json={"model": "gpt-mock", "messages": MSG})
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix."


def test_ProxyAuth_VirtualKeyWithoutDatabase(proxy):
    with pytest.raises(openai.BadRequestError) as info:
        proxy.client(key="sk-not-the-master").chat.completions.create(model="gpt-mock", messages=MSG)
    assert info.value.body == {"message": "No connected db.", "type": "no_db_connection", "param": None, "code": "400"}


def test_ProxyAuth_KeyHeadersInLiteLLMOrder(proxy):
    for headers in ({"x-litellm-api-key": MASTER_KEY}, {"api-key": MASTER_KEY}, {"x-api-key": MASTER_KEY},
                    {"x-goog-api-key": MASTER_KEY}, {"Ocp-Apim-Subscription-Key": MASTER_KEY},
                    {"x-litellm-api-key": f"Bearer {MASTER_KEY}", "Authorization": "Bearer wrong"}):
        r = requests.get(proxy.base + "/v1/models", headers=headers)
        assert r.status_code == 200, headers


def test_MalformedJson_Is400_AndWorkerKeepsServing(proxy):
    for body in (b"{bad", b"[1,2]", b"", b'{"model": "gpt-mock", "messages": [}'):
        r = requests.post(proxy.base + "/chat/completions", data=body,
                          headers={"Authorization": f"Bearer {MASTER_KEY}", "content-type": "application/json"})
        assert r.status_code == 400
        assert r.json()["error"]["message"].startswith("Invalid JSON payload")
    assert proxy.client().chat.completions.create(model="gpt-mock", messages=MSG).choices


def test_UnknownModel_And_MissingModel(proxy):
    with pytest.raises(openai.BadRequestError) as info:
        proxy.client().chat.completions.create(model="nope", messages=MSG)
    assert "Invalid model name passed in model=nope" in info.value.body["message"]
    r = requests.post(proxy.base + "/chat/completions", headers={"Authorization": f"Bearer {MASTER_KEY}"},
                      json={"messages": MSG})
    assert r.status_code == 400 and "model=None" in r.json()["error"]["message"]


def test_UnknownRoute_404InErrorShape(proxy):
    r = requests.get(proxy.base + "/v1/nothing-here", headers={"Authorization": f"Bearer {MASTER_KEY}"})
    assert r.status_code == 404
    assert set(r.json()["error"]) == {"message", "type", "param", "code"} and r.json()["error"]["code"] == "404"


def test_OversizedBody_Is400_AndWorkerKeepsServing(mock, start_proxy):
    proxy = start_proxy(no_retries(mock, general_settings={"max_request_size_mb": 1}))
    big = {"model": "gpt-mock", "messages": [{"role": "user", "content": "x" * (2 << 20)}]}
    r = requests.post(proxy.base + "/chat/completions", json=big, headers={"Authorization": f"Bearer {MASTER_KEY}"})
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith("Request size is too large")
    assert proxy.client().chat.completions.create(model="gpt-mock", messages=MSG).choices


def test_Timeout_DeploymentTimeoutGives408(mock, start_proxy):
    cfg = no_retries(mock, extra_models=[{"model_name": "slow", "litellm_params": {
        "model": "openai/slow", "api_base": mock.base_url, "api_key": "k", "timeout": 0.5}}])
    proxy = start_proxy(cfg)
    t0 = time.monotonic()
    with pytest.raises(openai.APIStatusError) as info:
        proxy.client().chat.completions.create(model="slow", messages=MSG, extra_body={"mock_upstream": {"hang": 5}})
    assert info.value.status_code == 408
    assert info.value.body["message"].startswith("litellm.Timeout")
    assert time.monotonic() - t0 < 3


def test_Timeout_HeaderOverridesForStreams(mock, start_proxy):
    proxy = start_proxy(no_retries(mock))
    r = requests.post(proxy.base + "/chat/completions", headers={"Authorization": f"Bearer {MASTER_KEY}",
                                                                 "x-litellm-stream-timeout": "0.4"},
                      json={"model": "gpt-mock", "stream": True, "messages": MSG, "mock_upstream": {"hang": 5}})
    assert r.status_code == 408


def test_UpstreamUnreachable_IsConnectionError(mock, start_proxy):
    cfg = no_retries(mock, extra_models=[{"model_name": "down", "litellm_params": {
        "model": "openai/x", "api_base": "http://127.0.0.1:9/v1", "api_key": "k"}}])
    proxy = start_proxy(cfg)
    with pytest.raises(openai.InternalServerError) as info:
        proxy.client().chat.completions.create(model="down", messages=MSG)
    assert info.value.body["message"].startswith("litellm.APIConnectionError")


def test_Stream_UpstreamErrorBeforeFirstChunk_IsHttpError(proxy):
    with pytest.raises(openai.RateLimitError):
        proxy.client().chat.completions.create(model="gpt-mock", messages=MSG, stream=True,
                                               extra_body={"mock_upstream": {"status": 429}})


def test_Stream_UpstreamDropsMidStream_ClientGetsErrorFrame(proxy):
    r = requests.post(proxy.base + "/chat/completions", headers={"Authorization": f"Bearer {MASTER_KEY}"}, stream=True,
                      json={"model": "gpt-mock", "stream": True, "messages": MSG,
                            "mock_upstream": {"content": "a b c d e", "disconnect_after": 2}})
    assert r.status_code == 200
    events = [e for e in r.content.decode().split("\n\n") if e]
    assert len(events) == 3
    last = json.loads(events[-1][6:])
    assert "error" in last and last["error"]["code"] == "500"
    assert "data: [DONE]" not in events


def test_Stream_UpstreamErrorEvent_SdkRaises(proxy):
    stream = proxy.client().chat.completions.create(model="gpt-mock", messages=MSG, stream=True, extra_body={
        "mock_upstream": {"content": "a b c d", "stream_error_after": 2}})
    with pytest.raises(openai.APIError) as info:
        for _ in stream:
            pass
    assert "mock upstream failed mid-stream" in str(info.value)


def test_MockResponseError_RaisesThatClass(mock, start_proxy):
    cfg = no_retries(mock, extra_models=[{"model_name": "ratelimited", "litellm_params": {
        "model": "openai/x", "mock_response": "litellm.RateLimitError"}}])
    proxy = start_proxy(cfg)
    with pytest.raises(openai.RateLimitError):
        proxy.client().chat.completions.create(model="ratelimited", messages=MSG)
