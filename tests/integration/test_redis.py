"""Redis: two litellm-cpp instances on one real redis-server (with a password) act as one proxy:
cooldowns, key limits, key changes and the response cache are shared; Redis going away fails no
request."""
import json
import signal
import subprocess
import threading
import time

import openai
import pytest
import requests

from conftest import DB_ENV, MASTER_KEY, db_config, upstream_config, wait_for

MSG = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="session")
def redis_server():
    from redis_server import RedisServer
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture
def redis(redis_server):
    redis_server.flushall()
    return redis_server


def router_redis(redis):
    """The seed report's form: host, port and password (not redis_url)."""
    return {"redis_host": "127.0.0.1", "redis_port": redis.port, "redis_password": redis.password}


def readiness(proxy):
    return requests.get(f"http://127.0.0.1:{proxy.port}/health/readiness", timeout=5).json()


def test_SeedConfig_HostPortPassword_ConnectsAndReportsRedis(mock, redis, start_proxy):
    cfg = upstream_config(mock, router_settings=router_redis(redis), litellm_settings={"callbacks": ["prometheus"]})
    proxy = start_proxy(cfg, args=["--num_workers", "2"],
                        env={"LITELLM_LOG": "INFO", "SEPARATE_HEALTH_APP": "1", "SEPARATE_HEALTH_PORT": "0"})
    assert wait_for(lambda: readiness(proxy).get("redis") == "connected"), readiness(proxy)
    assert readiness(proxy)["status"] == "healthy"
    # The separate health port reports it too (from the workers' status in shared memory).
    health = lambda: requests.get(f"http://127.0.0.1:{proxy.health_port}/health/readiness", timeout=5).json()  # noqa: E731
    assert wait_for(lambda: health().get("redis") == "connected"), health()
    proxy.client().chat.completions.create(model="gpt-mock", messages=MSG)

    def connected_workers():
        text = requests.get(f"http://127.0.0.1:{proxy.port}/metrics", timeout=5).text
        for line in text.splitlines():
            if line.startswith("litellm_cpp_redis_connected_workers "):
                return float(line.split()[1])
        return None
    assert wait_for(lambda: connected_workers() == 2.0), connected_workers()
    # The usage counters went to Redis under our prefix, per deployment and minute.
    assert wait_for(lambda: redis.command("KEYS", "litellm_cpp:usage:*")), "no usage keys in Redis"
    assert "Redis connected: redis://127.0.0.1:%d" % redis.port in proxy.logs()


def test_WrongPassword_ClearLogLine_ProxyServesWithLocalState(mock, redis, start_proxy):
    settings = router_redis(redis) | {"redis_password": "not-the-password"}
    proxy = start_proxy(upstream_config(mock, router_settings=settings))
    r = proxy.client().chat.completions.create(model="gpt-mock", messages=MSG)
    assert r.choices[0].message.content
    assert wait_for(lambda: "unavailable" in proxy.logs())
    logs = proxy.logs()
    assert "WRONGPASS" in logs or "invalid password" in logs, logs[-2000:]
    assert readiness(proxy)["redis"] == "disconnected"
    assert readiness(proxy)["status"] == "healthy"  # Redis is shared state, not a dependency


def two_deployments(mock, bad_status):
    bad = {"model_name": "g", "litellm_params": {"model": "openai/m", "api_base": mock.base_url, "api_key": "k",
                                                 "mock_upstream": {"status": bad_status}},
           "model_info": {"id": "dep-bad"}}
    good = {"model_name": "g", "litellm_params": {"model": "openai/m", "api_base": mock.base_url, "api_key": "k"},
            "model_info": {"id": "dep-good"}}
    return [bad, good]


def served_by(mock, since, dep_status):
    """Requests the mock received since index `since` that were for the failing deployment."""
    return [r for r in mock.requests()[since:] if (r["body"].get("mock_upstream") or {}).get("status") == dep_status]


