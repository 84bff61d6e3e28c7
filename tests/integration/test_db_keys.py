"""Virtual keys against a real PostgreSQL: LiteLLM's endpoints, its stored form, every refusal."""
import hashlib
import time

import openai
import pytest
import requests

from conftest import DB_ENV, MASTER_KEY, db_config

ADMIN = {"Authorization": f"Bearer {MASTER_KEY}"}


def post(proxy, path, body, headers=ADMIN):
    return requests.post(proxy.base + path, json=body, headers=headers, timeout=10)


def get(proxy, path, headers=ADMIN, **params):
    return requests.get(proxy.base + path, params=params, headers=headers, timeout=10)


def chat(proxy, key, model="gpt-mock", **kw):
    return proxy.client(key=key).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "hi"}], **kw)


@pytest.fixture
def db_proxy(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=DB_ENV)
    return proxy, server, name


def test_fresh_database_gets_litellms_tables(db_proxy):
    _, server, name = db_proxy
    tables = {r[0] for r in server.sql("SELECT tablename FROM pg_tables WHERE schemaname='public'", db=name)}
    for t in ("LiteLLM_VerificationToken", "LiteLLM_UserTable", "LiteLLM_TeamTable", "LiteLLM_BudgetTable",
              "LiteLLM_SpendLogs", "LiteLLM_ErrorLogs", "LiteLLM_ProxyModelTable", "LiteLLM_Config",
              "LiteLLM_DailyUserSpend", "LiteLLM_DailyTeamSpend", "LiteLLM_DailyTagSpend"):
        assert t in tables
    views = {r[0] for r in server.sql("SELECT viewname FROM pg_views WHERE schemaname='public'", db=name)}
    assert {"LiteLLM_VerificationTokenView", "MonthlyGlobalSpend", "Last30dKeysBySpend"} <= views


def test_generate_stores_sha256_and_key_works(db_proxy):
    proxy, server, name = db_proxy
    r = post(proxy, "/key/generate", {"models": ["gpt-mock"], "key_alias": "alice", "max_budget": 5,
                                      "metadata": {"team": "core"}, "duration": "1h"})
    assert r.status_code == 200, r.text
    body = r.json()
    key = body["key"]
    assert key.startswith("sk-") and len(key) == 3 + 22  # secrets.token_urlsafe(16)
    assert body["key_name"] == "sk-..." + key[-4:]
    assert body["token_id"] == hashlib.sha256(key.encode()).hexdigest()
    assert body["key_alias"] == "alice" and body["max_budget"] == 5 and body["models"] == ["gpt-mock"]
    assert body["expires"].endswith("+00:00")
    rows = server.sql('SELECT token, key_alias, max_budget, models::text, metadata->>\'team\', '
                      'expires > now() AT TIME ZONE \'utc\' + interval \'50 minutes\' '
                      'FROM "LiteLLM_VerificationToken"', db=name)
    assert rows == [[body["token_id"], "alice", "5", "{gpt-mock}", "core", "t"]]
    reply = chat(proxy, key)
    assert reply.choices[0].message.content


def test_key_info_update_list_delete(db_proxy):
    proxy, server, name = db_proxy
    key = post(proxy, "/key/generate", {"key_alias": "bob"}).json()["key"]
    info = get(proxy, "/key/info", key=key)
    assert info.status_code == 200
    assert info.json()["key"] == key
    assert info.json()["info"]["key_alias"] == "bob"
    assert "token" not in info.json()["info"]
    # Own info with the key itself.
    own = get(proxy, "/key/info", headers={"Authorization": f"Bearer {key}"})
    assert own.status_code == 200 and own.json()["info"]["key_alias"] == "bob"

    up = post(proxy, "/key/update", {"key": key, "key_alias": "bobby", "rpm_limit": 7})
    assert up.status_code == 200, up.text
    assert up.json()["key_alias"] == "bobby" and up.json()["rpm_limit"] == 7
    assert server.sql('SELECT key_alias, rpm_limit FROM "LiteLLM_VerificationToken"', db=name) == [["bobby", "7"]]

    second = post(proxy, "/key/generate", {"user_id": "u1"}).json()["key"]
    listed = get(proxy, "/key/list", size=1, page=1).json()
    assert listed["total_count"] == 2 and listed["total_pages"] == 2 and len(listed["keys"]) == 1
    only_u1 = get(proxy, "/key/list", user_id="u1").json()
    assert only_u1["keys"] == [hashlib.sha256(second.encode()).hexdigest()]

    gone = post(proxy, "/key/delete", {"keys": [key]})
    assert gone.status_code == 200 and gone.json() == {"deleted_keys": [key]}
    missing = get(proxy, "/key/info", key=key)
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Key not found in database"
    # The deleted key is refused at once on this worker (its cache entry is dropped).
    with pytest.raises(openai.AuthenticationError) as e:
        chat(proxy, key)
    assert e.value.body["type"] == "token_not_found_in_db"
    # Not all deleted → LiteLLM's 400.
    again = post(proxy, "/key/delete", {"keys": [key]})
    assert again.status_code == 400
    assert "Not all keys passed in were deleted" in again.json()["error"]["message"]
    archived = server.sql('SELECT count(*) FROM "LiteLLM_DeletedVerificationToken"', db=name)
    assert archived == [["1"]]


