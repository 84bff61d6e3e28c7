#!/usr/bin/env python3
"""Training run for the profile-guided release build (scripts/build.sh release).

Usage: python3 bench/pgo_train.py --build build/pgo-gen

Runs the instrumented proxy (one worker, Prometheus on, master key) against the benchmark's mock upstream
and sends what a gateway mostly serves: non-streaming chat completions at 8 connections and at one request
at a time, streamed completions, and a few of the other routes and error answers. The proxy is stopped
gracefully so that every process writes its profile. GCC lays out and optimizes the code this run executed
for speed and keeps everything it did not execute optimized as usual (-fprofile-partial-training), so an
untrained path is no slower than in a build without a profile.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BODY, MASTER_KEY, free_port, proxy_config, wait_port  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="the instrumented build directory")
    args = ap.parse_args()
    build = Path(args.build)
    tmp = Path(tempfile.mkdtemp(prefix="litellm-pgo-"))
    mock_port, port = free_port(), free_port()
    config = tmp / "config.yaml"
    config.write_text(proxy_config(mock_port))
    env = dict(os.environ, LITELLM_MODE="PRODUCTION", LITELLM_LOG="ERROR")
    mock = subprocess.Popen([str(build / "bench_mock_upstream"), "--port", str(mock_port), "--chunks", "20",
                             "--chunk-delay-ms", "2"], stdout=subprocess.DEVNULL)
    proxy = None
    try:
        wait_port(mock_port)
        proxy = subprocess.Popen([str(build / "litellm-cpp"), "--config", str(config), "--host", "127.0.0.1",
                                  "--port", str(port), "--num_workers", "1"], env=env, stdout=subprocess.DEVNULL)
        wait_port(port)
        auth = f"Authorization: Bearer {MASTER_KEY}"

        def load(*extra):
            out = subprocess.run([str(build / "bench_loadgen"), "--port", str(port), "--body", BODY, "--header",
                                  auth, *map(str, extra)], capture_output=True, text=True, timeout=120)
            r = json.loads(out.stdout)
            if r["errors"]:
                raise RuntimeError(f"training load had errors: {out.stdout}")
            return r

        sent = load("--connections", 8, "--duration", 3)["requests"]
        sent += load("--connections", 1, "--duration", 1)["requests"]
        sent += load("--streams", 300)["requests"]
        # The other routes, and the answers to bad requests, a few times each.
        calls = [("GET", "/health/liveliness", None, None), ("GET", "/metrics", None, None),
                 ("GET", "/v1/models", MASTER_KEY, None),
                 ("POST", "/v1/chat/completions", "sk-wrong", BODY),
                 ("POST", "/v1/chat/completions", MASTER_KEY, '{"model":'),
                 ("POST", "/v1/chat/completions", MASTER_KEY, BODY.replace('"bench"', '"no-such-model"'))]
        for _ in range(50):
            for method, path, key, body in calls:
                req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                             data=body.encode() if body else None)
                if key:
                    req.add_header("Authorization", f"Bearer {key}")
                try:
                    urllib.request.urlopen(req, timeout=10).read()
                except urllib.error.HTTPError as e:
                    e.read()
        print(f"pgo_train: {sent} chat completions, {50 * len(calls)} other requests")
    finally:
        for p, grace in ((proxy, 30), (mock, 10)):
            if p is None:
                continue
            p.send_signal(signal.SIGTERM)  # the proxy's graceful stop: every process writes its profile
            try:
                p.wait(grace)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if proxy is not None and proxy.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
