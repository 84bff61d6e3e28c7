"""Chat, streaming, embeddings and models through the real binary, with the OpenAI SDK as client."""
import json
import socket
import time

import openai
import pytest
import requests

from conftest import MASTER_KEY, upstream_config


def test_Chat_NonStreaming_ReturnsUpstreamAnswerAndRewritesModel(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    client = proxy.client()
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-mock", messages=[{"role": "user", "content": "hi"}],
        metadata={"trace": "abc"}, extra_body={"mock_upstream": {"content": "pong from upstream"}, "top_k": 3})
    resp = raw.parse()
    assert resp.choices[0].message.content == "pong from upstream"
    assert resp.usage.total_tokens == 18
    sent = mock.requests()[-1]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["body"]["model"] == "gpt-4o-mini"          # the deployment's model, not the group
    assert "metadata" not in sent["body"]                    # LiteLLM-only keys never reach the provider
    assert sent["body"]["top_k"] == 3                         # provider-specific params pass through
    assert sent["headers"]["authorization"] == "Bearer sk-provider-secret-9876"
    h = raw.headers
    assert len(h["x-litellm-call-id"]) == 36
    assert len(h["x-litellm-model-id"]) == 64                 # sha256 deployment id
    assert h["x-litellm-model-api-base"] == mock.base_url
    assert h["x-litellm-model-group"] == "gpt-mock"
    assert h["x-litellm-attempted-retries"] == "0"
    assert h["x-litellm-version"]
    assert h["llm_provider-openai-processing-ms"] == "3"
    assert h["x-ratelimit-remaining-requests"] == "99"


def test_Chat_CallIdFromClient_IsReused(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    r = requests.post(proxy.base + "/chat/completions", headers={"Authorization": f"Bearer {MASTER_KEY}",
                                                                 "x-litellm-call-id": "my-call-42"},
                      json={"model": "gpt-mock", "messages": [{"role": "user", "content": "x"}]})
    assert r.status_code == 200
    assert r.headers["x-litellm-call-id"] == "my-call-42"


def test_Stream_WithUsage_RelaysEveryChunkAndUsage(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    stream = proxy.client().chat.completions.create(
        model="gpt-mock", messages=[{"role": "user", "content": "hi"}], stream=True,
        stream_options={"include_usage": True},
        extra_body={"mock_upstream": {"content": "one two three four", "reasoning": "thinking..."}})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three four"
    assert chunks[-1].usage.total_tokens == 15
    first = chunks[0].choices[0].delta
    assert first.model_extra.get("reasoning_content") == "thinking..."   # passed through untouched


def test_Stream_ChunksArriveAsTheyAreProduced(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    stream = proxy.client().chat.completions.create(
        model="gpt-mock", messages=[{"role": "user", "content": "hi"}], stream=True,
        extra_body={"mock_upstream": {"content": "a b c d", "chunk_delay": 0.3}})
    arrivals = []
    for c in stream:
        arrivals.append(time.monotonic())
    # Four paced chunks 0.3 s apart: relayed one by one, not buffered until the end.
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:4])]
    assert all(g > 0.15 for g in gaps), gaps


