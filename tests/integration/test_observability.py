"""Observability end to end: /metrics parsed by prometheus_client after a known sequence through two
workers, Slack alerts received by a local webhook listener, /health and /health/readiness."""
import re
import socket
import threading
import time

import openai
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import DB_ENV, MASTER_KEY, db_config, upstream_config, wait_for
from mock_upstream import MockUpstream

MSG = [{"role": "user", "content": "hi"}]
AUTH = {"Authorization": f"Bearer {MASTER_KEY}"}


def prometheus_config(mock, **litellm_settings):
    cfg = upstream_config(mock)
    cfg["litellm_settings"] = {"callbacks": ["prometheus"], **litellm_settings}
    return cfg


def scrape(proxy, headers=None):
    """{(sample name, frozenset(labels)): value}, through the Prometheus text parser."""
    r = requests.get(proxy.base + "/metrics", headers=headers or {}, timeout=5)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    out = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            key = (s.name, frozenset(s.labels.items()))
            assert key not in out, f"duplicate series {key}"
            out[key] = s.value
    return out


def pick(samples, name, **labels):
    """Sum of the samples called `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))


def test_Metrics_KnownSequenceThroughTwoWorkers_ExactHostWideCounts(start_proxy, mock):
    proxy = start_proxy(prometheus_config(mock), args=("--num_workers", "2"))
    # The proxy answers as soon as one worker listens; the second may still be starting (slowly
    # under the sanitizers), and the scrapes below compare the host's view from either worker.
    assert wait_for(lambda: pick(scrape(proxy), "litellm_cpp_workers", state="up") == 2, timeout=30)
    client = proxy.client()
    for _ in range(6):
        client.chat.completions.create(model="gpt-mock", messages=MSG)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(model="gpt-mock", messages=MSG,
                                           extra_body={"mock_upstream": {"status": 500}, "num_retries": 0})
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="no-such-model", messages=MSG)

    # Separate connections land on either worker: every scrape must show the host's totals.
    scrapes = [scrape(proxy) for _ in range(6)]
    for s in scrapes[1:]:
        comparable = {k: v for k, v in s.items() if not k[0].startswith("litellm_cpp_in_flight")}
        assert comparable == {k: v for k, v in scrapes[0].items() if not k[0].startswith("litellm_cpp_in_flight")}
    m = scrapes[0]
    total = "litellm_proxy_total_requests_metric_total"
    assert pick(m, total, requested_model="gpt-mock", status_code="200", user="default_user_id") == 6
    assert pick(m, total, requested_model="gpt-mock", status_code="500") == 2
    assert pick(m, total, requested_model="no-such-model", status_code="400") == 1
    failed = "litellm_proxy_failed_requests_metric_total"
    assert pick(m, failed, requested_model="gpt-mock", exception_status="500",
                exception_class="Openai.InternalServerError") == 2
    assert pick(m, failed, exception_status="400", exception_class="BadRequestError") == 1
    assert pick(m, "litellm_request_total_latency_metric_count", requested_model="gpt-mock",
                model="gpt-4o-mini") == 6
    assert pick(m, "litellm_request_total_latency_metric_bucket", requested_model="gpt-mock", le="+Inf") == 6
    assert pick(m, "litellm_llm_api_latency_metric_count", model="gpt-4o-mini") == 6
    assert pick(m, "litellm_overhead_latency_metric_count", model="gpt-4o-mini") == 6
    assert pick(m, "litellm_input_tokens_metric_total", model="gpt-4o-mini", requested_model="gpt-mock") == 6 * 11
    assert pick(m, "litellm_output_tokens_metric_total", model="gpt-4o-mini") == 6 * 7
    assert pick(m, "litellm_total_tokens_metric_total", model="gpt-4o-mini") == 6 * 18
    assert pick(m, "litellm_spend_metric_total", model="gpt-4o-mini") == pytest.approx(6 * 5.85e-6, rel=1e-9)
    dep = dict(requested_model="gpt-mock", litellm_model_name="gpt-4o-mini", api_provider="openai",
               api_base=mock.base_url)
    assert pick(m, "litellm_deployment_success_responses_total", **dep) == 6
    assert pick(m, "litellm_deployment_failure_responses_total", exception_status="500", **dep) == 2
    assert pick(m, "litellm_deployment_total_requests_total", **dep) == 8
    assert pick(m, "litellm_cpp_workers", state="up") == 2
    # Histograms are cumulative and end with +Inf, as Prometheus requires.
    buckets = sorted(((float(dict(ls)["le"]), v) for (n, ls), v in m.items()
                      if n == "litellm_request_total_latency_metric_bucket"
                      and dict(ls)["requested_model"] == "gpt-mock"), key=lambda b: b[0])
    assert [b for b, _ in buckets][:3] == [0.005, 0.00625, 0.0125] and buckets[-1][0] == float("inf")
    assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:]))


def test_Metrics_StreamRecordsTimeToFirstToken(start_proxy, mock):
    proxy = start_proxy(prometheus_config(mock))
    stream = proxy.client().chat.completions.create(model="gpt-mock", messages=MSG, stream=True,
                                                    stream_options={"include_usage": True})
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    m = scrape(proxy)
    assert pick(m, "litellm_llm_api_time_to_first_token_metric_count", model="gpt-4o-mini") == 1
    assert pick(m, "litellm_proxy_total_requests_metric_total", status_code="200") == 1


def test_Metrics_OffWithoutPrometheusCallback_AuthWhenRequired(start_proxy, mock):
    plain = start_proxy(upstream_config(mock))
    assert requests.get(plain.base + "/metrics", timeout=5).status_code == 404
    guarded = start_proxy(prometheus_config(mock, require_auth_for_metrics_endpoint=True))
    assert requests.get(guarded.base + "/metrics", timeout=5).status_code == 401
    assert requests.get(guarded.base + "/metrics", headers=AUTH, timeout=5).status_code == 200
    open_ = start_proxy(prometheus_config(mock))
    assert requests.get(open_.base + "/metrics", timeout=5).status_code == 200  # LiteLLM's default


@pytest.fixture
def slack():
    hook = MockUpstream(lifetime=300).start()
    yield hook
    hook.stop()


def alerts(hook, timeout=10, until=lambda texts: texts):
    deadline = time.time() + timeout
    while time.time() < deadline:
        texts = [r["body"]["text"] for r in hook.requests() if r["path"].startswith("/v1/slack")]
        if until(texts):
            return texts
        time.sleep(0.05)
    return [r["body"]["text"] for r in hook.requests() if r["path"].startswith("/v1/slack")]


def alerting_proxy(start_proxy, mock, hook, models=(), **general):
    cfg = upstream_config(mock, extra_models=models)
    cfg["general_settings"].update({"alerting": ["slack"], "alerting_threshold": 1, **general})
    cfg["router_settings"] = {"num_retries": 0}
    env = {"SLACK_WEBHOOK_URL": hook.base_url + "/slack", "LITELLM_CPP_ALERT_FLUSH_MS": "300"}
    return start_proxy(cfg, env=env)


def test_Alerts_UpstreamFailure_LlmExceptionsPayload(start_proxy, mock, slack):
    proxy = alerting_proxy(start_proxy, mock, slack)
    with pytest.raises(openai.InternalServerError):
        proxy.client().chat.completions.create(model="gpt-mock", messages=MSG,
                                               extra_body={"mock_upstream": {"status": 500, "message": "boom"}})
    texts = alerts(slack, until=lambda t: any("LLM API call failed" in x for x in t))
    text = next(x for x in texts if "LLM API call failed" in x)
    head, _, message = text.partition("\n\nMessage: ")
    assert head.startswith("Level: `High`\nTimestamp: `") and head.endswith("`")
    assert message.startswith("LLM API call failed: `litellm.InternalServerError") and "boom" in message
    assert "sk-provider-secret-9876" not in text
    req = next(r for r in slack.requests() if r["path"].startswith("/v1/slack"))
    assert req["headers"]["content-type"] == "application/json"
    assert list(req["body"]) == ["text"]


def test_Alerts_SlowResponse_LlmTooSlow(start_proxy, mock, slack):
    proxy = alerting_proxy(start_proxy, mock, slack)
    proxy.client().chat.completions.create(model="gpt-mock", messages=MSG,
                                           extra_body={"mock_upstream": {"delay": 1.6}})
    texts = alerts(slack, until=lambda t: any("Responses are slow" in x for x in t))
    slow = [x for x in texts if "Responses are slow" in x]
    assert len(slow) == 1
    assert slow[0].startswith("Level: `Low`")
    assert "s response time > Alerting threshold: 1.0s`" in slow[0]
    assert "Request Model: `gpt-mock`" in slow[0] and "Messages: `[{'role': 'user', 'content': 'hi'}]`" in slow[0]
    # A request that also hangs past the threshold while running is reported as hanging.
    assert any("Requests are hanging - 1.0s+ request time" in x for x in texts)


def test_Alerts_Cooldown_And_DuplicatesSquashed(start_proxy, mock, slack):
    models = [{"model_name": "pair", "litellm_params": {"model": "openai/m", "api_base": mock.base_url,
                                                        "api_key": "k", "mock_upstream": {"status": 429}}},
              {"model_name": "pair", "litellm_params": {"model": "openai/m", "api_base": mock.base_url,
                                                        "api_key": "k", "mock_upstream": {"status": 429}}}]
    proxy = alerting_proxy(start_proxy, mock, slack, models=models)
    client = proxy.client()
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="pair", messages=MSG)
    texts = alerts(slack, until=lambda t: any("Cooling down Deployment" in x for x in t))
    cool = [x for x in texts if "Cooling down Deployment" in x]
    assert cool and cool[0].startswith("Level: `Low`")
    assert "Model Name: `pair`" in cool[0] and "Exception Status Code: `429`" in cool[0]

    # Three failures inside one batch window: one message, "[Num Alerts: 3]".
    slack.reset()
    threads = [threading.Thread(target=lambda: requests.post(
        proxy.base + "/v1/chat/completions", headers=AUTH, timeout=10,
        json={"model": "gpt-mock", "messages": MSG, "mock_upstream": {"status": 500}})) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    texts = alerts(slack, until=lambda t: any("LLM API call failed" in x for x in t))
    failed = [x for x in texts if "LLM API call failed" in x]
    assert len(failed) == 1 and failed[0].startswith("[Num Alerts: 3]\n\nLevel: `High`"), failed


def test_Alerts_DeadWebhook_SlowsNothing(start_proxy, mock):
    # A webhook that accepts connections and never answers.
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead.listen(64)
    try:
        cfg = upstream_config(mock)
        cfg["general_settings"].update({"alerting": ["slack"]})
        env = {"SLACK_WEBHOOK_URL": f"http://127.0.0.1:{dead.getsockname()[1]}/hook",
               "LITELLM_CPP_ALERT_FLUSH_MS": "50"}
        proxy = start_proxy(cfg, env=env)
        slowest = 0.0
        for _ in range(30):
            t0 = time.time()
            r = requests.post(proxy.base + "/v1/chat/completions", headers=AUTH, timeout=10,
                              json={"model": "gpt-mock", "messages": MSG, "mock_upstream": {"status": 500},
                                    "num_retries": 0})
            slowest = max(slowest, time.time() - t0)
            assert r.status_code == 500
            time.sleep(0.02)
        assert slowest < 0.5, slowest
        assert requests.get(proxy.base + "/health/liveliness", timeout=2).status_code == 200
    finally:
        dead.close()


def test_Health_BackgroundChecks_ServeCachedResults(start_proxy, mock):
    cfg = upstream_config(mock)
    cfg["general_settings"].update({"background_health_checks": True, "health_check_interval": 30})
    proxy = start_proxy(cfg)
    deadline = time.time() + 10
    while len(mock.requests()) < 2 and time.time() < deadline:  # the first pass at startup
        time.sleep(0.05)
    calls = len(mock.requests())
    assert calls == 2  # one chat deployment, one embedding deployment
    for _ in range(3):
        r = requests.get(proxy.base + "/health", headers=AUTH, timeout=5).json()
        assert (r["healthy_count"], r["unhealthy_count"]) == (2, 0)
    assert len(mock.requests()) == calls  # answered from the last pass
    only = requests.get(proxy.base + "/health?model=gpt-mock", headers=AUTH, timeout=5).json()
    assert only["healthy_count"] == 1 and len(mock.requests()) == calls + 1


def test_Health_SeparateHealthPort_ServesModelChecksAndReadiness(start_proxy, mock):
    proxy = start_proxy(upstream_config(mock), env={"SEPARATE_HEALTH_APP": "1", "SEPARATE_HEALTH_PORT": "0"})
    deadline = time.time() + 5
    while not re.search(r"separate health app on http://[^:]+:(\d+)", proxy.logs()) and time.time() < deadline:
        time.sleep(0.05)
    port = int(re.search(r"separate health app on http://[^:]+:(\d+)", proxy.logs()).group(1))
    base = f"http://127.0.0.1:{port}"
    assert requests.get(base + "/health", timeout=5).status_code == 401
    r = requests.get(base + "/health", headers=AUTH, timeout=10)
    assert r.status_code == 200 and r.json()["healthy_count"] == 2
    ready = requests.get(base + "/health/readiness", timeout=5).json()
    assert ready["status"] == "healthy" and ready["db"] == "Not connected"
    backlog = requests.get(proxy.base + "/health/backlog", headers=AUTH, timeout=5).json()
    assert backlog == {"in_flight_requests": 1}  # this request itself


def test_Readiness_DatabaseDown_503ThenBack(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=DB_ENV)
    r = requests.get(proxy.base + "/health/readiness", timeout=10)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "healthy" and body["db"] == "connected"
    assert set(body) >= {"cache", "litellm_version", "success_callbacks", "log_level", "is_detailed_debug"}
    server.stop()
    try:
        # A connected answer is reused for 15 s; the next pings after that see the outage.
        deadline = time.time() + 25
        while time.time() < deadline:
            r = requests.get(proxy.base + "/health/readiness", timeout=15)
            if r.status_code == 503:
                break
            time.sleep(0.5)
        assert r.status_code == 503 and r.json()["db"] == "disconnected"
    finally:
        server.start(keep_port=True)
    deadline = time.time() + 20
    while time.time() < deadline:
        r = requests.get(proxy.base + "/health/readiness", timeout=15)
        if r.status_code == 200:
            break
        time.sleep(0.3)
    assert r.status_code == 200 and r.json()["db"] == "connected"


def test_Alerts_KeyCreatedAndBudgetCrossed_WithDatabase(start_proxy, mock, slack, pg):
    server, name, url = pg
    cfg = db_config(mock, url, alerting=["slack"],
                    alert_types=["new_virtual_key_created", "budget_alerts", "llm_exceptions"])
    env = dict(DB_ENV, SLACK_WEBHOOK_URL=slack.base_url + "/slack", LITELLM_CPP_ALERT_FLUSH_MS="200")
    proxy = start_proxy(cfg, env=env)
    r = requests.post(proxy.base + "/key/generate", headers=AUTH, timeout=10,
                      json={"key_alias": "ops-key", "max_budget": 0.00001})
    assert r.status_code == 200, r.text
    key = r.json()["key"]
    texts = alerts(slack, until=lambda t: any("Virtual Key Created" in x for x in t))
    created = next(x for x in texts if "Virtual Key Created" in x)
    assert created.startswith("Level: `High`") and "*Action Done by:*" in created
    assert "*Arguments passed:*\nkey_alias: `'ops-key'`" in created and key not in created
    client = proxy.client(key=key)
    for _ in range(2):  # 5.85e-6 each: the second one crosses 1e-5
        client.chat.completions.create(model="gpt-mock", messages=MSG)
    texts = alerts(slack, until=lambda t: any("Key Budget: Budget Crossed" in x for x in t))
    crossed = [x for x in texts if "Key Budget: Budget Crossed" in x]
    assert len(crossed) == 1 and "Total Budget:`1e-05`" in crossed[0]