def test_refusals_with_litellms_errors(db_proxy):
    proxy, server, name = db_proxy
    unknown = "sk-unknown-key-abcd"
    with pytest.raises(openai.AuthenticationError) as e:
        chat(proxy, unknown)
    h = hashlib.sha256(unknown.encode()).hexdigest()
    assert e.value.body == {
        "message": "Authentication Error, Invalid proxy server token passed. Received API Key = sk-...abcd, "
                   f"Key Hash (Token) ={h}. Unable to find token in cache or `LiteLLM_VerificationTokenTable`",
        "type": "token_not_found_in_db", "param": "key", "code": "401"}

    with pytest.raises(openai.AuthenticationError) as e:
        chat(proxy, "not-a-virtual-key-1234")
    assert e.value.body["message"] == ("LiteLLM Virtual Key expected. Received=not-****1234, "
                                       "expected to start with 'sk-'.")

    blocked = post(proxy, "/key/generate", {}).json()["key"]
    assert post(proxy, "/key/block", {"key": blocked}).json()["blocked"] is True
    with pytest.raises(openai.AuthenticationError) as e:
        chat(proxy, blocked)
    assert e.value.body["message"] == ("Authentication Error, Key is blocked. Update via `/key/unblock` "
                                       "if you're an admin.")
    assert post(proxy, "/key/unblock", {"key": blocked}).json()["blocked"] is False
    assert chat(proxy, blocked).choices

    limited = post(proxy, "/key/generate", {"models": ["embed-mock"]}).json()["key"]
    with pytest.raises(openai.AuthenticationError) as e:
        chat(proxy, limited)
    assert e.value.body["type"] == "key_model_access_denied"
    assert e.value.body["message"] == ("key not allowed to access model. This key can only access "
                                       "models=['embed-mock']. Tried to access gpt-mock")

    expired = post(proxy, "/key/generate", {"duration": "1s"}).json()["key"]
    time.sleep(1.2)
    with pytest.raises(openai.AuthenticationError) as e:
        chat(proxy, expired)
    assert e.value.body["type"] == "expired_key"
    assert e.value.body["message"].startswith("Authentication Error - Expired Key. Key Expiry time ")

    # Management routes are for admins.
    r = post(proxy, "/key/generate", {}, headers={"Authorization": f"Bearer {blocked}"})
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "Admin-only endpoint. Not allowed to access this."


def test_budget_rpm_and_parallel_limits(db_proxy, mock):
    proxy, server, name = db_proxy
    # A key already over its budget.
    broke = post(proxy, "/key/generate", {"max_budget": 1.0, "spend": 1.5, "key_alias": "broke"}).json()["key"]
    with pytest.raises(openai.RateLimitError) as e:
        chat(proxy, broke)
    assert e.value.status_code == 429
    assert e.value.body == {"message": f"Budget has been exceeded! Key=broke (sk-...{broke[-4:]}) Current cost: 1.5, "
                                       "Max budget: 1.0", "type": "budget_exceeded", "param": None, "code": "429"}

    rpm = post(proxy, "/key/generate", {"rpm_limit": 2}).json()["key"]
    assert chat(proxy, rpm).choices and chat(proxy, rpm).choices
    with pytest.raises(openai.RateLimitError) as e:
        chat(proxy, rpm)
    token = hashlib.sha256(rpm.encode()).hexdigest()
    assert e.value.body["message"].startswith(f"Rate limit exceeded for api_key: {token}. Limit type: requests. "
                                              "Current limit: 2, Remaining: 0. Limit resets at: ")
    assert int(e.value.response.headers["retry-after"]) <= 61
    assert e.value.response.headers["rate_limit_type"] == "requests"


