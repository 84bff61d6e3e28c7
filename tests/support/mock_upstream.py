"""A scriptable mock LLM upstream speaking OpenAI's wire format (JSON and chunked SSE).

Behaviour is chosen per request by a `mock_upstream` object in the request body (tests send it
with the OpenAI SDK's `extra_body`, deployments with an extra `litellm_params` key):

    {"status": 429, "message": "...", "headers": {"retry-after": "7"}}   an error response
    {"delay": 0.5}                      wait before the response head
    {"hang": 30}                        never answer (bounded)
    {"chunks": 5, "chunk_delay": 0.05}  stream pacing
    {"disconnect_after": 2}             drop the connection after N stream chunks
    {"content": "text"}                 the completion text
    {"stream_error_after": 2}           send an error event inside the stream after N chunks

Every request is recorded (path, headers, JSON body); stream writes that fail because the client
went away are recorded as `client_gone` events, accepted connections as `connect` events (with the
peer port that requests also record). Runs in a thread of the test process, bound to
127.0.0.1, and shuts itself down after `lifetime` seconds.
"""
import json
import socket
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle + delayed ACK add 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.lock:
            self.server.events.append({"event": "connect", "peer_port": self.client_address[1], "time": time.time()})

    def _send_json(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.send_header("x-ratelimit-remaining-requests", "99")
        self.send_header("openai-processing-ms", "3")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            self._send_json(200, {"ok": True})
        else:
            self._send_json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"_unparsed": raw.decode(errors="replace")}
        record = {"peer_port": self.client_address[1], "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                  "time": time.time()}
        with server.lock:
            server.requests.append(record)
        script = body.get("mock_upstream") or {}
        if "delay" in script:
            time.sleep(min(float(script["delay"]), 30))
        if "hang" in script:
            end = time.time() + min(float(script["hang"]), 60)
            while time.time() < end and not server.stopping:
                time.sleep(0.05)
            self.close_connection = True
            return
        status = int(script.get("status", 200))
        if status >= 400:
            message = script.get("message", f"mock upstream error {status}")
            self._send_json(status, {"error": {"message": message, "type": script.get("type", "mock_error"),
                                               "param": None, "code": script.get("code", str(status))}},
                            script.get("headers"))
            return
        model = body.get("model", "unknown")
        content = script.get("content", "Hello from the mock upstream.")
        path = self.path.split("?", 1)[0]
        if ":generateContent" in path or ":streamGenerateContent" in path or ":batchEmbedContents" in path:
            self._gemini(path, body)
            return
        if path.endswith("/v1/messages"):
            self._anthropic(body, script, model, content)
            return
        if path.endswith("/api/chat"):
            self._ollama_chat(body, script, model, content)
            return
        if path.endswith("/api/generate"):
            self._ollama_generate(body, script, model, content)
            return
        if path.endswith("/embeddings"):
            inputs = body.get("input", "")
            n = len(inputs) if isinstance(inputs, list) else 1
            self._send_json(200, {"object": "list", "model": model,
                                  "data": [{"object": "embedding", "index": i, "embedding": [0.5, -0.25, float(i)]}
                                           for i in range(n)],
                                  "usage": {"prompt_tokens": 4 * n, "total_tokens": 4 * n}})
            return
        if path.endswith("/completions") and not path.endswith("/chat/completions"):
            self._send_json(200, {"id": "cmpl-mock", "object": "text_completion", "created": int(time.time()),
                                  "model": model, "choices": [{"text": content, "index": 0, "logprobs": None,
                                                               "finish_reason": "stop"}],
                                  "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}})
            return
        if body.get("stream"):
            self._stream(body, script, model, content)
            return
        self._send_json(200, {
            "id": "chatcmpl-" + uuid.uuid4().hex, "object": "chat.completion", "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content,
                                                 "reasoning_content": script.get("reasoning")},
                         "finish_reason": script.get("finish_reason", "stop")}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}})

    def _gemini(self, path, body):
        """Gemini's generateContent family. Scripted by the model name (the body has no room for a script):
        a model containing "429" answers RESOURCE_EXHAUSTED, "badkey" an invalid-key 400; otherwise the answer
        echoes the last user text, or calls the first declared function when tools are given."""
        model = path.split("/models/")[1].split(":")[0]
        if "429" in model:
            self._send_json(429, {"error": {"code": 429, "message": "Quota exceeded for quota metric", "status": "RESOURCE_EXHAUSTED"}})
            return
        if "badkey" in model:
            self._send_json(400, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                                            "status": "INVALID_ARGUMENT"}})
            return
        if ":batchEmbedContents" in path:
            self._send_json(200, {"embeddings": [{"values": [0.1, 0.2, float(i)]} for i, _ in enumerate(body["requests"])]})
            return
        last = ""
        for c in body.get("contents", []):
            for p in c.get("parts", []):
                if "text" in p:
                    last = p["text"]
        decls = [d for t in body.get("tools", []) for d in t.get("functionDeclarations", [])]
        usage = {"promptTokenCount": 9, "candidatesTokenCount": 4, "thoughtsTokenCount": 3, "totalTokenCount": 16}
        if decls:
            parts = [{"functionCall": {"name": decls[0]["name"], "args": {"city": "Paris"}}}]
        else:
            parts = [{"text": "pondering", "thought": True}, {"text": "echo: " + last}]
        if ":streamGenerateContent" not in path:
            self._send_json(200, {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP",
                                                  "index": 0}], "usageMetadata": usage, "modelVersion": model,
                                  "responseId": "resp-1"})
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for p in parts:
            self._chunk(b"data: " + json.dumps({"candidates": [{"content": {"role": "model", "parts": [p]}, "index": 0}],
                                                "usageMetadata": usage}).encode() + b"\r\n\r\n")
        self._chunk(b"data: " + json.dumps({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]},
                                                            "finishReason": "STOP", "index": 0}],
                                            "usageMetadata": usage}).encode() + b"\r\n\r\n")
        self._chunk(b"")

    def _anthropic(self, body, script, model, content):
        """Anthropic's Messages API: a message, or its event stream (message_start ... message_stop)."""
        status = int(script.get("status", 200))
        if status >= 400:
            etype = {429: "rate_limit_error", 529: "overloaded_error", 401: "authentication_error"}.get(status, "api_error")
            self._send_json(status, {"type": "error", "error": {"type": etype, "message": script.get("message", etype)}})
            return
        blocks = []
        if script.get("reasoning"):
            blocks.append({"type": "thinking", "thinking": script["reasoning"], "signature": "sig"})
        if content:
            blocks.append({"type": "text", "text": content})
        tools = body.get("tools") or []
        if tools:
            blocks.append({"type": "tool_use", "id": "toolu_1", "name": tools[0]["name"], "input": {"city": "Paris"}})
        stop = "tool_use" if tools else "end_turn"
        usage = {"input_tokens": 10, "output_tokens": 6, "cache_read_input_tokens": 2, "cache_creation_input_tokens": 0}
        if not body.get("stream"):
            self._send_json(200, {"id": "msg_1", "type": "message", "role": "assistant", "model": model, "content": blocks,
                                  "stop_reason": stop, "usage": usage})
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()

        def event(name, data):
            self._chunk(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())

        event("message_start", {"type": "message_start", "message": {"id": "msg_1", "model": model,
                                                                       "usage": {"input_tokens": 10, "output_tokens": 1}}})
        for i, b in enumerate(blocks):
            if b["type"] == "thinking":
                event("content_block_start", {"type": "content_block_start", "index": i,
                                              "content_block": {"type": "thinking", "thinking": ""}})
                event("content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "thinking_delta", "thinking": b["thinking"]}})
            elif b["type"] == "text":
                event("content_block_start", {"type": "content_block_start", "index": i,
                                              "content_block": {"type": "text", "text": ""}})
                for word in b["text"].split(" "):
                    event("content_block_delta", {"type": "content_block_delta", "index": i,
                                                  "delta": {"type": "text_delta", "text": word + " "}})
            else:
                event("content_block_start", {"type": "content_block_start", "index": i,
                                              "content_block": {"type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}})
                event("content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "input_json_delta", "partial_json": '{"city": '}})
                event("content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "input_json_delta", "partial_json": '"Paris"}'}})
            event("content_block_stop", {"type": "content_block_stop", "index": i})
        event("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop}, "usage": {"output_tokens": 6}})
        event("message_stop", {"type": "message_stop"})
        self._chunk(b"")

    def _ollama_generate(self, body, script, model, content):
        """Ollama's /api/generate: {"response": ...}, or NDJSON lines of them."""
        if not body.get("stream"):
            self._send_json(200, {"model": model, "response": content, "done": True, "done_reason": "stop",
                                  "prompt_eval_count": 7, "eval_count": 3})
            return
        self.send_response(200)
        self.send_header("content-type", "application/x-ndjson")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for word in content.split(" "):
            self._chunk(json.dumps({"model": model, "response": word + " ", "done": False}).encode() + b"\n")
        self._chunk(json.dumps({"model": model, "response": "", "done": True, "done_reason": "stop",
                                "prompt_eval_count": 7, "eval_count": 3}).encode() + b"\n")
        self._chunk(b"")

    def _ollama_chat(self, body, script, model, content):
        """Ollama's native /api/chat: one JSON answer, or NDJSON lines ending with done: true."""
        tool_calls = script.get("tool_calls")
        if not body.get("stream"):
            msg = {"role": "assistant", "content": content}
            if script.get("reasoning"):
                msg["thinking"] = script["reasoning"]
            if tool_calls:
                msg["tool_calls"] = tool_calls
            self._send_json(200, {"model": model, "created_at": "2026-01-01T00:00:00Z", "message": msg, "done": True,
                                  "done_reason": script.get("done_reason", "stop"), "prompt_eval_count": 12,
                                  "eval_count": 8})
            return
        self.send_response(200)
        self.send_header("content-type", "application/x-ndjson")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        lines = []
        if script.get("reasoning"):
            lines.append({"model": model, "message": {"role": "assistant", "content": "", "thinking": script["reasoning"]},
                          "done": False})
        for word in content.split(" "):
            lines.append({"model": model, "message": {"role": "assistant", "content": word + " "}, "done": False})
        if tool_calls:
            lines.append({"model": model, "message": {"role": "assistant", "content": "", "tool_calls": tool_calls},
                          "done": False})
        lines.append({"model": model, "message": {"role": "assistant", "content": ""}, "done": True,
                      "done_reason": script.get("done_reason", "stop"), "prompt_eval_count": 12,
                      "eval_count": len(lines)})
        for line in lines:
            self._chunk(json.dumps(line).encode() + b"\n")
        self._chunk(b"")

    def _chunk(self, data: bytes):
        self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
        self.wfile.flush()

    def _stream(self, body, script, model, content):
        server = self.server
        words = content.split(" ")
        n = int(script.get("chunks", len(words)))
        pieces = [(w + (" " if i < len(words) - 1 else "")) for i, w in enumerate(words)]
        while len(pieces) < n:
            pieces.append(".")
        delay = float(script.get("chunk_delay", 0))
        include_usage = (body.get("stream_options") or {}).get("include_usage", False)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        cid = "chatcmpl-" + uuid.uuid4().hex
        try:
            for i, piece in enumerate(pieces[:n]):
                if "disconnect_after" in script and i >= int(script["disconnect_after"]):
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if "stream_error_after" in script and i >= int(script["stream_error_after"]):
                    err = {"error": {"message": "mock upstream failed mid-stream", "type": "server_error"}}
                    self._chunk(b"data: " + json.dumps(err).encode() + b"\n\n")
                    self._chunk(b"")
                    return
                delta = {"content": piece}
                if i == 0:
                    delta["role"] = "assistant"
                    if script.get("reasoning"):
                        delta["reasoning_content"] = script["reasoning"]
                chunk = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                         "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                self._chunk(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                if delay:
                    time.sleep(delay)
            final = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                     "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            self._chunk(b"data: " + json.dumps(final).encode() + b"\n\n")
            if include_usage:
                usage = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                         "choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": n, "total_tokens": 11 + n}}
                self._chunk(b"data: " + json.dumps(usage).encode() + b"\n\n")
            self._chunk(b"data: [DONE]\n\n")
            self._chunk(b"")
        except (BrokenPipeError, ConnectionResetError, OSError):
            with server.lock:
                server.events.append({"event": "client_gone", "time": time.time()})
            self.close_connection = True


class MockUpstream:
    def __init__(self, lifetime=900, tls_cert=None, tls_key=None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.httpd.events = []
        self.httpd.lock = threading.Lock()
        self.httpd.stopping = False
        self.scheme = "http"
        if tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls_cert, tls_key)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    @property
    def base_url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}/v1"

    def start(self):
        self._thread.start()
        self._timer.start()
        return self

    def stop(self):
        self.httpd.stopping = True
        self.httpd.shutdown()
        self.httpd.server_close()
        self._timer.cancel()

    def requests(self):
        with self.httpd.lock:
            return list(self.httpd.requests)

    def events(self):
        with self.httpd.lock:
            return list(self.httpd.events)

    def reset(self):
        with self.httpd.lock:
            self.httpd.requests.clear()
            self.httpd.events.clear()


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifetime", type=float, default=600)
    args = parser.parse_args()
    m = MockUpstream(lifetime=args.lifetime).start()
    print(m.base_url, flush=True)
    try:
        while not m.httpd.stopping:
            time.sleep(0.2)
    except KeyboardInterrupt:
        m.stop()
