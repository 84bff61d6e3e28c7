#!/usr/bin/env python3
"""Instructions per proxied request, by feature, under valgrind's callgrind (repeatable on a noisy
machine, unlike CPU time). Each configuration runs twice, with N1 and N2 requests over one keep-alive
connection; the worker's instruction count difference over N2 - N1 is the cost of one request, with
startup and shutdown cancelled out.

    python3 bench/instructions.py [--build build/release] [--n1 200] [--n2 1200]

Configurations: master key only; + Prometheus metrics; + Redis fleet state (when redis-server is
installed); + a virtual key checked against a real PostgreSQL, with spend logging (when PostgreSQL is). Prints a table and a JSON line."""
import argparse
import glob
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import free_port, wait_port  # noqa: E402 - the benchmark's own helpers
BODY = '{"model":"bench","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":64}'
KEY = "sk-bench-1234"


def send(port, n, key=KEY):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(n):
        conn.request("POST", "/v1/chat/completions", BODY,
                      {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"status {r.status}")
    conn.close()


def worker_instructions(outdir, supervisor_pid):
    """Instructions of the busiest process other than the supervisor (the one worker)."""
    best = 0
    for path in glob.glob(os.path.join(outdir, "callgrind.out.*")):
        if path.endswith(f".{supervisor_pid}"):
            continue
        for line in open(path, errors="replace"):
            if line.startswith(("summary:", "totals:")):
                best = max(best, int(line.split()[1]))
                break
    return best


def virtual_key(port):
    """A key made through /key/generate (the database scenario)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/key/generate", "{}", {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    r = conn.getresponse()
    return json.loads(r.read())["key"]


def run_once(build, tmp, config_text, n, env):
    outdir = tempfile.mkdtemp(dir=tmp)
    cfg = Path(outdir) / "config.yaml"
    cfg.write_text(config_text)
    port = free_port()
    cmd = ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={outdir}/callgrind.out.%p",
           str(build / "litellm-cpp"), "--config", str(cfg), "--host", "127.0.0.1", "--port", str(port),
           "--num_workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, LITELLM_MODE="PRODUCTION", LITELLM_LOG="ERROR",
                                     LITELLM_CPP_WORKER_EXE=str(build / "litellm-cpp"), **env))
    try:
        wait_port(port, timeout=60)  # valgrind starts slowly
        key = virtual_key(port) if "database_url" in config_text else KEY
        send(port, 20, key)  # warm-up: connection pool, caches, first-use allocations
        time.sleep(0.5)  # background sync ticks are a fixed cost, not per request
        send(port, n, key)
        if "database_url" in config_text:
            time.sleep(2.5)  # the last spend batch is written before shutdown, not after it
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    return worker_instructions(outdir, proc.pid)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build" / "release"))
    ap.add_argument("--n1", type=int, default=200)
    ap.add_argument("--n2", type=int, default=1200)
    args = ap.parse_args()
    build = Path(args.build)
    if not shutil.which("valgrind"):
        sys.exit("valgrind not installed (apt install valgrind)")
    tmp = Path(tempfile.mkdtemp(prefix="litellm-insn-"))
    mock_port = free_port()
    mock = subprocess.Popen([str(build / "bench_mock_upstream"), "--port", str(mock_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis = None
    pg = None
    try:
        wait_port(mock_port)
        base = f"""
model_list:
  - model_name: bench
    litellm_params: {{model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:{mock_port}/v1", api_key: sk-upstream}}
general_settings: {{master_key: {KEY}}}
"""
        configs = [("master key", base, {}),
                   ("+ prometheus", base + 'litellm_settings: {callbacks: ["prometheus"]}\n', {})]
        if shutil.which("redis-server"):
            redis_port = free_port()
            redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL)
            wait_port(redis_port)
            configs.append(("+ prometheus + redis", base + 'litellm_settings: {callbacks: ["prometheus"]}\n'
                            f"router_settings: {{redis_host: 127.0.0.1, redis_port: {redis_port}}}\n", {}))
        try:
            sys.path.insert(0, str(ROOT / "tests" / "support"))
            from pg_server import PostgresServer
            pg = PostgresServer().start()
            configs.append(("+ prometheus + vkey/db", base.replace(
                f"master_key: {KEY}", f'master_key: {KEY}, database_url: "{pg.url(pg.new_database("insn"))}", '
                "proxy_batch_write_at: 1") + 'litellm_settings: {callbacks: ["prometheus"]}\n', {}))
        except (RuntimeError, OSError) as e:  # no PostgreSQL here: that configuration is skipped
            print(f"instructions: database configuration skipped: {e}", file=sys.stderr)
        results = {}
        for name, text, env in configs:
            a = run_once(build, tmp, text, args.n1, env)
            b = run_once(build, tmp, text, args.n2, env)
            results[name] = (b - a) / (args.n2 - args.n1)
        base_ir = results["master key"]
        print(f"{'configuration':<24} {'instructions/request':>22} {'vs master key':>14}")
        for name, ir in results.items():
            print(f"{name:<24} {ir:>22,.0f} {ir - base_ir:>+14,.0f}")

        print(json.dumps({k: round(v) for k, v in results.items()}))
    finally:
        mock.kill()
        if redis:
            redis.kill()
        if pg:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