def test_users_and_teams(db_proxy):
    proxy, server, name = db_proxy
    u = post(proxy, "/user/new", {"user_id": "ann", "user_email": "ann@example.com", "max_budget": 3})
    assert u.status_code == 200, u.text
    assert u.json()["user_id"] == "ann" and u.json()["key"].startswith("sk-")
    info = get(proxy, "/user/info", user_id="ann").json()
    assert info["user_info"]["user_email"] == "ann@example.com" and info["user_info"]["max_budget"] == 3
    assert len(info["keys"]) == 1 and info["keys"][0]["user_id"] == "ann"

    t = post(proxy, "/team/new", {"team_alias": "core", "models": ["gpt-mock"], "max_budget": 10,
                                  "members_with_roles": [{"role": "user", "user_id": "ann"}]})
    assert t.status_code == 200, t.text
    team_id = t.json()["team_id"]
    assert t.json()["team_alias"] == "core"
    team_key = post(proxy, "/key/generate", {"team_id": team_id}).json()["key"]
    with pytest.raises(openai.AuthenticationError) as e:
        chat(proxy, team_key, model="embed-mock")
    assert e.value.body["type"] == "team_model_access_denied"
    assert chat(proxy, team_key).choices

    ti = get(proxy, "/team/info", team_id=team_id).json()
    assert ti["team_info"]["max_budget"] == 10 and len(ti["keys"]) == 1
    assert [m["user_id"] for m in ti["team_memberships"]] == ["ann"]
    upd = post(proxy, "/team/update", {"team_id": team_id, "blocked": True})
    assert upd.status_code == 200, upd.text
    with pytest.raises(openai.AuthenticationError) as e:
        chat(proxy, team_key)
    assert e.value.body["message"] == (f"Authentication Error, Team={team_id} is blocked. Update via "
                                       "`/team/unblock` if you're an admin.")
    assert post(proxy, "/team/delete", {"team_ids": [team_id]}).json() == {"deleted_teams": [team_id]}
    assert post(proxy, "/user/delete", {"user_ids": ["ann"]}).json() == {"deleted_users": ["ann"]}
    assert server.sql('SELECT count(*) FROM "LiteLLM_UserTable"', db=name) == [["0"]]


def test_no_database_keeps_litellms_answers(start_proxy, mock):
    from conftest import upstream_config
    proxy = start_proxy(upstream_config(mock))
    r = post(proxy, "/key/generate", {})
    assert r.status_code == 500
    assert r.json()["error"]["message"].startswith("Connect Proxy to database to generate keys")
    with pytest.raises(openai.BadRequestError) as e:
        chat(proxy, "sk-some-virtual-key")
    assert e.value.body["message"] == "No connected db."


def test_budget_period_resets(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=dict(DB_ENV, LITELLM_CPP_BUDGET_RESET_INTERVAL_MS="200"))
    key = post(proxy, "/key/generate", {"max_budget": 1, "spend": 5, "budget_duration": "2s"}).json()["key"]
    with pytest.raises(openai.RateLimitError):
        chat(proxy, key)
    time.sleep(2.3)
    assert chat(proxy, key).choices  # a new budget period
    rows = server.wait_until('SELECT spend < 1, budget_reset_at > now() AT TIME ZONE \'utc\' '
                             'FROM "LiteLLM_VerificationToken"', name, lambda r: r == [["t", "t"]])
    assert rows == [["t", "t"]]


def raw_chat(proxy, key):
    # A new connection per request, so that requests land on every worker.
    return requests.post(proxy.base + "/v1/chat/completions", timeout=10,
                         headers={"Authorization": f"Bearer {key}", "Connection": "close"},
                         json={"model": "gpt-mock", "messages": [{"role": "user", "content": "hi"}]})


def test_block_takes_effect_on_every_worker(start_proxy, mock, pg):
    server, name, url = pg
    proxy = start_proxy(db_config(mock, url), env=DB_ENV, args=("--num_workers", "2"))
    key = post(proxy, "/key/generate", {}).json()["key"]
    assert [raw_chat(proxy, key).status_code for _ in range(20)] == [200] * 20  # cached by both workers
    assert post(proxy, "/key/block", {"key": key}).status_code == 200
    assert [raw_chat(proxy, key).status_code for _ in range(20)] == [401] * 20
    assert post(proxy, "/key/unblock", {"key": key}).status_code == 200
    assert [raw_chat(proxy, key).status_code for _ in range(20)] == [200] * 20


