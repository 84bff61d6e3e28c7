"""The router end to end: weights, cooldowns, retries and fallbacks against several counting upstreams."""
import time
from collections import Counter

import openai
import pytest
import requests

from conftest import MASTER_KEY
from mock_upstream import MockUpstream

MSG = [{"role": "user", "content": "hi"}]


@pytest.fixture
def upstreams():
    started = []

    def make(n):
        for _ in range(n):
            started.append(MockUpstream(lifetime=300).start())
        return started[-n:]

    yield make
    for m in started:
        m.stop()


def dep(name, mock, **params):
    return {"model_name": name, "litellm_params": {"model": "openai/m", "api_base": mock.base_url, "api_key": "k",
                                                   **params}}


def config(models, **router_settings):
    return {"model_list": models, "general_settings": {"master_key": MASTER_KEY}, "router_settings": router_settings}


def test_SimpleShuffle_TrafficSplitFollowsWeights(upstreams, start_proxy):
    a, b, c = upstreams(3)
    proxy = start_proxy(config([dep("g", a, weight=1), dep("g", b, weight=2), dep("g", c, weight=7)]))
    client = proxy.client()
    n = 600
    for _ in range(n):
        client.chat.completions.create(model="g", messages=MSG)
    shares = [len(m.requests()) / n for m in (a, b, c)]
    # Binomial standard deviation at n=600 is at most 0.021: allow about three of them.
    for share, expected in zip(shares, (0.1, 0.2, 0.7)):
        assert abs(share - expected) < 0.06, shares


def test_Cooldown_FailingDeploymentBenchedThenBack(upstreams, start_proxy):
    bad, good = upstreams(2)
    cfg = config([dep("g", bad, mock_upstream={"status": 500}), dep("g", good)],
                 allowed_fails=1, cooldown_time=2, num_retries=0)
    proxy = start_proxy(cfg)
    client = proxy.client()
    t0 = None
    for _ in range(200):  # until `bad` has failed twice: allowed_fails 1 → the second failure cools it
        try:
            client.chat.completions.create(model="g", messages=MSG)
        except openai.InternalServerError:
            if len(bad.requests()) == 2:
                t0 = time.monotonic()
                break
    assert t0 is not None, "the failing deployment was never picked twice"
    before = len(bad.requests())
    while time.monotonic() - t0 < 1.5:
        client.chat.completions.create(model="g", messages=MSG)   # all succeed: only `good` is picked
    assert len(bad.requests()) == before
    time.sleep(max(0.0, 2.2 - (time.monotonic() - t0)))
    for _ in range(40):
        try:
            client.chat.completions.create(model="g", messages=MSG)
        except openai.InternalServerError:
            pass
    assert len(bad.requests()) > before, "the deployment took no traffic after its cooldown"
    assert "cooldown start: deployment" in proxy.logs()


def test_Retries_AuthenticationErrorNotRetried_RateLimitRetriedPerPolicy(upstreams, start_proxy):
    m, n = upstreams(2)
    cfg = config([dep("auth", m, mock_upstream={"status": 401}), dep("auth", m, mock_upstream={"status": 401}),
                  dep("limited", n, mock_upstream={"status": 429})],
                 num_retries=5, retry_policy={"AuthenticationErrorRetries": 0, "RateLimitErrorRetries": 2},
                 retry_after=0)
    proxy = start_proxy(cfg)
    with pytest.raises(openai.AuthenticationError):
        proxy.client().chat.completions.create(model="auth", messages=MSG)
    assert len(m.requests()) == 1
    with pytest.raises(openai.RateLimitError) as info:
        proxy.client().chat.completions.create(model="limited", messages=MSG)
    assert len(n.requests()) == 3            # the first call and two retries
    assert info.value.response.headers["x-litellm-attempted-retries"] == "2"
    assert info.value.response.headers["x-litellm-max-retries"] == "2"


def test_Retries_SucceedOnAnotherDeployment(upstreams, start_proxy):
    bad, good = upstreams(2)
    cfg = config([dep("g", bad, mock_upstream={"status": 503}, weight=1000), dep("g", good, weight=1)], num_retries=2)
    proxy = start_proxy(cfg)
    raw = proxy.client().chat.completions.with_raw_response.create(model="g", messages=MSG)
    assert raw.parse().choices[0].message.content
    assert int(raw.headers["x-litellm-attempted-retries"]) >= 1
    assert len(good.requests()) == 1