def test_Cooldown_SetThroughOneInstance_HonouredByTheOther(mock, redis, start_proxy):
    cfg = upstream_config(mock, router_settings=router_redis(redis) | {"cooldown_time": 30, "num_retries": 0})
    cfg["model_list"] = two_deployments(mock, 429)
    a = start_proxy(cfg)
    b = start_proxy(cfg)
    # Through A until the failing deployment answers 429: a 429 in a group of two cools it at once.
    for _ in range(100):
        try:
            a.client().chat.completions.create(model="g", messages=MSG)
        except openai.RateLimitError:
            break
    else:
        pytest.fail("the failing deployment was never picked")
    # LiteLLM's key and value, with the cooldown time as TTL.
    raw = wait_for(lambda: redis.command("GET", "deployment:dep-bad:cooldown"), timeout=2)
    assert raw, "cooldown not written to Redis"
    value = json.loads(raw)
    assert value["status_code"] == "429" and value["cooldown_time"] == 30
    assert set(value) == {"exception_received", "status_code", "timestamp", "cooldown_time"}
    assert 25 <= redis.command("TTL", "deployment:dep-bad:cooldown") <= 30
    # B never picks it (its sync reads the fleet's cooldowns every 200 ms).
    time.sleep(0.5)
    since = len(mock.requests())
    for _ in range(30):
        b.client().chat.completions.create(model="g", messages=MSG)
    assert served_by(mock, since, 429) == [], "instance B sent traffic to a deployment A cooled down"

    # A cooldown written by a LiteLLM instance of the same fleet is honoured too.
    record = {"exception_received": "litellm.RateLimitError", "status_code": "429", "timestamp": time.time(),
              "cooldown_time": 20}
    redis.command("SET", "deployment:dep-good:cooldown", json.dumps(record), "EX", "20")
    time.sleep(0.5)
    with pytest.raises(openai.RateLimitError) as err:
        b.client().chat.completions.create(model="g", messages=MSG)
    assert "No deployments available for selected model" in str(err.value)


def wait_early_in_minute(limit=35):
    """Fixed one-minute windows: start a window-sensitive test early enough in a calendar minute."""
    if time.time() % 60 > limit:
        time.sleep(60 - time.time() % 60 + 0.2)


def test_KeyLimits_And_KeyChanges_SharedAcrossInstances(mock, redis, pg, start_proxy):
    _, _, url = pg
    cfg = db_config(mock, url)
    cfg["router_settings"] = router_redis(redis)
    a = start_proxy(cfg, env=DB_ENV)
    b = start_proxy(cfg, env=DB_ENV)
    headers = {"Authorization": f"Bearer {MASTER_KEY}"}
    key = requests.post(f"http://127.0.0.1:{a.port}/key/generate", headers=headers, json={"rpm_limit": 4},
                        timeout=10).json()["key"]
    wait_early_in_minute()
    outcomes = []
    for i in range(8):  # alternate instances, slower than the sync
        proxy = (a, b)[i % 2]
        r = requests.post(f"http://127.0.0.1:{proxy.port}/v1/chat/completions", timeout=10,
                          headers={"Authorization": f"Bearer {key}"}, json={"model": "gpt-mock", "messages": MSG})
        outcomes.append(r)
        # Each instance syncs every 200 ms on its own timer: a count made on one reaches the other
        # within two syncs (sent with the first, read with the other's next), 400 ms at worst.
        time.sleep(0.5)
    codes = [r.status_code for r in outcomes]
    assert codes.count(200) == 4, codes
    assert codes[4:] == [429] * 4, codes
    refused = outcomes[-1]
    assert "Limit type: requests. Current limit: 4, Remaining: 0" in refused.json()["error"]["message"]
    assert refused.headers["rate_limit_type"] == "requests"

    # A key blocked through A is refused by B within the sync delay (its cached copy is dropped).
    other = requests.post(f"http://127.0.0.1:{a.port}/key/generate", headers=headers, json={}, timeout=10).json()["key"]
    call = lambda p: requests.post(f"http://127.0.0.1:{p.port}/v1/chat/completions", timeout=10,  # noqa: E731
                                   headers={"Authorization": f"Bearer {other}"},
                                   json={"model": "gpt-mock", "messages": MSG})
    assert call(b).status_code == 200  # now cached in B
    assert requests.post(f"http://127.0.0.1:{a.port}/key/block", headers=headers, json={"key": other},
                         timeout=10).status_code == 200
    t0 = time.time()
    assert wait_for(lambda: call(b).status_code == 401, timeout=3), "B still accepts a key blocked through A"
    assert time.time() - t0 < 2


