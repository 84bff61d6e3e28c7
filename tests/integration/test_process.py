"""The process model: supervisor and workers, crashes, recycling, drain, reload, health port, shared state."""
import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import openai
import pytest
import requests
import yaml

from conftest import BINARY, MASTER_KEY, ROOT, free_port, upstream_config, wait_for
from mock_upstream import MockUpstream

MSG = [{"role": "user", "content": "hi"}]


def children(pid):
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(p.name))
    return sorted(out)


def chat(proxy, **kw):
    return requests.post(proxy.base + "/chat/completions", headers={"Authorization": f"Bearer {MASTER_KEY}"},
                         json={"model": "gpt-mock", "messages": MSG, **kw}, timeout=30)


def test_Workers_CountMatchesNumWorkers(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock), args=["--num_workers", "3"])
    assert wait_for(lambda: len(children(proxy.proc.pid)) == 3, 5)


def test_KillWorker_ReplacedWithinASecond_OthersKeepServing(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock), args=["--num_workers", "2"])
    before = wait_for(lambda: (c := children(proxy.proc.pid)) and len(c) == 2 and c, 5)
    stop = threading.Event()
    results = []

    def load():
        while not stop.is_set():
            try:
                results.append(chat(proxy).status_code)
            except requests.RequestException:
                results.append("conn-error")

    t = threading.Thread(target=load)
    t.start()
    time.sleep(0.3)
    os.kill(before[0], signal.SIGKILL)
    t_kill = time.monotonic()
    replaced = wait_for(lambda: (c := children(proxy.proc.pid)) and len(c) == 2 and before[0] not in c, 2)
    elapsed = time.monotonic() - t_kill
    time.sleep(0.5)
    stop.set()
    t.join()
    assert replaced and elapsed < 1.0, (elapsed, children(proxy.proc.pid))
    ok_after = [chat(proxy).status_code for _ in range(30)]
    assert ok_after == [200] * 30
    assert results.count(200) > 20
    assert results.count("conn-error") <= 2          # at most the request(s) in flight on the killed worker
    assert "died unexpectedly" in proxy.logs() and "signal Killed" in proxy.logs()


def test_Recycling_UnderLoad_NoFailedRequests(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock), args=["--num_workers", "2", "--run_gunicorn",
                                                     "--max_requests_before_restart", "40",
                                                     "--max_requests_before_restart_jitter", "10"])
    first = wait_for(lambda: (c := children(proxy.proc.pid)) and len(c) == 2 and c, 5)
    seen = set(first)
    failures = []
    client = proxy.client()          # one keep-alive pool, as a real SDK user
    for i in range(400):
        try:
            client.chat.completions.create(model="gpt-mock", messages=MSG)
        except Exception as e:  # noqa: BLE001 - any failure counts
            failures.append(repr(e) + " caused by " + repr(e.__cause__))
        if i % 20 == 0:
            seen.update(children(proxy.proc.pid))
    seen.update(children(proxy.proc.pid))
    assert failures == []
    assert len(seen) >= 4, "workers were not recycled"
    # A retired worker drains its idle keep-alive connections (up to the keep-alive timeout), then exits.
    assert wait_for(lambda: len(children(proxy.proc.pid)) == 2, 8)


def test_Sigterm_DuringStream_StreamCompletes_Exit0(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    r = requests.post(proxy.base + "/chat/completions", stream=True, headers={"Authorization": f"Bearer {MASTER_KEY}"},
                      json={"model": "gpt-mock", "stream": True, "messages": MSG,
                            "mock_upstream": {"chunks": 15, "chunk_delay": 0.1}})
    lines = r.iter_lines()
    assert next(lines).startswith(b"data: ")
    proxy.proc.send_signal(signal.SIGTERM)
    rest = [l for l in lines if l]
    assert rest[-1] == b"data: [DONE]"
    assert len(rest) == 16                       # 14 more content chunks, the finish chunk, [DONE]
    assert proxy.proc.wait(10) == 0


def test_Sigterm_StreamLongerThanDeadline_CutAtDeadline(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock), env={"SUPERVISORD_STOPWAITSECS": "1"})
    r = requests.post(proxy.base + "/chat/completions", stream=True, headers={"Authorization": f"Bearer {MASTER_KEY}"},
                      json={"model": "gpt-mock", "stream": True, "messages": MSG,
                            "mock_upstream": {"chunks": 100, "chunk_delay": 0.1}})
    lines = r.iter_lines()
    next(lines)
    t0 = time.monotonic()
    proxy.proc.send_signal(signal.SIGTERM)
    got = []
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for line in lines:
            got.append(line)
    assert 0.7 < time.monotonic() - t0 < 3
    assert b"data: [DONE]" not in got
    assert proxy.proc.wait(5) == 0


def test_SeparateHealthPort_AnswersWhileWorkersAreBusy(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock, router_settings={"num_retries": 0}),
                        env={"SEPARATE_HEALTH_APP": "1", "SEPARATE_HEALTH_PORT": "0"})
    assert wait_for(lambda: re.search(r"separate health app on http://[^:]+:(\d+)", proxy.logs()), 5)
    health_port = int(re.search(r"separate health app on http://[^:]+:(\d+)", proxy.logs()).group(1))
    base = f"http://127.0.0.1:{health_port}"
    busy = [threading.Thread(target=lambda: chat(proxy, mock_upstream={"hang": 2})) for _ in range(30)]
    for t in busy:
        t.start()
    time.sleep(0.2)
    for path in ("/health/liveliness", "/health/liveness"):
        t0 = time.monotonic()
        r = requests.get(base + path, timeout=2)
        assert r.status_code == 200 and r.json() == "I'm alive!"
        assert time.monotonic() - t0 < 0.1
    ready = requests.get(base + "/health/readiness", timeout=2)
    assert ready.status_code == 200
    assert ready.json()["status"] == "healthy" and ready.json()["workers"] == {"ready": 1, "expected": 1}
    for t in busy:
        t.join()


