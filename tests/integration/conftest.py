"""Fixtures: the real litellm-cpp binary on a free loopback port, our mock upstream, the OpenAI SDK."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import openai
import pytest
import requests
import yaml  # PyYAML: writes the generated configs

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from mock_upstream import MockUpstream  # noqa: E402

BINARY = Path(os.environ.get("LITELLM_BIN", ROOT / "build" / "dev" / "litellm-cpp")).resolve()
MASTER_KEY = "sk-test-master-1234"


def wait_for(predicate, timeout=5.0, step=0.02):
    """Polls `predicate` until it returns something truthy (returned) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy:
    _serial = 0

    def __init__(self, config, tmp_path, env=None, args=(), cwd=None, ready_scheme="http", ready_verify=True):
        Proxy._serial += 1
        tag = f"{os.getpid()}-{Proxy._serial}"
        self.config_path = tmp_path / f"config-{tag}.yaml"
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        self.stdout_path = tmp_path / f"proxy-{tag}.out"
        self.stderr_path = tmp_path / f"proxy-{tag}.err"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "JSON_LOGS"))}
        full_env["LITELLM_MODE"] = "PRODUCTION"
        full_env.update(env or {})
        # --port 0: the supervisor binds a free port and prints it, so no other process can take it first.
        cmd = [str(BINARY), "--config", str(self.config_path), "--host", "127.0.0.1", "--port", "0", *args]
        self.proc = subprocess.Popen(cmd, stdout=open(self.stdout_path, "wb"), stderr=open(self.stderr_path, "wb"),
                                     env=full_env, cwd=cwd or tmp_path)
        deadline = time.time() + 15
        self.port = None
        while self.port is None and time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"proxy exited with {self.proc.returncode}: {self.logs()}")
            m = re.search(r"running on https?://[^:]+:(\d+)", self.stdout_path.read_text(errors="replace"))
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.02)
        if self.port is None:
            raise RuntimeError("proxy did not report its port: " + self.logs())
        # The supervisor prints the health port right after the main one: wait for it when asked for.
        wants_health = full_env.get("SEPARATE_HEALTH_APP", "").lower() in ("1", "true", "yes")
        self.health_port = None
        while True:
            m = re.search(r"separate health app on http://[^:]+:(\d+)", self.stdout_path.read_text(errors="replace"))
            if m:
                self.health_port = int(m.group(1))
            if m or not wants_health or time.time() >= deadline or self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.base = f"{ready_scheme}://127.0.0.1:{self.port}"
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"proxy exited with {self.proc.returncode}: {self.logs()}")
            try:
                if requests.get(self.base + "/health/liveliness", timeout=0.5, verify=ready_verify).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("proxy did not become ready: " + self.logs())

    def client(self, key=MASTER_KEY, **kw):
        return openai.OpenAI(base_url=self.base + "/v1", api_key=key, max_retries=0, **kw)

    def logs(self):
        out = self.stdout_path.read_text(errors="replace") if self.stdout_path.exists() else ""
        err = self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""
        return out + err

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture(scope="session")
def upstream():
    m = MockUpstream(lifetime=1800).start()
    yield m
    m.stop()


@pytest.fixture
def mock(upstream):
    upstream.reset()
    return upstream


@pytest.fixture
def start_proxy(tmp_path):
    started = []

    def _start(config, **kw):
        p = Proxy(config, tmp_path, **kw)
        started.append(p)
        return p

    yield _start
    for p in started:
        # A graceful stop exits 0: a crash, a sanitizer report or a leak shows up here.
        assert p.stop() == 0, f"proxy exited with {p.proc.returncode}:\n{p.logs()[-4000:]}"


def upstream_config(mock, master_key=MASTER_KEY, extra_models=(), **sections):
    """A config with deployments pointing at the mock upstream."""
    cfg = {
        "model_list": [
            {"model_name": "gpt-mock", "litellm_params": {"model": "openai/gpt-4o-mini", "api_base": mock.base_url,
                                                          "api_key": "sk-provider-secret-9876"}},
            {"model_name": "embed-mock", "litellm_params": {"model": "openai/text-embedding-3-small",
                                                            "api_base": mock.base_url, "api_key": "sk-provider-secret-9876"},
             "model_info": {"mode": "embedding"}},
            *extra_models,
        ],
        "general_settings": {"master_key": master_key} if master_key else {},
    }
    for k, v in sections.items():
        cfg.setdefault(k, {}).update(v)
    return cfg


@pytest.fixture(scope="session")
def pg_server():
    """One real PostgreSQL per test session (each test takes a fresh database from it)."""
    from pg_server import PostgresServer
    server = PostgresServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def pg(pg_server):
    """A fresh, empty database: (server, name, url)."""
    name = pg_server.new_database()
    return pg_server, name, pg_server.url(name)


def db_config(mock, url, **general):
    """upstream_config with a database and fast batching (tests flush within a second)."""
    cfg = upstream_config(mock)
    cfg["general_settings"].update({"database_url": url, "proxy_batch_write_at": 0.3, **general})
    return cfg


DB_ENV = {"LITELLM_CPP_SPEND_FLUSH_JITTER": "0", "LITELLM_CPP_SPEND_JOURNAL_INTERVAL_MS": "50"}