def cache_config(mock, redis, **params):
    return upstream_config(mock, litellm_settings={"cache": True, "cache_params": {
        "type": "redis", "host": "127.0.0.1", "port": redis.port, "password": redis.password, "ttl": 60, **params}})


def test_ResponseCache_HitOnSecondInstance_NoUpstreamCall(mock, redis, start_proxy):
    cfg = cache_config(mock, redis, namespace="team-a")
    a = start_proxy(cfg)
    b = start_proxy(cfg)
    first = a.client().chat.completions.with_raw_response.create(model="gpt-mock", messages=MSG, temperature=0.2)
    key = first.headers["x-litellm-cache-key"]
    assert key.startswith("team-a:") and len(key) == len("team-a:") + 64
    assert wait_for(lambda: redis.command("EXISTS", key) == 1, timeout=2)
    assert 50 <= redis.command("TTL", key) <= 60
    stored = json.loads(redis.command("GET", key))
    assert set(stored) == {"timestamp", "response"}
    calls = len(mock.requests())
    second = b.client().chat.completions.with_raw_response.create(model="gpt-mock", messages=MSG, temperature=0.2)
    assert len(mock.requests()) == calls, "a cache hit called the upstream"
    assert second.headers["x-litellm-cache-key"] == key
    assert second.headers["x-litellm-response-cost"] == "0"
    assert second.parse().id == first.parse().id
    assert second.parse().choices[0].message.content == first.parse().choices[0].message.content
    # Different parameters are a different key; no-cache reads around the cache.
    b.client().chat.completions.create(model="gpt-mock", messages=MSG, temperature=0.3)
    assert len(mock.requests()) == calls + 1
    b.client().chat.completions.create(model="gpt-mock", messages=MSG, temperature=0.2,
                                       extra_body={"cache": {"no-cache": True}})
    assert len(mock.requests()) == calls + 2
    # A stream is its own key ("stream: True"); stored as the whole response, replayed as a stream.
    def streamed(proxy):
        chunks = list(proxy.client().chat.completions.create(model="gpt-mock", messages=MSG, temperature=0.2,
                                                              stream=True))
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices), chunks
    text, _ = streamed(a)
    assert len(mock.requests()) == calls + 3
    wait_for(lambda: len(redis.command("KEYS", "team-a:*")) >= 2, timeout=2)
    replayed, chunks = streamed(b)
    assert len(mock.requests()) == calls + 3, "a cached stream called the upstream"
    assert replayed == text and text
    assert chunks[-1].choices[0].finish_reason == "stop"
    # Embeddings are cached too.
    a.client().embeddings.create(model="embed-mock", input="hello")
    n = len(mock.requests())
    b.client().embeddings.create(model="embed-mock", input="hello")
    assert len(mock.requests()) == n


def test_ResponseCache_HitIsLoggedWithoutSpend(mock, redis, pg, start_proxy):
    server, name, url = pg
    cfg = cache_config(mock, redis)
    cfg["general_settings"].update({"database_url": url, "proxy_batch_write_at": 0.3})
    proxy = start_proxy(cfg, env=DB_ENV)
    client = proxy.client()
    client.chat.completions.create(model="gpt-mock", messages=MSG)
    hit = client.chat.completions.with_raw_response.create(model="gpt-mock", messages=MSG)
    key = hit.headers["x-litellm-cache-key"]

    def rows():
        return server.sql('SELECT request_id, cache_hit, cache_key, spend FROM "LiteLLM_SpendLogs" '
                          'ORDER BY "startTime"', db=name, check=False)
    got = wait_for(lambda: len(rows() or []) == 2 and rows(), timeout=10)
    assert got, rows()
    (miss_id, miss_hit, miss_key, miss_spend), (hit_id, hit_hit, hit_key, hit_spend) = got
    assert (miss_hit, miss_key) == ("False", key) and float(miss_spend) > 0
    assert hit_hit == "True" and hit_key == key and float(hit_spend) == 0
    assert hit_id.startswith(hit.parse().id + "_cache_hit")


