"""The command line, environment, logging and TLS as a user runs them."""
import json
import ssl
import os
import subprocess
import time
from pathlib import Path

import openai
import pytest
import requests

from conftest import BINARY, MASTER_KEY, ROOT, free_port, upstream_config
from mock_upstream import MockUpstream


def run(*args, env=None, cwd=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("LITELLM_")}
    e["LITELLM_MODE"] = "PRODUCTION"
    e.update(env or {})
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True, env=e, cwd=cwd, timeout=30)


def test_Version_And_Help():
    r = run("--version")
    assert r.returncode == 0 and "LiteLLM: Current Version = " in r.stdout
    r = run("--help")
    assert r.returncode == 0 and "--num_workers" in r.stdout


def test_UnknownFlag_IsClearError():
    r = run("--no-such-flag")
    assert r.returncode == 2
    assert "No such option: --no-such-flag" in r.stderr


def test_ValidateConfig_SeedProductionConfig():
    r = run("--config", str(ROOT / "config" / "production.yaml"), "--validate_config",
            env={"LITELLM_MASTER_KEY": "sk-x", "OLLAMA_API_KEY": "o", "GEMINI_API_KEY": "g"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith("LiteLLM: config OK (")


def test_ValidateConfig_ExampleConfig():
    r = run("--config", str(ROOT / "config" / "example.yaml"), "--validate_config")
    assert r.returncode == 0, r.stderr
    assert "LiteLLM: config OK (4 models)" in r.stdout


def test_ValidateConfig_ReportsEveryErrorWithPath(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""
model_list:
  - model_name: a
    litellm_params: {model: openai/x, timeout: soon}
  - litellm_params: {model: openai/y}
router_settings:
  num_retries: many
  fallbacks: [{a: [b], c: [d]}]
general_settings:
  proxy_batch_write_at: -1
""")
    r = run("--config", str(bad), "--validate_config")
    assert r.returncode == 1
    for path in ("model_list[0].litellm_params.timeout", "model_list[1].model_name", "router_settings.num_retries",
                 "router_settings.fallbacks[0]", "general_settings.proxy_batch_write_at"):
        assert path in r.stderr, (path, r.stderr)


def test_ValidateConfig_RequiresConfig():
    r = run("--validate_config")
    assert r.returncode == 2


def test_MissingConfigFile():
    r = run("--config", "/nonexistent/config.yaml", "--validate_config")
    assert r.returncode == 1 and "Config file not found: /nonexistent/config.yaml" in r.stderr


def test_SkipServerStartup(tmp_path):
    r = run("--config", str(ROOT / "config" / "example.yaml"), "--skip_server_startup")
    assert r.returncode == 0 and "Skipping server startup" in r.stdout


def test_DevMode_LoadsDotEnv_ProductionDoesNot(tmp_path, mock):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("model_list: []\ngeneral_settings:\n  master_key: os.environ/MY_MASTER\n")
    (tmp_path / ".env").write_text("MY_MASTER=sk-from-dotenv\n")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LITELLM_")}
    for mode, expect in (("DEV", 200), ("PRODUCTION", 200)):
        e = dict(env, LITELLM_MODE=mode)
        p = subprocess.Popen([str(BINARY), "--config", str(cfg), "--host", "127.0.0.1", "--port", str(port)],
                             cwd=tmp_path, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    requests.get(f"http://127.0.0.1:{port}/health/liveliness", timeout=0.3)
                    break
                except requests.RequestException:
                    time.sleep(0.05)
            r = requests.get(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": "Bearer sk-from-dotenv"})
            anon = requests.get(f"http://127.0.0.1:{port}/v1/models")
            if mode == "DEV":
                assert r.status_code == 200 and anon.status_code == 401   # master key came from .env
            else:
                assert anon.status_code == 200                            # no .env: no master key, open proxy
        finally:
            p.terminate()
            p.wait(10)


def test_EnvironmentVariablesSection_AndOsEnviron(mock, start_proxy):
    cfg = upstream_config(mock, master_key=None)
    cfg["model_list"][0]["litellm_params"]["api_key"] = "os.environ/UPSTREAM_KEY"
    cfg["environment_variables"] = {"SOME_FLAG": "on"}
    proxy = start_proxy(cfg, env={"UPSTREAM_KEY": "sk-env-provided-key"})
    proxy.client(key="anything").chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": "x"}])
    assert mock.requests()[-1]["headers"]["authorization"] == "Bearer sk-env-provided-key"


def test_JsonLogs_OneObjectPerLine_NoSecrets(mock, start_proxy):
    proxy = start_proxy(upstream_config(mock), env={"JSON_LOGS": "true", "LITELLM_LOG": "DEBUG"},
                        args=["--detailed_debug"])
    client = proxy.client()
    client.chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.BadRequestError):
        proxy.client(key="sk-virtual-key-secret-5555").chat.completions.create(model="gpt-mock", messages=[])
    requests.post(proxy.base + "/chat/completions", headers={"Authorization": "Bearer " + MASTER_KEY},
                  json={"model": "gpt-mock", "messages": [], "mock_upstream": {"status": 401}})
    proxy.stop()
    err = proxy.stderr_path.read_text()
    out_lines = [l for l in (proxy.stdout_path.read_text() + err).splitlines() if l.startswith("{")]
    assert out_lines, proxy.logs()
    for line in out_lines:
        rec = json.loads(line)
        assert {"message", "level", "timestamp", "component", "logger"} <= rec.keys()
    everything = proxy.logs()
    for secret in (MASTER_KEY, "sk-provider-secret-9876", "sk-virtual-key-secret-5555"):
        assert secret not in everything


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")], check=True, capture_output=True)
    return d / "cert.pem", d / "key.pem"


def test_TlsListener_ServesHttps(mock, start_proxy, tls_files):
    cert, key = tls_files
    proxy = start_proxy(upstream_config(mock), args=["--ssl_certfile_path", str(cert), "--ssl_keyfile_path", str(key)],
                        ready_scheme="https", ready_verify=str(cert))
    client = openai.OpenAI(base_url=f"https://127.0.0.1:{proxy.port}/v1", api_key=MASTER_KEY, max_retries=0,
                           http_client=openai.DefaultHttpxClient(verify=ssl.create_default_context(cafile=str(cert))))
    assert client.chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": "x"}]).choices


def test_HttpsUpstream_VerifiesCertificates(start_proxy, tls_files):
    cert, key = tls_files
    secure = MockUpstream(lifetime=120, tls_cert=str(cert), tls_key=str(key)).start()
    try:
        cfg = upstream_config(secure)
        trusted = start_proxy(cfg, env={"SSL_CERT_FILE": str(cert)})
        ok = trusted.client().chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": "x"}])
        assert ok.choices[0].message.content
        untrusted = start_proxy(cfg)
        with pytest.raises(openai.InternalServerError) as info:
            untrusted.client().chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": "x"}])
        assert "certificate verify failed" in info.value.body["message"]
    finally:
        secure.stop()


def test_VertexAndBedrock_AreStartupErrorsNamingThePrefix(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("model_list:\n  - model_name: v\n    litellm_params: {model: vertex_ai/gemini-2.5-pro}\n"
                   "  - model_name: b\n    litellm_params: {model: bedrock/anthropic.claude-3}\n")
    r = run("--config", str(cfg), "--validate_config")
    assert r.returncode == 1
    assert "model_list[0].litellm_params.model: provider 'vertex_ai/'" in r.stderr
    assert "model_list[1].litellm_params.model: provider 'bedrock/'" in r.stderr
