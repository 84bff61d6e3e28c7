"""Spend accounting against a real PostgreSQL: exact costs, batching, error logs, the pool bound,
a database outage without loss, a killed worker's journal."""
import hashlib
import json
import os
import signal
import threading
import time

import openai
import pytest
import requests

from conftest import DB_ENV, MASTER_KEY, db_config

ADMIN = {"Authorization": f"Bearer {MASTER_KEY}"}
# gpt-4o-mini (the mock deployment's model): $0.15 / 1M input, $0.60 / 1M output tokens; the mock
# answers every chat with 11 prompt and 7 completion tokens.
CHAT_COST = 11 * 0.15e-6 + 7 * 0.60e-6


def new_key(proxy, **body):
    r = requests.post(proxy.base + "/key/generate", json=body, headers=ADMIN, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["key"]


def chat(proxy, key, **kw):
    return proxy.client(key=key).chat.completions.with_raw_response.create(
        model="gpt-mock", messages=[{"role": "user", "content": "hi"}], **kw)


def token_of(key):
    return hashlib.sha256(key.encode()).hexdigest()


def test_spend_row_increments_and_daily_after_flush(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=DB_ENV)
    key = new_key(proxy, user_id="u-42", key_alias="k1")
    raw = chat(proxy, key)
    call_id = raw.headers["x-litellm-call-id"]
    assert float(raw.headers["x-litellm-response-cost"]) == pytest.approx(CHAT_COST, rel=1e-9)
    assert float(raw.headers["x-litellm-key-spend"]) == 0.0
    rows = server.wait_until(
        'SELECT request_id, api_key, spend, prompt_tokens, completion_tokens, total_tokens, model, model_group, '
        'custom_llm_provider, "user", status, call_type, metadata->>\'user_api_key_alias\' '
        'FROM "LiteLLM_SpendLogs"', name, lambda r: len(r) == 1)
    assert rows[0][0] == call_id
    assert rows[0][1] == token_of(key)
    assert float(rows[0][2]) == pytest.approx(CHAT_COST, rel=1e-9)
    assert rows[0][3:] == ["11", "7", "18", "gpt-4o-mini", "gpt-mock", "openai", "u-42", "success", "acompletion",
                           "k1"]
    spend = server.wait_until('SELECT spend FROM "LiteLLM_VerificationToken"', name,
                              lambda r: r and float(r[0][0]) > 0)
    assert float(spend[0][0]) == pytest.approx(CHAT_COST, rel=1e-9)
    daily = server.sql('SELECT user_id, api_key, model, api_requests, successful_requests, prompt_tokens, '
                       'completion_tokens, spend FROM "LiteLLM_DailyUserSpend"', db=name)
    assert len(daily) == 1
    assert daily[0][:7] == ["u-42", token_of(key), "gpt-4o-mini", "1", "1", "11", "7"]
    assert float(daily[0][7]) == pytest.approx(CHAT_COST, rel=1e-9)
    # The next response reports the key's spend so far (cached, before the flush too).
    again = chat(proxy, key)
    assert float(again.headers["x-litellm-key-spend"]) == pytest.approx(CHAT_COST, rel=1e-9)
    # /spend/logs finds the rows by key and by request id.
    by_key = requests.get(proxy.base + "/spend/logs", params={"api_key": key}, headers=ADMIN, timeout=10).json()
    server.wait_until('SELECT count(*) FROM "LiteLLM_SpendLogs"', name, lambda r: r == [["2"]])
    by_key = requests.get(proxy.base + "/spend/logs", params={"api_key": key}, headers=ADMIN, timeout=10).json()
    assert len(by_key) == 2
    one = requests.get(proxy.base + "/spend/logs", params={"request_id": call_id}, headers=ADMIN, timeout=10).json()
    assert [r["request_id"] for r in one] == [call_id]
    total = requests.get(proxy.base + "/global/spend", headers=ADMIN, timeout=10).json()
    assert total["spend"] == pytest.approx(2 * CHAT_COST, rel=1e-9)


def test_budget_enforced_from_recorded_spend(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=DB_ENV)
    key = new_key(proxy, max_budget=CHAT_COST * 1.5)
    chat(proxy, key)
    chat(proxy, key)  # spend (2 × cost) passes the budget after this one
    with pytest.raises(openai.RateLimitError) as e:
        chat(proxy, key)
    assert e.value.body["type"] == "budget_exceeded"


def test_writes_are_batched(start_proxy, mock, pg):
    server, name, url = pg
    cfg = db_config(mock, url, proxy_batch_write_at=2)
    proxy = start_proxy(cfg, env=DB_ENV)
    key = new_key(proxy)
    t0 = time.time()
    for _ in range(5):
        chat(proxy, key)
    time.sleep(max(0.0, 1.0 - (time.time() - t0)))
    assert server.sql('SELECT count(*) FROM "LiteLLM_SpendLogs"', db=name) == [["0"]]
    rows = server.wait_until('SELECT count(*), count(DISTINCT "startTime") FROM "LiteLLM_SpendLogs"', name,
                             lambda r: r[0][0] == "5", timeout=10)
    assert rows[0][0] == "5"
    assert time.time() - t0 >= 1.5


def test_error_logs_and_the_switch(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=DB_ENV)
    key = new_key(proxy)
    with pytest.raises(openai.InternalServerError):
        chat(proxy, key, extra_body={"mock_upstream": {"status": 500, "message": "boom"}, "num_retries": 0})
    rows = server.wait_until('SELECT model_group, litellm_model_name, status_code, exception_type FROM '
                             '"LiteLLM_ErrorLogs"', name, lambda r: len(r) == 1)
    assert rows[0] == ["gpt-mock", "gpt-4o-mini", "500", "InternalServerError"]
    failed = server.wait_until('SELECT status, spend FROM "LiteLLM_SpendLogs"', name, lambda r: len(r) == 1)
    assert failed == [["failure", "0"]]

    server2, name2, url2 = server, server.new_database(), None
    url2 = server.url(name2)
    quiet = start_proxy(db_config(mock, url2, disable_error_logs=True), env=DB_ENV)
    key2 = new_key(quiet)
    with pytest.raises(openai.InternalServerError):
        chat(quiet, key2, extra_body={"mock_upstream": {"status": 500, "message": "boom"}, "num_retries": 0})
    chat(quiet, key2)
    server.wait_until('SELECT count(*) FROM "LiteLLM_SpendLogs" WHERE status = \'success\'', name2,
                      lambda r: r == [["1"]])
    assert server.sql('SELECT count(*) FROM "LiteLLM_ErrorLogs"', db=name2) == [["0"]]


def test_pool_bound_in_pg_stat_activity(start_proxy, mock, pg):
    server, name, url = pg
    cfg = db_config(mock, url, database_connection_pool_limit=2)
    proxy = start_proxy(cfg, env=DB_ENV, args=("--num_workers", "2"))
    keys = [new_key(proxy) for _ in range(6)]
    peak = [0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            n = int(server.sql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'")[0][0])
            peak[0] = max(peak[0], n)
            time.sleep(0.02)

    w = threading.Thread(target=watch)
    w.start()
    errors = []

    def load(k):
        try:
            for _ in range(15):
                chat(proxy, k)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=load, args=(k,)) for k in keys for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(1)
    stop.set()
    w.join()
    assert not errors
    assert 1 <= peak[0] <= 2 * 2, peak[0]
    server.wait_until('SELECT count(*) FROM "LiteLLM_SpendLogs"', name, lambda r: r == [[str(6 * 2 * 15)]])


def test_database_outage_loses_nothing(start_proxy, mock, pg, tmp_path):
    server, name, url = pg
    env = dict(DB_ENV, LITELLM_CPP_SPEND_JOURNAL_DIR=str(tmp_path / "journal"))
    proxy = start_proxy(db_config(mock, url), env=env)
    key = new_key(proxy)
    chat(proxy, key)  # the key is now cached
    server.wait_until('SELECT count(*) FROM "LiteLLM_SpendLogs"', name, lambda r: r == [["1"]])
    server.stop()
    try:
        for _ in range(20):  # served from the cached key while the database is down
            assert chat(proxy, key).parse().choices
        time.sleep(1)
    finally:
        server.start(keep_port=True)
    rows = server.wait_until('SELECT count(*), count(DISTINCT request_id) FROM "LiteLLM_SpendLogs"', name,
                             lambda r: r and r[0][0] == "21", timeout=30)
    assert rows == [["21", "21"]]
    spend = float(server.sql('SELECT spend FROM "LiteLLM_VerificationToken"', db=name)[0][0])
    assert spend == pytest.approx(21 * CHAT_COST, rel=1e-9)
    time.sleep(1.5)  # further flushes add nothing
    assert server.sql('SELECT count(*) FROM "LiteLLM_SpendLogs"', db=name) == [["21"]]


def test_killed_worker_journal_is_replayed(start_proxy, mock, pg, tmp_path):
    server, name, url = pg
    env = dict(DB_ENV, LITELLM_CPP_SPEND_JOURNAL_DIR=str(tmp_path / "journal"))
    cfg = db_config(mock, url, proxy_batch_write_at=3600)  # no flush before the kill
    proxy = start_proxy(cfg, env=env)
    key = new_key(proxy)
    for _ in range(5):
        chat(proxy, key)
    time.sleep(0.3)  # > the 50 ms journal interval of the test environment
    workers = [int(p) for p in open(f"/proc/{proxy.proc.pid}/task/{proxy.proc.pid}/children").read().split()]
    assert workers
    for w in workers:
        os.kill(w, signal.SIGKILL)
    # The replacement worker claims the dead worker's journal; its first flush is an hour away,
    # so stop the proxy gracefully: the drain writes what it holds.
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            if requests.get(proxy.base + "/health/liveliness", timeout=0.5).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.05)
    chat(proxy, key)  # the new worker serves; its start claimed the orphaned journal
    assert proxy.stop() == 0
    rows = server.wait_until('SELECT count(*) FROM "LiteLLM_SpendLogs"', name, lambda r: r == [["6"]], timeout=5)
    assert rows == [["6"]]


def test_disable_spend_logs_still_counts_spend(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url, disable_spend_logs=True), env=DB_ENV)
    key = new_key(proxy)
    chat(proxy, key)
    chat(proxy, key)
    # The two requests may land in different batches: wait for both.
    spend = server.wait_until('SELECT spend FROM "LiteLLM_VerificationToken"', name,
                              lambda r: r and float(r[0][0]) >= 1.5 * CHAT_COST)
    assert float(spend[0][0]) == pytest.approx(2 * CHAT_COST, rel=1e-9)
    assert server.sql('SELECT count(*) FROM "LiteLLM_SpendLogs"', db=name) == [["0"]]


