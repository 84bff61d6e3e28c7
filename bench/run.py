#!/usr/bin/env python3
"""litellm-cpp benchmark: direct vs a relay that does no work vs nginx vs litellm-cpp (1 worker, N workers)
on loopback, in one run.

Usage: python3 bench/run.py [--build build/release] [--smoke] [--write-docs]

Every figure is taken against baselines measured in the same run (see docs/performance.md for the method):
CPU µs per request of the whole process tree (utime+stime over requests served), throughput at fixed
concurrency, added latency at one request at a time (interleaved rounds), p99 at a fixed rate, streaming
(added time to first chunk, inter-chunk gaps, 1000 concurrent streams), RSS idle and under load, errors.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")
MASTER_KEY = "sk-bench-master-key"
STREAM_CHUNKS = 20  # per stream from the mock, 50 ms apart; the proxy relays them and [DONE]
BODY = '{"model":"bench","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":64}'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid):
    """pid and all its descendants."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                        pids.append(int(p.name))
                        frontier.append(int(p.name))
                except (OSError, IndexError):
                    pass
    return pids


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except OSError:
            pass
    return total / CLK_TCK


def rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def private_mb(pids):
    """Memory no other process shares (Private_Clean + Private_Dirty): what one more worker costs. RSS also
    counts every shared library page the process touched, which all workers (and other programs) share."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def proxy_config(mock_port, general_extra=""):
    """The proxy's config: one deployment on the mock, master key, Prometheus on as in production."""
    return f"""
model_list:
  - model_name: bench
    litellm_params: {{model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:{mock_port}/v1", api_key: sk-upstream}}
general_settings: {{master_key: {MASTER_KEY}{general_extra}}}
litellm_settings: {{callbacks: ["prometheus"]}}
"""


def wait_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"port {port} never opened")


class Target:
    def __init__(self, name, port, proc, headers=()):
        self.name, self.port, self.proc, self.headers = name, port, proc, list(headers)

    def pids(self):
        return tree(self.proc.pid) if self.proc else []


SENT = {}  # target name -> requests the load generator completed (spend rows expected)
DATABASE = {}  # the virtual-key scenario's PostgreSQL: server, db, postmaster pid


def pause_database(paused):
    """Stops PostgreSQL (SIGSTOP) while another scenario is measured and lets it run for its own: its
    checkpoints and autovacuum over the rows the virtual-key scenario wrote would otherwise land in other
    scenarios' rounds and take the CPUs they are measured on."""
    for pid in tree(DATABASE["postmaster"]) if DATABASE else []:
        try:
            os.kill(pid, signal.SIGSTOP if paused else signal.SIGCONT)
        except ProcessLookupError:
            pass