def test_Fallbacks_TriedInOrder(upstreams, start_proxy):
    p, s, t = upstreams(3)
    cfg = config([dep("primary", p, mock_upstream={"status": 500}), dep("second", s, mock_upstream={"status": 503}),
                  dep("third", t, mock_upstream={"content": "from third"})],
                 num_retries=0, fallbacks=[{"primary": ["second", "third"]}])
    proxy = start_proxy(cfg)
    raw = proxy.client().chat.completions.with_raw_response.create(model="primary", messages=MSG)
    assert raw.parse().choices[0].message.content == "from third"
    assert raw.headers["x-litellm-attempted-fallbacks"] == "2"
    assert raw.headers["x-litellm-model-group"] == "third"
    assert [len(x.requests()) for x in (p, s, t)] == [1, 1, 1]
    assert p.requests()[0]["time"] < s.requests()[0]["time"] < t.requests()[0]["time"]


def test_Fallbacks_ContextWindowGoesToContextWindowFallbacks(upstreams, start_proxy):
    small, big, other = upstreams(3)
    cfg = config([dep("small", small, mock_upstream={"status": 400,
                                                     "message": "This model's maximum context length is 4096 tokens"}),
                  dep("big", big, mock_upstream={"content": "big context"}), dep("other", other)],
                 num_retries=0, fallbacks=[{"small": ["other"]}], context_window_fallbacks=[{"small": ["big"]}])
    proxy = start_proxy(cfg)
    r = proxy.client().chat.completions.create(model="small", messages=MSG)
    assert r.choices[0].message.content == "big context"
    assert len(other.requests()) == 0


def test_Fallbacks_ClientSideList(upstreams, start_proxy):
    p, s = upstreams(2)
    proxy = start_proxy(config([dep("primary", p, mock_upstream={"status": 500}), dep("second", s)], num_retries=0))
    r = proxy.client().chat.completions.create(model="primary", messages=MSG, extra_body={"fallbacks": ["second"]})
    assert r.choices[0].message.content
    assert len(s.requests()) == 1


def test_AllDeploymentsCooling_Gives429NoDeploymentsAvailable(upstreams, start_proxy):
    a, b = upstreams(2)
    cfg = config([dep("g", a, mock_upstream={"status": 429}), dep("g", b, mock_upstream={"status": 429})],
                 cooldown_time=30, num_retries=0)
    proxy = start_proxy(cfg)
    client = proxy.client()
    for _ in range(2):
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(model="g", messages=MSG)
    # Each 429 cools its deployment at once (a group of two); both may need a hit.
    for _ in range(10):
        if len(a.requests()) and len(b.requests()):
            break
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(model="g", messages=MSG)
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="g", messages=MSG)
    assert "No deployments available for selected model, Try again in" in info.value.body["message"]
    assert int(info.value.response.headers["retry-after"]) <= 30
    calls = len(a.requests()) + len(b.requests())
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="g", messages=MSG)
    assert len(a.requests()) + len(b.requests()) == calls    # no upstream call while all are cooling


def test_Stream_RetriedBeforeFirstByte(upstreams, start_proxy):
    bad, good = upstreams(2)
    cfg = config([dep("g", bad, mock_upstream={"status": 500}, weight=1000), dep("g", good, weight=1)], num_retries=3)
    proxy = start_proxy(cfg)
    chunks = list(proxy.client().chat.completions.create(model="g", messages=MSG, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(good.requests()) == 1


def test_ContentFilterOnSuccess_GoesToContentPolicyFallbacks(upstreams, start_proxy):
    filtered, clean = upstreams(2)
    cfg = config([dep("strict", filtered, mock_upstream={"finish_reason": "content_filter", "content": ""}),
                  dep("lenient", clean, mock_upstream={"content": "allowed answer"})],
                 num_retries=0, content_policy_fallbacks=[{"strict": ["lenient"]}])
    proxy = start_proxy(cfg)
    r = proxy.client().chat.completions.create(model="strict", messages=MSG)
    assert r.choices[0].message.content == "allowed answer"
    # Without an entry for the group the filtered answer is returned as it is.
    cfg2 = config([dep("strict", filtered, mock_upstream={"finish_reason": "content_filter", "content": ""}),
                   dep("lenient", clean)], num_retries=0, content_policy_fallbacks=[{"other": ["lenient"]}])
    proxy2 = start_proxy(cfg2)
    r2 = proxy2.client().chat.completions.create(model="strict", messages=MSG)
    assert r2.choices[0].finish_reason == "content_filter"
