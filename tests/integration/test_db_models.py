"""Models stored in the database (store_model_in_db): /model/new, /model/update, /model/delete,
credentials encrypted with LITELLM_SALT_KEY as LiteLLM does, every worker serving the change."""
import base64
import hashlib
import json
import time

import nacl.secret
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from conftest import DB_ENV, MASTER_KEY, db_config

ADMIN = {"Authorization": f"Bearer {MASTER_KEY}"}
SALT = "salt-key-for-tests-31415"
ENV = dict(DB_ENV, LITELLM_SALT_KEY=SALT, LITELLM_CPP_DB_MODELS_INTERVAL_MS="300")


def litellm_v3_decrypt(value, secret):
    """LiteLLM's _decrypt_aes_gcm for v3:gcm: values."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"litellm-at-rest-v3").derive(secret.encode())
    raw = base64.urlsafe_b64decode(value[len("v3:gcm:"):])
    return AESGCM(key).decrypt(raw[:12], raw[12:], None).decode()


def litellm_legacy_encrypt(value, secret):
    """LiteLLM's encrypt_value_helper with encryption_algorithm: xsalsa20-poly1305 (older releases)."""
    box = nacl.secret.SecretBox(hashlib.sha256(secret.encode()).digest())
    return base64.urlsafe_b64encode(bytes(box.encrypt(value.encode()))).decode()


def chat_status(proxy, model):
    r = requests.post(proxy.base + "/v1/chat/completions", timeout=10,
                      headers={"Authorization": f"Bearer {MASTER_KEY}", "Connection": "close"},
                      json={"model": model, "messages": [{"role": "user", "content": "hi"}]})
    return r.status_code


def test_model_new_update_delete_on_every_worker(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url, store_model_in_db=True), env=ENV, args=("--num_workers", "2"))
    r = requests.post(proxy.base + "/model/new", headers=ADMIN, timeout=10, json={
        "model_name": "db-model",
        "litellm_params": {"model": "openai/gpt-4o-mini", "api_base": mock.base_url, "api_key": "sk-db-secret-1",
                           "rpm": 1000},
        "model_info": {"id": "db-model-1", "mode": "chat"}})
    assert r.status_code == 200, r.text
    assert r.json()["model_id"] == "db-model-1"
    stored = json.loads(server.sql('SELECT litellm_params::text FROM "LiteLLM_ProxyModelTable"', db=name)[0][0])
    assert stored["api_key"].startswith("v3:gcm:") and "sk-db-secret" not in json.dumps(stored)
    assert litellm_v3_decrypt(stored["api_key"], SALT) == "sk-db-secret-1"
    assert litellm_v3_decrypt(stored["model"], SALT) == "openai/gpt-4o-mini"
    assert stored["rpm"] == 1000  # numbers stay plain

    time.sleep(0.8)  # other workers notice within 500 ms
    assert [chat_status(proxy, "db-model") for _ in range(16)] == [200] * 16
    assert mock.requests()[-1]["headers"]["authorization"] == "Bearer sk-db-secret-1"
    info = requests.get(proxy.base + "/model/info", headers=ADMIN, timeout=10).json()["data"]
    db_models = [m for m in info if m["model_name"] == "db-model"]
    assert db_models and db_models[0]["model_info"]["db_model"] is True
    assert "api_key" not in db_models[0]["litellm_params"]

    up = requests.post(proxy.base + "/model/update", headers=ADMIN, timeout=10,
                       json={"model_id": "db-model-1", "litellm_params": {"api_key": "sk-db-secret-2"}})
    assert up.status_code == 200, up.text
    time.sleep(0.8)
    assert [chat_status(proxy, "db-model") for _ in range(8)] == [200] * 8
    assert mock.requests()[-1]["headers"]["authorization"] == "Bearer sk-db-secret-2"

    gone = requests.post(proxy.base + "/model/delete", headers=ADMIN, timeout=10, json={"id": "db-model-1"})
    assert gone.status_code == 200 and gone.json() == {"message": "Model: db-model-1 deleted successfully"}
    time.sleep(0.8)
    assert [chat_status(proxy, "db-model") for _ in range(8)] == [400] * 8
    assert chat_status(proxy, "gpt-mock") == 200  # the config's models stay


def test_reads_a_model_written_by_an_older_litellm(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url, store_model_in_db=True), env=ENV)
    params = {k: litellm_legacy_encrypt(v, SALT) for k, v in
              {"model": "openai/gpt-4o-mini", "api_base": mock.base_url, "api_key": "sk-legacy-secret"}.items()}
    server.sql("INSERT INTO \"LiteLLM_ProxyModelTable\" (model_id, model_name, litellm_params, model_info, "
               f"created_by, updated_by) VALUES ('legacy-1', 'legacy-model', '{json.dumps(params)}', '{{}}', 'x', 'x')",
               db=name)
    deadline = time.time() + 5  # picked up by the periodic read (300 ms here)
    while chat_status(proxy, "legacy-model") != 200 and time.time() < deadline:
        time.sleep(0.1)
    assert chat_status(proxy, "legacy-model") == 200
    assert mock.requests()[-1]["headers"]["authorization"] == "Bearer sk-legacy-secret"


def test_model_routes_need_store_model_in_db(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=ENV)
    r = requests.post(proxy.base + "/model/new", headers=ADMIN, timeout=10,
                      json={"model_name": "x", "litellm_params": {"model": "openai/x"}})
    assert r.status_code == 500
    assert r.json()["error"]["message"] == "Set `'STORE_MODEL_IN_DB='True'` in your env to enable this feature."