def test_RedisKilledAndRestarted_UnderLoad_NoFailedRequest(mock, redis, start_proxy):
    cfg = upstream_config(mock, router_settings=router_redis(redis))
    proxy = start_proxy(cfg, args=["--num_workers", "2"])
    assert wait_for(lambda: readiness(proxy).get("redis") == "connected")
    failures, done = [], []
    stop = threading.Event()

    def load():
        client = proxy.client()
        while not stop.is_set():
            try:
                client.chat.completions.create(model="gpt-mock", messages=MSG)
                done.append(1)
            except Exception as e:  # noqa: BLE001 - any failure is what the test looks for
                failures.append(repr(e))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        redis.kill()
        time.sleep(1.5)
        served_during_outage = len(done)
        redis.start(keep_port=True)
        time.sleep(1.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert failures == []
    assert len(done) > served_during_outage > 0
    assert wait_for(lambda: readiness(proxy).get("redis") == "connected", timeout=5)
    logs = proxy.logs()
    # Logged once per worker for the outage, and the recovery.
    assert 1 <= logs.count("unavailable (") <= 2, logs[-3000:]
    assert "reachable again" in logs
    # Sharing resumed: usage is being written to the restarted server.
    proxy.client().chat.completions.create(model="gpt-mock", messages=MSG)
    assert wait_for(lambda: redis.command("KEYS", "litellm_cpp:usage:*"), timeout=3)


def buffer_config(mock, redis, url):
    cfg = db_config(mock, url, use_redis_transaction_buffer=True)
    cfg["router_settings"] = router_redis(redis)
    return cfg


BUFFER_ENV = DB_ENV | {"LITELLM_CPP_SPEND_LOCK_TTL_MS": "1000"}


def spend_state(server, db, key_hash):
    logs = server.sql('SELECT count(*), coalesce(sum(spend), 0) FROM "LiteLLM_SpendLogs" WHERE api_key = '
                      f"'{key_hash}'", db=db)[0]
    key_spend = server.sql(f'SELECT spend FROM "LiteLLM_VerificationToken" WHERE token = \'{key_hash}\'', db=db)[0][0]
    return int(logs[0]), float(logs[1]), float(key_spend)


def chat(proxy, key, n):
    for _ in range(n):
        r = requests.post(f"http://127.0.0.1:{proxy.port}/v1/chat/completions", timeout=10,
                          headers={"Authorization": f"Bearer {key}"}, json={"model": "gpt-mock", "messages": MSG})
        assert r.status_code == 200, r.text


def test_TransactionBuffer_TwoInstances_EachIncrementWrittenOnce(mock, redis, pg, start_proxy):
    server, name, url = pg
    cfg = buffer_config(mock, redis, url)
    a = start_proxy(cfg, env=BUFFER_ENV)
    b = start_proxy(cfg, env=BUFFER_ENV)
    gen = requests.post(f"http://127.0.0.1:{a.port}/key/generate", headers={"Authorization": f"Bearer {MASTER_KEY}"},
                        json={}, timeout=10).json()
    key, key_hash = gen["key"], gen["token_id"]
    chat(a, key, 6)
    chat(b, key, 6)

    def settled():
        count, total, key_spend = spend_state(server, name, key_hash)
        return count == 12 and abs(total - key_spend) < 1e-12 and (count, total, key_spend)
    got = wait_for(settled, timeout=10)
    assert got, spend_state(server, name, key_hash)
    assert got[1] > 0
    # Both instances handed their batches to Redis; one writer emptied the buffer.
    assert wait_for(lambda: redis.command("LLEN", "litellm_cpp:spend_buffer") == 0
                    and redis.command("LLEN", "litellm_cpp:spend_buffer:writing") == 0, timeout=5)
    assert redis.command("EXISTS", "litellm_cpp:spend_writer") == 1


def test_TransactionBuffer_WriterDiesMidBatch_NothingLostNothingTwice(mock, redis, pg, tmp_path, start_proxy):
    from conftest import Proxy
    server, name, url = pg
    cfg = buffer_config(mock, redis, url)
    a = Proxy(cfg, tmp_path, env=BUFFER_ENV)  # killed below, so not through start_proxy
    try:
        gen = requests.post(f"http://127.0.0.1:{a.port}/key/generate",
                            headers={"Authorization": f"Bearer {MASTER_KEY}"}, json={}, timeout=10).json()
        key, key_hash = gen["key"], gen["token_id"]
        chat(a, key, 3)
        assert wait_for(lambda: spend_state(server, name, key_hash)[0] == 3, timeout=10)
        # The database goes away: A (the writer) takes its batch into "writing" and cannot finish it.
        server.stop()  # "fast": a clean shutdown (the test server runs with synchronous_commit off)
        chat(a, key, 3)  # the key is cached: requests go on
        assert wait_for(lambda: redis.command("LLEN", "litellm_cpp:spend_buffer:writing") == 1, timeout=10), \
            a.logs()[-2000:]
        unfinished = redis.command("LRANGE", "litellm_cpp:spend_buffer:writing", 0, -1)[0]
    finally:
        # The writer dies without a word (no drain, no final flush).
        subprocess.run(["pkill", "-KILL", "-P", str(a.proc.pid)], check=False)
        a.proc.kill()
        a.proc.wait()
    server.start(keep_port=True)
    # The same batch once more in the queue, as if a writer had committed it and died before
    # removing it: writing it again must not count it again.
    redis.command("LPUSH", "litellm_cpp:spend_buffer", unfinished)
    b = start_proxy(cfg, env=BUFFER_ENV)  # takes the lock once A's has expired (1 s here)

    def settled():
        count, total, key_spend = spend_state(server, name, key_hash)
        return count == 6 and abs(total - key_spend) < 1e-12 and (count, total, key_spend)
    got = wait_for(settled, timeout=15)
    assert got, (spend_state(server, name, key_hash), b.logs()[-2000:])
    assert wait_for(lambda: redis.command("LLEN", "litellm_cpp:spend_buffer") == 0
                    and redis.command("LLEN", "litellm_cpp:spend_buffer:writing") == 0, timeout=5)


def test_Rediss_TlsVerifiedLikeProviders(mock, tmp_path, start_proxy):
    from redis_server import RedisServer
    server = RedisServer(tls=True).start()
    try:
        url = f"rediss://:{server.password}@localhost:{server.port}"
        cfg = upstream_config(mock, router_settings={"redis_url": url})
        trusted = start_proxy(cfg, env={"SSL_CERT_FILE": server.cert})
        assert wait_for(lambda: readiness(trusted).get("redis") == "connected"), trusted.logs()[-2000:]
        trusted.client().chat.completions.create(model="gpt-mock", messages=MSG)
        assert wait_for(lambda: server.command("KEYS", "litellm_cpp:usage:*"), timeout=3)
        # Without the certificate in the trust store the connection is refused, and requests go on.
        untrusted = start_proxy(cfg)
        untrusted.client().chat.completions.create(model="gpt-mock", messages=MSG)
        assert wait_for(lambda: "unavailable" in untrusted.logs()), untrusted.logs()[-2000:]
        assert "certificate verify failed" in untrusted.logs()
        assert readiness(untrusted)["redis"] == "disconnected"
    finally:
        server.cleanup()


def test_DbModelAdded_ThroughOneInstance_ServedByTheOtherPromptly(mock, redis, pg, start_proxy):
    _, _, url = pg
    cfg = db_config(mock, url, store_model_in_db=True)
    cfg["router_settings"] = router_redis(redis)
    # The DB poll is slow here (60 s): only the Redis epoch can make B notice within the test.
    env = DB_ENV | {"LITELLM_CPP_DB_MODELS_INTERVAL_MS": "60000"}
    a = start_proxy(cfg, env=env)
    b = start_proxy(cfg, env=env)
    admin = {"Authorization": f"Bearer {MASTER_KEY}"}

    def b_status():
        return requests.post(f"http://127.0.0.1:{b.port}/v1/chat/completions", headers=admin, timeout=10,
                             json={"model": "fleet-model", "messages": MSG}).status_code
    assert b_status() != 200  # B is up and has read the (empty) model table
    time.sleep(1.0)
    r = requests.post(f"http://127.0.0.1:{a.port}/model/new", headers=admin, timeout=10, json={
        "model_name": "fleet-model",
        "litellm_params": {"model": "openai/gpt-4o-mini", "api_base": mock.base_url, "api_key": "k"}})
    assert r.status_code == 200, r.text

    t0 = time.time()
    assert wait_for(lambda: b_status() == 200, timeout=5), "B never served a model added through A"
    assert time.time() - t0 < 2.5


def test_RedisPaused_CacheMissesWithinTheSocketTimeout_NoFailedRequest(mock, redis, start_proxy):
    """A Redis that stops answering (SIGSTOP: no error, no reply) costs a cached request at most
    REDIS_SOCKET_TIMEOUT, and the connection is replaced once it stalls for 2 s."""
    cfg = cache_config(mock, redis)
    cfg["router_settings"] = router_redis(redis)
    proxy = start_proxy(cfg)
    assert wait_for(lambda: readiness(proxy).get("redis") == "connected")
    client = proxy.client()
    client.chat.completions.create(model="gpt-mock", messages=MSG)  # cached
    redis.proc.send_signal(signal.SIGSTOP)
    try:
        times = []
        for i in range(12):
            t0 = time.monotonic()
            r = client.chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": f"q{i}"}])
            times.append(time.monotonic() - t0)
            assert r.choices[0].message.content
            time.sleep(0.2)
        # A miss waits for the cache read at most the socket timeout (0.1 s), plus the upstream call.
        assert max(times) < 1.0, times
        assert wait_for(lambda: readiness(proxy).get("redis") == "disconnected", timeout=5)
        # While the connection is down, the cache is skipped at once.
        t0 = time.monotonic()
        client.chat.completions.create(model="gpt-mock", messages=MSG)
        assert time.monotonic() - t0 < 0.5
    finally:
        redis.proc.send_signal(signal.SIGCONT)
    assert wait_for(lambda: readiness(proxy).get("redis") == "connected", timeout=10)
    assert "no reply within 2000 ms" in proxy.logs()


def test_TransactionBuffer_RefusedRecordKeptAsideByTheWriter(mock, redis, pg, tmp_path, start_proxy):
    server, name, url = pg
    journal = tmp_path / "journal"
    journal.mkdir()
    record = lambda rid, t0=1767225600000: json.dumps({  # noqa: E731 - a journal record (Store::record)
        "r": rid, "ct": "acompletion", "k": "buffer-key", "s": 0.25, "pt": 1, "co": 2, "tt": 3, "t0": t0,
        "t1": 1767225601000, "m": "m", "g": "g", "p": "openai", "ep": "/x"})
    # A batch from another instance, with one record the database refuses.
    redis.command("LPUSH", "litellm_cpp:spend_buffer",
                  "\n".join([record("buffered-good-1"), record("buffered-bad", t0="not a time"),
                             record("buffered-good-2")]) + "\n")
    start_proxy(buffer_config(mock, redis, url), env=BUFFER_ENV | {"LITELLM_CPP_SPEND_JOURNAL_DIR": str(journal)})
    rows = server.wait_until('SELECT request_id FROM "LiteLLM_SpendLogs" ORDER BY request_id', name,
                             lambda r: len(r) == 2)
    assert rows == [["buffered-good-1"], ["buffered-good-2"]]
    rejected = wait_for(lambda: list(journal.glob("buffered-*.rejected")), timeout=5)
    assert rejected and "buffered-bad" in rejected[0].read_text()
    assert wait_for(lambda: redis.command("LLEN", "litellm_cpp:spend_buffer:writing") == 0, timeout=5)