def wait_for_spend_rows(expected, timeout=60):
    """After a round of the virtual-key scenario: its spend rows are written (batches leave every second)
    before PostgreSQL is stopped, so that work is charged to the scenario that caused it, and no backlog
    builds up for its next round."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        rows = int(DATABASE["server"].sql('SELECT count(*) FROM "LiteLLM_SpendLogs"', db=DATABASE["db"])[0][0])
        if rows >= expected:
            return
        time.sleep(0.2)
    print(f"bench: {rows} of {expected} spend rows after {timeout} s; going on (the final count decides)",
          file=sys.stderr)


def loadgen(build, target, *args, cpu=None):
    pause_database(target.name != DB_TARGET)
    cmd = [str(build / "bench_loadgen"), "--port", str(target.port), "--body", BODY]
    for h in target.headers:
        cmd += ["--header", h]
    cmd += [str(a) for a in args]
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(cpu)] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    try:
        r = json.loads(out.stdout)
    except ValueError:
        raise RuntimeError(f"loadgen failed: {out.stdout} {out.stderr}")
    SENT[target.name] = SENT.get(target.name, 0) + r.get("requests", 0) + r.get("streams_ok", 0)
    if target.name == DB_TARGET and DATABASE:
        wait_for_spend_rows(SENT[DB_TARGET])
    return r


DB_TARGET = "litellm-cpp x1 vkey+db"


def start_db_target(build, tmp, env, mock_port, spawn):
    """litellm-cpp with a real PostgreSQL: a virtual key checked against the cache on every request
    and spend logged in batches (1 s here, so that flushes happen inside the measured rounds)."""
    sys.path.insert(0, str(ROOT / "tests" / "support"))
    from pg_server import PostgresServer
    pg = PostgresServer().start()
    db = pg.new_database("bench")
    config = tmp / "config-db.yaml"
    config.write_text(proxy_config(mock_port, f', database_url: "{pg.url(db)}", proxy_batch_write_at: 1'))
    port = free_port()
    p = spawn([str(build / "litellm-cpp"), "--config", str(config), "--host", "127.0.0.1", "--port", str(port),
               "--num_workers", "1"], env=dict(env, LITELLM_CPP_SPEND_JOURNAL_DIR=str(tmp / "journal")),
              stdout=subprocess.DEVNULL)
    wait_port(port)
    import urllib.request
    req = urllib.request.Request(f"http://127.0.0.1:{port}/key/generate", data=b"{}", method="POST",
                                 headers={"Authorization": f"Bearer {MASTER_KEY}", "Content-Type": "application/json"})
    key = json.loads(urllib.request.urlopen(req, timeout=10).read())["key"]
    return Target(DB_TARGET, port, p, [f"Authorization: Bearer {key}"]), pg, db


def start_all(build, tmp, workers, pin):
    nproc = os.cpu_count() or 1
    procs = []

    def spawn(cmd, **kw):
        if pin is not None and shutil.which("taskset"):
            cmd = ["taskset", "-c", str(pin)] + cmd
        p = subprocess.Popen(cmd, **kw)
        procs.append(p)
        return p

    mock_port = free_port()
    mock = spawn([str(build / "bench_mock_upstream"), "--port", str(mock_port), "--chunks", str(STREAM_CHUNKS),
                  "--chunk-delay-ms", "50"], stdout=subprocess.DEVNULL)
    wait_port(mock_port)
    targets = {"direct": Target("direct", mock_port, None)}

    # The floor: a relay that only copies bytes to a pooled upstream connection (bench/relay.cpp).
    relay_port = free_port()
    relay = spawn([str(build / "bench_relay"), "--port", str(relay_port), "--upstream-port", str(mock_port)])
    wait_port(relay_port)
    targets["relay"] = Target("relay", relay_port, relay)

    nginx_port = free_port()
    (tmp / "nginx").mkdir(exist_ok=True)
    (tmp / "nginx" / "nginx.conf").write_text(f"""