def test_Stream_RawWireFormat_EndsWithDone(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    r = requests.post(proxy.base + "/v1/chat/completions", stream=True,
                      headers={"Authorization": f"Bearer {MASTER_KEY}"},
                      json={"model": "gpt-mock", "stream": True, "messages": [{"role": "user", "content": "x"}]})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    body = r.content.decode()
    events = [e for e in body.split("\n\n") if e]
    assert events[-1] == "data: [DONE]"
    assert all(e.startswith("data: ") for e in events)
    json.loads(events[0][6:])


def test_Embeddings_And_Completions(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    client = proxy.client()
    emb = client.embeddings.create(model="embed-mock", input=["a", "b"])
    assert len(emb.data) == 2 and emb.data[1].embedding == [0.5, -0.25, 1.0]
    assert mock.requests()[-1]["path"] == "/v1/embeddings"
    comp = client.completions.create(model="gpt-mock", prompt="say hi", extra_body={"mock_upstream": {"content": "hi!"}})
    assert comp.choices[0].text == "hi!"
    assert mock.requests()[-1]["path"] == "/v1/completions"


def test_Models_ListsGroupsAndVisibleAliases(mock, start_proxy):
    cfg = upstream_config(mock, router_settings={"model_group_alias": {"gpt-latest": "gpt-mock",
                                                                        "secret": {"model": "gpt-mock", "hidden": True}}})
    proxy = start_proxy(cfg)
    client = proxy.client()
    ids = [m.id for m in client.models.list()]
    assert ids == ["gpt-mock", "embed-mock", "gpt-latest"]
    # A hidden alias still routes.
    r = client.chat.completions.create(model="secret", messages=[{"role": "user", "content": "x"}])
    assert r.choices[0].message.content
    info = requests.get(proxy.base + "/model/info", headers={"Authorization": f"Bearer {MASTER_KEY}"}).json()
    params = info["data"][0]["litellm_params"]
    assert "api_key" not in params and params["model"] == "openai/gpt-4o-mini"
    assert info["data"][1]["model_info"]["mode"] == "embedding"


def test_AzureStyleDeploymentRoute_TakesModelFromPath(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    r = requests.post(proxy.base + "/openai/deployments/gpt-mock/chat/completions",
                      headers={"api-key": MASTER_KEY}, json={"messages": [{"role": "user", "content": "x"}]})
    assert r.status_code == 200, r.text
    assert mock.requests()[-1]["body"]["model"] == "gpt-4o-mini"


def test_Wildcard_SubstitutesRequestedModel(mock, start_proxy):
    cfg = upstream_config(mock, extra_models=[
        {"model_name": "openai/*", "litellm_params": {"model": "openai/*", "api_base": mock.base_url, "api_key": "k"}}])
    proxy = start_proxy(cfg)
    proxy.client().chat.completions.create(model="openai/gpt-4.1-nano", messages=[{"role": "user", "content": "x"}])
    assert mock.requests()[-1]["body"]["model"] == "gpt-4.1-nano"
    proxy.client().chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "x"}])
    assert mock.requests()[-1]["body"]["model"] == "gpt-5"


def test_ClientDisconnectMidStream_CancelsUpstream(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    s = socket.create_connection(("127.0.0.1", proxy.port))
    body = json.dumps({"model": "gpt-mock", "stream": True, "messages": [{"role": "user", "content": "x"}],
                       "mock_upstream": {"chunks": 200, "chunk_delay": 0.05}}).encode()
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MASTER_KEY.encode() +
              b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    received = b""
    while b"data: " not in received:
        part = s.recv(65536)
        assert part, "connection closed before the first chunk"
        received += part
    s.close()
    deadline = time.time() + 5
    gone = lambda: any(e["event"] == "client_gone" for e in mock.events())
    while time.time() < deadline and not gone():
        time.sleep(0.05)
    assert gone(), "upstream stream was not cancelled"
    # The worker keeps serving.
    r = proxy.client().chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": "x"}])
    assert r.choices[0].message.content


def test_LargeAnswer_SlowReader_ArrivesWhole(mock, start_proxy):
    """An answer far larger than the socket buffers, to a client that reads slowly: the part the
    kernel did not take at once is written as the client drains it, on a keep-alive connection."""
    proxy = start_proxy(upstream_config(mock))
    text = "".join(chr(ord("a") + i % 26) for i in range(3_000_000))
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", proxy.port))
    for _ in range(2):
        body = json.dumps({"model": "gpt-mock", "messages": [{"role": "user", "content": "x"}],
                           "mock_upstream": {"content": text}}).encode()
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                  MASTER_KEY.encode() + b"\r\nContent-Type: application/json\r\nContent-Length: " +
                  str(len(body)).encode() + b"\r\n\r\n" + body)
        time.sleep(0.5)  # the proxy fills the socket buffers and waits
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")))
        while len(rest) < length:
            part = s.recv(65536)
            assert part, "connection closed mid-answer"
            rest += part
        assert head.startswith(b"HTTP/1.1 200")
        assert json.loads(rest)["choices"][0]["message"]["content"] == text
    s.close()