def test_request_tags_and_daily_tag_spend(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=DB_ENV)
    key = new_key(proxy, user_id="tagger")
    proxy.client(key=key).chat.completions.create(
        model="gpt-mock", messages=[{"role": "user", "content": "hi"}],
        extra_body={"metadata": {"tags": ["prod", "team-a"]}}, extra_headers={"x-litellm-tags": "batch, nightly"})
    rows = server.wait_until('SELECT request_tags::text FROM "LiteLLM_SpendLogs"', name, lambda r: len(r) == 1)
    assert rows == [['["prod", "team-a", "batch", "nightly"]']]
    tags = server.wait_until('SELECT tag, api_requests, spend > 0 FROM "LiteLLM_DailyTagSpend" ORDER BY tag', name,
                             lambda r: len(r) == 4)
    assert tags == [["batch", "1", "t"], ["nightly", "1", "t"], ["prod", "1", "t"], ["team-a", "1", "t"]]


def journal_line(request_id, t0=1767225600000):
    """A record as the spend journal holds it (src/db/store.cpp, Store::record)."""
    return json.dumps({"r": request_id, "ct": "acompletion", "k": "journal-key", "s": 0.25, "pt": 1, "co": 2,
                       "tt": 3, "t0": t0, "t1": 1767225601000, "m": "m", "g": "g", "p": "openai", "ep": "/x"})


def test_dead_process_journal_claimed_and_bad_records_set_aside(start_proxy, mock, pg, tmp_path):
    server, name, url = pg
    journal = tmp_path / "journal"
    journal.mkdir()
    # Left by a process that no longer exists: two good records, one the database refuses, and a
    # last record torn by the crash.
    orphan = journal / "spend-999999-1-0.jsonl"
    orphan.write_text(journal_line("journal-good-1") + "\n" + journal_line("journal-bad", t0="not a time") + "\n"
                      + journal_line("journal-good-2") + "\n" + journal_line("journal-torn")[:40])
    start_proxy(db_config(mock, url), env=dict(DB_ENV, LITELLM_CPP_SPEND_JOURNAL_DIR=str(journal)))
    rows = server.wait_until('SELECT request_id FROM "LiteLLM_SpendLogs" ORDER BY request_id', name,
                             lambda r: len(r) == 2)
    assert rows == [["journal-good-1"], ["journal-good-2"]]
    rejected = list(journal.glob("*.rejected"))
    assert len(rejected) == 1 and "journal-bad" in rejected[0].read_text()
    assert not orphan.exists()