def test_tpm_parallel_team_and_user_budgets(db_proxy, mock):
    proxy, server, name = db_proxy
    # tpm counts output tokens (LiteLLM's default token_rate_limit_type); the mock answers 7.
    tpm = post(proxy, "/key/generate", {"tpm_limit": 10}).json()["key"]
    chat(proxy, tpm)
    chat(proxy, tpm)  # 7 < 10 before it: allowed; 14 after it
    with pytest.raises(openai.RateLimitError) as e:
        chat(proxy, tpm)
    assert "Limit type: tokens. Current limit: 10" in e.value.body["message"]

    par = post(proxy, "/key/generate", {"max_parallel_requests": 1}).json()["key"]
    import threading
    slow = threading.Thread(target=lambda: chat(proxy, par, extra_body={"mock_upstream": {"delay": 1.0}}))
    slow.start()
    time.sleep(0.3)
    with pytest.raises(openai.RateLimitError) as e:
        chat(proxy, par)
    assert "Limit type: max_parallel_requests. Current limit: 1" in e.value.body["message"]
    slow.join()
    assert chat(proxy, par).choices  # the slot is free again

    team = post(proxy, "/team/new", {"team_id": "t-broke", "max_budget": 1, "spend": 2}).json()["team_id"]
    team_key = post(proxy, "/key/generate", {"team_id": team}).json()["key"]
    with pytest.raises(openai.RateLimitError) as e:
        chat(proxy, team_key)
    assert e.value.body["message"] == "Budget has been exceeded! Team=t-broke Current cost: 2.0, Max budget: 1.0"

    post(proxy, "/user/new", {"user_id": "spender", "max_budget": 1, "spend": 3, "auto_create_key": False})
    user_key = post(proxy, "/key/generate", {"user_id": "spender"}).json()["key"]
    with pytest.raises(openai.RateLimitError) as e:
        chat(proxy, user_key)
    assert e.value.body["message"] == "Budget has been exceeded! User=spender Current cost: 3.0, Max budget: 1.0"

    team_rpm = post(proxy, "/team/new", {"team_id": "t-rpm", "rpm_limit": 1}).json()["team_id"]
    k1 = post(proxy, "/key/generate", {"team_id": team_rpm}).json()["key"]
    k2 = post(proxy, "/key/generate", {"team_id": team_rpm}).json()["key"]
    assert chat(proxy, k1).choices
    with pytest.raises(openai.RateLimitError) as e:  # the team's limit spans its keys
        chat(proxy, k2)
    assert e.value.body["message"].startswith("Rate limit exceeded for team: t-rpm. Limit type: requests.")


def test_uncached_key_while_database_is_down(start_proxy, mock, pg):
    server, name, url = pg
    strict = start_proxy(db_config(mock, url), env=DB_ENV)
    lenient = start_proxy(db_config(mock, url, allow_requests_on_db_unavailable=True), env=DB_ENV)
    key = post(strict, "/key/generate", {}).json()["key"]
    server.stop()
    try:
        with pytest.raises(openai.APIStatusError) as e:
            chat(strict, key)
        assert e.value.status_code == 503
        assert e.value.body["type"] == "no_db_connection"
        assert chat(lenient, key).choices  # LiteLLM's allow_requests_on_db_unavailable
    finally:
        server.start(keep_port=True)
    assert chat(strict, key).choices


def test_regenerate_user_update_and_admin_keys(db_proxy):
    proxy, server, name = db_proxy
    old = post(proxy, "/key/generate", {"key_alias": "rotating", "max_budget": 7}).json()["key"]
    assert chat(proxy, old).choices
    r = post(proxy, "/key/regenerate", {"key": old})
    assert r.status_code == 200, r.text
    new = r.json()["key"]
    assert new != old and new.startswith("sk-")
    assert r.json()["token_id"] == hashlib.sha256(new.encode()).hexdigest()
    assert r.json()["key_alias"] == "rotating" and r.json()["max_budget"] == 7  # same row, new secret
    with pytest.raises(openai.AuthenticationError):
        chat(proxy, old)
    assert chat(proxy, new).choices
    path_form = post(proxy, f"/key/{new}/regenerate", {})
    assert path_form.status_code == 200 and path_form.json()["key"] != new

    post(proxy, "/user/new", {"user_id": "boss", "auto_create_key": False})
    up = post(proxy, "/user/update", {"user_id": "boss", "user_role": "proxy_admin", "max_budget": 100})
    assert up.status_code == 200, up.text
    assert up.json()["data"]["user_role"] == "proxy_admin"
    boss_key = post(proxy, "/key/generate", {"user_id": "boss"}).json()["key"]
    # A key of a proxy_admin user manages keys like the master key.
    made = post(proxy, "/key/generate", {}, headers={"Authorization": f"Bearer {boss_key}"})
    assert made.status_code == 200, made.text
    missing = post(proxy, "/user/update", {"user_id": "nobody", "max_budget": 1})
    assert missing.status_code == 404