def test_KeepAlive_ManyRequestsOnOneConnection(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    with requests.Session() as c:
        c.headers["Authorization"] = f"Bearer {MASTER_KEY}"
        for i in range(20):
            r = c.post(proxy.base + "/chat/completions",
                       json={"model": "gpt-mock", "messages": [{"role": "user", "content": str(i)}]})
            assert r.status_code == 200
    # The upstream connections were pooled: far fewer than one per request.
    ports = {r["peer_port"] for r in mock.requests()}
    assert len(mock.requests()) == 20 and len(ports) <= 2, ports


def test_UpstreamPool_KeepsOneWarmSpare(mock, start_proxy):
    """When a request has taken the last idle upstream connection, the proxy opens another in the
    background: the next request (here, while a stream holds the first connection) is sent on a
    connection that was open before it arrived, and sequential traffic keeps just that one spare."""
    proxy = start_proxy(upstream_config(mock))
    client = proxy.client()
    stream = client.chat.completions.create(
        model="gpt-mock", messages=[{"role": "user", "content": "hi"}], stream=True,
        extra_body={"mock_upstream": {"content": "a b c d e f", "chunk_delay": 0.2}})
    chunks = iter(stream)
    assert next(chunks).choices[0].delta.content == "a "
    connects = lambda: [e for e in mock.events() if e["event"] == "connect"]
    deadline = time.time() + 5
    while time.time() < deadline and len(connects()) < 2:
        time.sleep(0.02)
    assert len(connects()) == 2, connects()  # the stream's connection and the spare
    sent = time.time()
    r = client.chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": "x"}])
    assert r.choices[0].message.content
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "b c d e f"
    spare = connects()[1]
    assert mock.requests()[-1]["peer_port"] == spare["peer_port"] and spare["time"] < sent
    for i in range(10):
        client.chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": str(i)}])
    # The second request took the spare while the stream held the first: one more was opened then,
    # and none after (sequential requests always find an idle connection).
    time.sleep(0.2)
    assert len(connects()) == 3, connects()
    assert len({r["peer_port"] for r in mock.requests()}) <= 3


def test_Health_CallsEveryDeployment(mock, start_proxy):
    cfg = upstream_config(mock, extra_models=[
        {"model_name": "broken", "litellm_params": {"model": "openai/x", "api_base": "http://127.0.0.1:9/v1", "api_key": "k"}}])
    proxy = start_proxy(cfg)
    assert requests.get(proxy.base + "/health").status_code == 401
    r = requests.get(proxy.base + "/health", headers={"Authorization": f"Bearer {MASTER_KEY}"}).json()
    assert (r["healthy_count"], r["unhealthy_count"]) == (2, 1)
    assert {e["model"] for e in r["healthy_endpoints"]} == {"openai/gpt-4o-mini", "openai/text-embedding-3-small"}
    assert all("api_key" not in e for e in r["healthy_endpoints"] + r["unhealthy_endpoints"])
    assert r["unhealthy_endpoints"][0]["error"].startswith("litellm.APIConnectionError")
    paths = sorted(x["path"] for x in mock.requests())
    assert paths == ["/v1/chat/completions", "/v1/embeddings"]       # a real call per deployment, by mode
    only = requests.get(proxy.base + "/health?model=broken", headers={"Authorization": f"Bearer {MASTER_KEY}"}).json()
    assert (only["healthy_count"], only["unhealthy_count"]) == (0, 1)