def test_SighupReload_ValidConfigReplacesWorkers_InvalidKeepsOld(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock))
    client = proxy.client()
    assert [m.id for m in client.models.list()] == ["gpt-mock", "embed-mock"]
    cfg = yaml.safe_load(proxy.config_path.read_text())
    cfg["model_list"].append({"model_name": "added-later", "litellm_params": {"model": "openai/x",
                                                                               "mock_response": "new"}})
    proxy.config_path.write_text(yaml.safe_dump(cfg))
    proxy.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "added-later" in [m.id for m in proxy.client().models.list()], 5)
    proxy.config_path.write_text("model_list: [{model_name: broken}]\n")
    proxy.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "the new config is invalid" in proxy.logs(), 5)
    time.sleep(0.3)
    assert "added-later" in [m.id for m in proxy.client().models.list()]


def test_CooldownSetThroughOneWorker_HonouredByAnother(start_proxy):
    bad = MockUpstream(lifetime=120).start()
    good = MockUpstream(lifetime=120).start()
    try:
        cfg = {"model_list": [
            {"model_name": "g", "litellm_params": {"model": "openai/m", "api_base": bad.base_url, "api_key": "k",
                                                   "mock_upstream": {"status": 429}}},
            {"model_name": "g", "litellm_params": {"model": "openai/m", "api_base": good.base_url, "api_key": "k"}}],
            "general_settings": {"master_key": MASTER_KEY}, "router_settings": {"num_retries": 0, "cooldown_time": 60}}
        proxy = start_proxy(cfg, args=["--num_workers", "2"])
        wait_for(lambda: len(children(proxy.proc.pid)) == 2, 5)
        while not bad.requests():
            requests.post(proxy.base + "/chat/completions", headers={"Authorization": f"Bearer {MASTER_KEY}",
                                                                     "Connection": "close"},
                          json={"model": "g", "messages": MSG})
        served_by = set()
        for _ in range(60):                      # new connections: spread over both workers
            r = requests.post(proxy.base + "/chat/completions", headers={"Authorization": f"Bearer {MASTER_KEY}",
                                                                         "Connection": "close"},
                              json={"model": "g", "messages": MSG})
            assert r.status_code == 200
        assert len(bad.requests()) == 1          # no worker sent it traffic while it cooled
        assert len(good.requests()) >= 60
    finally:
        bad.stop()
        good.stop()


def test_SupervisorKilled_WorkersExit(mock, start_proxy, tmp_path):
    port = free_port()
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump(upstream_config(mock)))
    p = subprocess.Popen([str(BINARY), "--config", str(cfg), "--host", "127.0.0.1", "--port", str(port),
                          "--num_workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=dict(os.environ, LITELLM_MODE="PRODUCTION"))
    workers = wait_for(lambda: (c := children(p.pid)) and len(c) == 2 and c, 5)
    p.kill()
    p.wait()
    gone = wait_for(lambda: all(not Path(f"/proc/{w}").exists() or
                                (Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z")
                                for w in workers), 5)
    assert gone, "workers outlived their supervisor"


def test_DockerCompose_CommandAndEnvironmentValidate(tmp_path):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    svc = compose["services"]["litellm"]
    command = list(svc["command"])
    mounts = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
    command = [str((ROOT / mounts[a]).resolve()) if a in mounts else a for a in command]
    env = dict(os.environ)
    for item in svc["environment"]:
        k, v = item.split("=", 1)
        env[k] = v
    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            example[k] = v
    env.update({k: v for k, v in example.items() if k not in env})
    assert {"LITELLM_MASTER_KEY", "LITELLM_SALT_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD"} <= example.keys()
    r = subprocess.run([str(BINARY), *command, "--validate_config"], capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 0, r.stderr
    assert "LiteLLM: config OK (" in r.stdout
    assert svc["healthcheck"]["test"][-1].endswith(":4001/health/liveliness")


def test_Dockerfile_BuildStageHasEverythingTheBuildReads(tmp_path):
    """No Docker engine here: the image's build stage is checked by copying exactly what its COPY lines
    copy into an empty directory and configuring the build there the way its build command does (the
    instrumented build that the release build's profile comes from). A directory the build reads but the
    image does not copy fails here."""
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    build_stage = dockerfile.split("\nFROM ", 2)[1]
    runs = " ".join(line for line in build_stage.splitlines() if line.startswith("RUN "))
    assert "bash scripts/build.sh release" in runs
    ctx = tmp_path / "src"
    ctx.mkdir()
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#") and "*" not in line}
    assert "build" in ignored
    for line in build_stage.splitlines():
        if not line.startswith("COPY ") or "--from=" in line:
            continue
        *sources, dest = line.split()[1:]
        for s in sources:
            assert s.split("/")[0] not in ignored, f"{s} is in .dockerignore"
            src = ROOT / s
            target = ctx / (s if dest == "./" else dest)
            if src.is_dir():
                subprocess.run(["cp", "-r", str(src), str(target)], check=True)
            else:
                subprocess.run(["cp", str(src), str(ctx / src.name)], check=True)
    for script in re.findall(r"bash (scripts/\S+)", runs):
        assert (ctx / script).is_file(), f"{script} is run but not copied"
    r = subprocess.run(["cmake", "--preset", "pgo-gen", "-DLITELLM_PGO_DIR=" + str(tmp_path / "profile")],
                       cwd=ctx, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (ctx / "bench" / "pgo_train.py").is_file()