worker_processes 1;
error_log {tmp}/nginx/error.log warn;
pid {tmp}/nginx/nginx.pid;
events {{ worker_connections 4096; }}
worker_rlimit_nofile 8192;
http {{
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path {tmp}/nginx/body;
  proxy_temp_path {tmp}/nginx/proxy;
  fastcgi_temp_path {tmp}/nginx/fastcgi;
  uwsgi_temp_path {tmp}/nginx/uwsgi;
  scgi_temp_path {tmp}/nginx/scgi;
  upstream mock {{ server 127.0.0.1:{mock_port}; keepalive 64; keepalive_requests 10000000; }}
  server {{
    listen 127.0.0.1:{nginx_port};
    location / {{
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }}
  }}
}}
""")
    nginx = spawn(["nginx", "-p", str(tmp / "nginx"), "-c", str(tmp / "nginx" / "nginx.conf"), "-g", "daemon off;"],
                  stderr=subprocess.DEVNULL)
    wait_port(nginx_port)
    targets["nginx"] = Target("nginx", nginx_port, nginx)

    config = tmp / "config.yaml"
    config.write_text(proxy_config(mock_port))
    env = dict(os.environ, LITELLM_MODE="PRODUCTION", LITELLM_LOG="ERROR")
    for name, n in (("litellm-cpp x1", 1), (f"litellm-cpp x{nproc}", nproc)):
        if n not in workers:
            continue
        port = free_port()
        p = spawn([str(build / "litellm-cpp"), "--config", str(config), "--host", "127.0.0.1", "--port", str(port),
                   "--num_workers", str(n)], env=env, stdout=subprocess.DEVNULL)
        wait_port(port)
        time.sleep(0.3)
        targets[name] = Target(name, port, p, [f"Authorization: Bearer {MASTER_KEY}"])
    pg = None
    try:
        target, pg, db = start_db_target(build, tmp, env, mock_port, spawn)
        targets[DB_TARGET] = target
        DATABASE.update(server=pg, db=db, postmaster=int((Path(pg.data) / "postmaster.pid").read_text().split()[0]))
        pg = (pg, db)
    except (RuntimeError, OSError) as e:  # no PostgreSQL on this machine: the scenario is skipped
        print(f"bench: {DB_TARGET} skipped: {e}", file=sys.stderr)
    return targets, procs, pg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build" / "release"))
    ap.add_argument("--smoke", action="store_true", help="short run for CI: fails on errors or a broken ratio")
    ap.add_argument("--write-docs", action="store_true", help="update the table in docs/performance.md")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"))
    args = ap.parse_args()
    build = Path(args.build)
    nproc = os.cpu_count() or 1
    dur = 1.0 if args.smoke else 6.0
    rounds = 2 if args.smoke else 6
    streams = 100 if args.smoke else 1000
    light_streams = streams // 5
    rate = 1000 if args.smoke else 2000
    tmp = Path(tempfile.mkdtemp(prefix="litellm-bench-"))
    targets, procs, pg = start_all(build, tmp, {1, nproc}, pin=0 if nproc > 1 else None)
    proxies = [t for t in targets.values() if t.name != "direct"]
    mock_pid = procs[0].pid
    res = {t.name: {"errors": 0} for t in targets.values()}
    try:
        for t in proxies:
            res[t.name]["rss_idle_mb"] = round(rss_mb(t.pids()), 1)
            if t.name.startswith("litellm"):
                res[t.name]["rss_idle_per_worker_mb"] = round(rss_mb(t.pids()[1:]) / max(1, len(t.pids()) - 1), 1)
            if len(t.pids()) > 1:  # workers under a master or supervisor (nginx and ours)
                res[t.name]["private_idle_per_worker_mb"] = round(
                    private_mb(t.pids()[1:]) / (len(t.pids()) - 1), 1)
        # Warm-up (connection pools, page faults).
        for t in targets.values():
            loadgen(build, t, "--connections", 8, "--duration", 0.5, cpu=1)
        # 1. CPU per request and throughput at 32 connections, interleaved rounds.
        cpu_rounds = {t.name: [] for t in targets.values()}
        for _ in range(rounds):
            for t in targets.values():
                pids = t.pids() if t.proc else [mock_pid]
                c0 = cpu_seconds(pids)
                r = loadgen(build, t, "--connections", 32, "--duration", dur, cpu=1)
                c1 = cpu_seconds(pids)
                res[t.name]["errors"] += r["errors"]
                cpu_rounds[t.name].append((c1 - c0) * 1e6 / max(1, r["requests"]))
                res[t.name].setdefault("rps", []).append(r["rps"])
                if t.proc:
                    res[t.name]["rss_load_mb"] = max(res[t.name].get("rss_load_mb", 0), round(rss_mb(t.pids()), 1))
        for name, v in cpu_rounds.items():
            res[name]["cpu_us_per_req"] = round(statistics.median(v), 1)
            res[name]["rps"] = round(statistics.median(res[name]["rps"]))
        nginx_rounds = cpu_rounds["nginx"]
        for t in proxies:
            ratios = [a / b for a, b in zip(cpu_rounds[t.name], nginx_rounds) if b > 0]
            res[t.name]["cpu_ratio_to_nginx"] = round(statistics.median(ratios), 2)
        # 2. Added latency at one request at a time, interleaved rounds (proxy minus direct).
        lat = {t.name: {"p50": [], "p99": []} for t in targets.values()}
        for _ in range(rounds):
            for t in targets.values():
                r = loadgen(build, t, "--connections", 1, "--duration", dur / 2, cpu=1)
                res[t.name]["errors"] += r["errors"]
                lat[t.name]["p50"].append(r["p50_us"])
                lat[t.name]["p99"].append(r["p99_us"])
        d50, d99 = statistics.median(lat["direct"]["p50"]), statistics.median(lat["direct"]["p99"])
        for t in proxies:
            res[t.name]["added_p50_us"] = round(statistics.median(lat[t.name]["p50"]) - d50, 1)
            res[t.name]["added_p99_us"] = round(statistics.median(lat[t.name]["p99"]) - d99, 1)
        # 3. p99 at a fixed request rate (open loop).
        for t in targets.values():
            r = loadgen(build, t, "--rate", rate, "--connections", 64, "--duration", dur, cpu=1)
            res[t.name]["errors"] += r["errors"]
            res[t.name]["fixed_rate_p99_us"] = r["p99_us"]
        # 4. Streaming: N streams of 20 chunks 50 ms apart, started 1 ms apart (arrivals at 1000/s, up
        # to N in flight: the relay's own latency), then all at once (a burst: N connection setups queue
        # on both sides, so the first chunk waits for the streams ahead of it). First N/5 started 10 ms
        # apart (about 100 in flight, 2,000 events a second): the first chunk's cost with the CPUs
        # free, which tells the proxy's own part from the queueing of the runs with N streams.
        for t in targets.values():
            r = loadgen(build, t, "--streams", light_streams, "--stagger-us", 10000, cpu=1)
            res[t.name]["errors"] += r["errors"]
            res[t.name]["light_first_chunk_p50_us"] = r["first_chunk_p50_us"]
            res[t.name]["light_chunks"] = r["chunks"]
        for t in targets.values():
            r = loadgen(build, t, "--streams", streams, "--stagger-us", 1000, cpu=1)
            res[t.name]["errors"] += r["errors"]
            res[t.name]["stagger_first_chunk_p50_us"] = r["first_chunk_p50_us"]
            res[t.name]["stagger_first_chunk_p99_us"] = r["first_chunk_p99_us"]
            res[t.name]["stagger_gap_p99_us"] = r["gap_p99_us"]
            res[t.name]["stagger_chunks"] = r["chunks"]
        for t in targets.values():
            before = rss_mb(t.pids()) if t.proc else 0
            r = loadgen(build, t, "--streams", streams, cpu=1)
            res[t.name]["errors"] += r["errors"]
            res[t.name]["stream_first_chunk_p50_us"] = r["first_chunk_p50_us"]
            res[t.name]["stream_gap_p99_us"] = r["gap_p99_us"]
            res[t.name]["stream_chunks"] = r["chunks"]
            if t.proc:
                res[t.name]["stream_rss_growth_mb"] = round(max(0.0, rss_mb(t.pids()) - before), 1)
        d = res["direct"]
        for t in proxies:
            v = res[t.name]
            v["stagger_added_first_chunk_us"] = round(v["stagger_first_chunk_p50_us"] - d["stagger_first_chunk_p50_us"], 1)
            v["stagger_added_first_chunk_p99_us"] = round(
                v["stagger_first_chunk_p99_us"] - d["stagger_first_chunk_p99_us"], 1)
            v["stream_added_first_chunk_us"] = round(v["stream_first_chunk_p50_us"] - d["stream_first_chunk_p50_us"], 1)
            v["light_added_first_chunk_us"] = round(v["light_first_chunk_p50_us"] - d["light_first_chunk_p50_us"], 1)
        for v in res.values():  # every event of every stream must arrive
            for key, n in (("stagger_chunks", streams), ("stream_chunks", streams), ("light_chunks", light_streams)):
                if v.get(key, n * (STREAM_CHUNKS + 1)) != n * (STREAM_CHUNKS + 1):
                    v["errors"] += 1
        pause_database(False)
        if pg is not None:
            # Every request of the virtual-key scenario has its spend row once the last batch is in.
            server, db = pg
            targets[DB_TARGET].proc.send_signal(signal.SIGTERM)  # graceful stop flushes the journal
            targets[DB_TARGET].proc.wait(30)
            rows = int(server.sql('SELECT count(*) FROM "LiteLLM_SpendLogs"', db=db)[0][0])
            res[DB_TARGET]["spend_rows"] = rows
            res[DB_TARGET]["requests_sent"] = SENT.get(DB_TARGET, 0)
            if rows < SENT.get(DB_TARGET, 0):
                res[DB_TARGET]["errors"] += SENT[DB_TARGET] - rows
    finally:
        pause_database(False)
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if pg is not None:
            pg[0].cleanup()
        shutil.rmtree(tmp, ignore_errors=True)

    meta = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": f"{platform.machine()}, {nproc} CPUs",
            "kernel": platform.release(), "rounds": rounds, "duration_s": dur, "streams": streams,
            "light_streams": light_streams, "rate": rate, "smoke": args.smoke}
    out = {"meta": meta, "results": res}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2))
    table = render(res, meta)
    print(table)
    if args.write_docs:
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text()
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        text = text[:text.index(start) + len(start)] + "\n" + table + "\n" + text[text.index(end):]
        doc.write_text(text)
    errors = sum(v["errors"] for v in res.values())
    broken = [n for n, v in res.items() if n.startswith("litellm") and v.get("cpu_ratio_to_nginx", 0) > 5]
    if errors or broken:
        print(f"bench: FAILED (errors={errors}, grossly broken CPU ratio: {broken})", file=sys.stderr)
        return 1
    print("bench: ok")
    return 0


def render(res, meta):
    cols = ["direct", "relay", "nginx"] + [n for n in res if n.startswith("litellm")]
    rows = [
        ("CPU µs per request (c=32)", "cpu_us_per_req"), ("CPU ratio to nginx (median of rounds)", "cpu_ratio_to_nginx"),
        ("throughput req/s (c=32)", "rps"), ("added p50 latency µs (c=1)", "added_p50_us"),
        ("added p99 latency µs (c=1)", "added_p99_us"), (f"p99 µs at {meta['rate']} req/s", "fixed_rate_p99_us"),
        (f"stream: added first-chunk µs p50, {meta['light_streams']} streams started 10 ms apart",
         "light_added_first_chunk_us"),
        (f"stream: added first-chunk µs p50, {meta['streams']} streams started 1 ms apart", "stagger_added_first_chunk_us"),
        ("stream: added first-chunk µs p99, started 1 ms apart", "stagger_added_first_chunk_p99_us"),
        ("stream: inter-chunk gap p99 µs (50 ms pacing), started 1 ms apart", "stagger_gap_p99_us"),
        (f"stream: added first-chunk µs p50, {meta['streams']} streams started at once", "stream_added_first_chunk_us"),
        ("stream: inter-chunk gap p99 µs (50 ms pacing), started at once", "stream_gap_p99_us"),
        (f"stream: events received, each run ({meta['streams']} streams × ({STREAM_CHUNKS} + [DONE]))", "stream_chunks"),
        ("RSS idle MB (whole tree)", "rss_idle_mb"), ("RSS idle MB per worker", "rss_idle_per_worker_mb"),
        ("unshared memory idle MB per worker (Private_Clean + Private_Dirty)", "private_idle_per_worker_mb"),
        ("RSS under load MB", "rss_load_mb"), (f"RSS growth with {meta['streams']} streams MB", "stream_rss_growth_mb"),
        ("requests sent / spend rows in Postgres", "spend_rows"),
        ("errors", "errors"),
    ]
    lines = [f"Measured {meta['date']} on {meta['machine']} (kernel {meta['kernel']}), {meta['rounds']} interleaved rounds "
             f"of {meta['duration_s']} s{' (smoke run)' if meta['smoke'] else ''}.", "",
             "| figure | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for label, key in rows:
        cells = []
        for c in cols:
            v = res.get(c, {}).get(key, "")
            if key == "spend_rows" and v != "":
                v = f"{res[c].get('requests_sent', 0)} / {v}"
            cells.append("–" if v == "" else str(v))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
