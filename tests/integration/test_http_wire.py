"""HTTP/1.1 on the wire, through the worker's own parser: chunked uploads, pipelining, and requests
that must be refused (smuggling, oversized heads and bodies) in LiteLLM's error shape, after which
the worker keeps serving."""
import json
import socket

from conftest import MASTER_KEY, upstream_config

BODY = json.dumps({"model": "gpt-mock", "messages": [{"role": "user", "content": "hi"}]}).encode()


def exchange(port, wire, responses=1):
    """Sends `wire` as one write; returns the `responses` answers as (status, headers, body)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(wire)
    data, out = b"", []
    while len(out) < responses:
        while b"\r\n\r\n" not in data:
            part = s.recv(65536)
            if not part:
                s.close()
                return out
            data += part
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers["content-length"])
        while len(data) < length:
            part = s.recv(65536)
            assert part, "connection closed mid-answer"
            data += part
        out.append((int(lines[0].split()[1]), headers, data[:length]))
        data = data[length:]
    s.close()
    return out


def post_head(extra=b""):
    return (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MASTER_KEY.encode() +
            b"\r\nContent-Type: application/json\r\n" + extra)


def test_ChunkedUpload_IsServed(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    chunks = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(BODY[i:i + 7]), BODY[i:i + 7]) for i in range(0, len(BODY), 7))
    [(status, _, body)] = exchange(proxy.port, post_head(b"Transfer-Encoding: chunked\r\n\r\n") + chunks +
                                   b"0\r\nX-Trailer: 1\r\n\r\n")
    assert status == 200, body
    assert json.loads(body)["choices"][0]["message"]["content"]
    assert mock.requests()[-1]["body"]["messages"] == [{"role": "user", "content": "hi"}]


def test_PipelinedRequests_AnsweredInOrder(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    one = post_head(b"Content-Length: %d\r\n\r\n" % len(BODY)) + BODY
    models = b"GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MASTER_KEY.encode() + b"\r\n\r\n"
    answers = exchange(proxy.port, b"\r\n" + one + models + one, responses=3)
    assert [a[0] for a in answers] == [200, 200, 200]
    assert json.loads(answers[0][2])["object"] == "chat.completion"
    assert json.loads(answers[1][2])["object"] == "list"
    assert json.loads(answers[2][2])["object"] == "chat.completion"


def test_MalformedOrAmbiguousRequests_Are400InErrorShape_WorkerKeepsServing(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    refused = [
        # Both a length and chunked: how requests are smuggled past a proxy in front of us.
        post_head(b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(BODY)) + BODY,
        post_head(b"Transfer-Encoding: gzip\r\n\r\n") + BODY,
        post_head(b"Content-Length: 5\r\nContent-Length: %d\r\n\r\n" % len(BODY)) + BODY,
        post_head(b"X-Bad : space before the colon\r\nContent-Length: 2\r\n\r\n{}"),
        b"GET /health/liveliness HTTP/1.1\nHost: x\n\n",
        post_head(b"Transfer-Encoding: chunked\r\n\r\nnot-hex\r\n"),
    ]
    for wire in refused:
        answers = exchange(proxy.port, wire)
        assert answers, wire
        status, headers, body = answers[0]
        assert status == 400, (wire, body)
        err = json.loads(body)["error"]
        assert err["message"].startswith("Invalid HTTP request: ") and err["type"] == "bad_request_error", err
        assert headers.get("connection") == "close"
    assert proxy.client().chat.completions.create(
        model="gpt-mock", messages=[{"role": "user", "content": "x"}]).choices


def test_OversizedHeadOrDeclaredBody_Refused(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock, general_settings={"max_request_size_mb": 1}))
    [(status, _, body)] = exchange(proxy.port, post_head(b"X-Big: " + b"a" * 70000 + b"\r\n\r\n"))
    assert status == 431, body
    [(status, _, body)] = exchange(proxy.port, post_head(b"Content-Length: 10000000000\r\n\r\n{"))
    assert status == 400
    assert json.loads(body)["error"]["message"].startswith("Request size is too large. Request size is 9536.74 MB")
    assert proxy.client().chat.completions.create(
        model="gpt-mock", messages=[{"role": "user", "content": "x"}]).choices
