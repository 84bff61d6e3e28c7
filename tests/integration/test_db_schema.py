"""LiteLLM's schema: a database built by LiteLLM's own published migrations (PyPI
litellm-proxy-extras) works with us unaltered, and the tables we create match it exactly."""
import hashlib
from pathlib import Path

import litellm_proxy_extras
import pytest
import requests

from conftest import BINARY, DB_ENV, MASTER_KEY, db_config

ADMIN = {"Authorization": f"Bearer {MASTER_KEY}"}
MIGRATIONS = Path(litellm_proxy_extras.__file__).parent / "migrations"

COLUMNS = ("SELECT table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default, '') "
           "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position")
INDEXES = "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"
CONSTRAINTS = ("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
               "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2")


def migrate_like_litellm(server):
    """What `prisma migrate deploy` does: every migration.sql in order."""
    name = server.new_database("litellm")
    dirs = sorted(p for p in MIGRATIONS.iterdir() if (p / "migration.sql").exists())
    assert len(dirs) > 100
    for d in dirs:
        server.sql_file(str(d / "migration.sql"), name)
    return name


@pytest.fixture(scope="module")
def litellm_db(pg_server):
    return migrate_like_litellm(pg_server)


def test_proxy_runs_on_a_litellm_database_and_alters_nothing(start_proxy, mock, pg_server, litellm_db):
    name = litellm_db
    columns_before = pg_server.sql(COLUMNS, db=name)
    indexes_before = pg_server.sql(INDEXES, db=name)
    proxy = start_proxy(db_config(mock, pg_server.url(name)), env=DB_ENV)
    r = requests.post(proxy.base + "/key/generate", json={"key_alias": "compat", "max_budget": 1, "user_id": "compat-user"},
                      headers=ADMIN, timeout=10)
    assert r.status_code == 200, r.text
    key = r.json()["key"]
    reply = proxy.client(key=key).chat.completions.create(model="gpt-mock", messages=[{"role": "user", "content": "x"}])
    assert reply.choices
    token = hashlib.sha256(key.encode()).hexdigest()
    rows = pg_server.wait_until(f"SELECT api_key, status, model_group FROM \"LiteLLM_SpendLogs\" WHERE api_key = '{token}'",
                                name, lambda r: len(r) == 1)
    assert rows == [[token, "success", "gpt-mock"]]
    pg_server.wait_until(f"SELECT spend > 0 FROM \"LiteLLM_VerificationToken\" WHERE token = '{token}'", name,
                         lambda r: r == [["t"]])
    daily = pg_server.sql(f"SELECT api_requests FROM \"LiteLLM_DailyUserSpend\" WHERE api_key = '{token}'", db=name)
    assert daily == [["1"]]
    # Only LiteLLM's views were added; no table or index changed.
    tables_after = [r for r in pg_server.sql(COLUMNS, db=name)]
    views = {r[0] for r in pg_server.sql("SELECT viewname FROM pg_views WHERE schemaname = 'public'", db=name)}
    assert [r for r in tables_after if r[0] not in views] == columns_before
    assert pg_server.sql(INDEXES, db=name) == indexes_before


def test_our_tables_match_litellms_migrations(pg_server, litellm_db, tmp_path):
    import subprocess
    ours = pg_server.new_database("ours")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"general_settings:\n  database_url: {pg_server.url(ours)}\n")
    out = subprocess.run([str(BINARY), "--config", str(cfg), "--skip_server_startup"], capture_output=True,
                         text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "LITELLM_MODE": "PRODUCTION"})
    assert out.returncode == 0, out.stderr
    our_tables = {r[0] for r in pg_server.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", db=ours)}
    assert len(our_tables) >= 20

    def only(rows):
        return [r for r in rows if r[0].strip('"') in our_tables]

    assert only(pg_server.sql(COLUMNS, db=ours)) == only(pg_server.sql(COLUMNS, db=litellm_db))
    assert only(pg_server.sql(INDEXES, db=ours)) == only(pg_server.sql(INDEXES, db=litellm_db))
    # Foreign keys among the tables we create are LiteLLM's (those to tables we do not create are absent).
    theirs = [r for r in only(pg_server.sql(CONSTRAINTS, db=litellm_db))
              if "REFERENCES" not in r[2] or r[2].split("REFERENCES ")[1].split("(")[0].strip('"') in our_tables]
    assert only(pg_server.sql(CONSTRAINTS, db=ours)) == theirs


def test_disable_schema_update_changes_nothing(pg_server, tmp_path):
    import subprocess
    name = pg_server.new_database("frozen")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"general_settings:\n  database_url: {pg_server.url(name)}\n")
    out = subprocess.run([str(BINARY), "--config", str(cfg), "--skip_server_startup"], capture_output=True,
                         text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "LITELLM_MODE": "PRODUCTION", "DISABLE_SCHEMA_UPDATE": "true"})
    assert out.returncode == 0, out.stderr
    assert "DISABLE_SCHEMA_UPDATE" in out.stdout + out.stderr
    assert pg_server.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", db=name) == [["0"]]


def test_non_postgres_url_exits_1(tmp_path):
    import subprocess
    cfg = tmp_path / "c.yaml"
    cfg.write_text("general_settings:\n  database_url: mysql://u:p@localhost/db\n")
    out = subprocess.run([str(BINARY), "--config", str(cfg), "--skip_server_startup"], capture_output=True,
                         text=True, timeout=30, env={"PATH": "/usr/bin:/bin", "LITELLM_MODE": "PRODUCTION"})
    assert out.returncode == 1
    assert "PostgreSQL URL" in out.stderr


def test_gssapi_encryption_is_the_urls_or_the_environments_choice(pg_server, tmp_path):
    """We connect without GSSAPI encryption unless asked (Prisma has none); a `gssencmode` in the URL
    or PGGSSENCMODE still wins: `require` against a server without Kerberos fails with libpq's reason."""
    import subprocess
    name = pg_server.new_database("gss")
    url = pg_server.url(name)
    cases = [(url + ("&" if "?" in url else "?") + "gssencmode=require", {}), (url, {"PGGSSENCMODE": "require"}),
             (url, {})]
    for i, (u, extra) in enumerate(cases):
        cfg = tmp_path / f"c{i}.yaml"
        cfg.write_text(f"general_settings:\n  database_url: {u}\n  database_connection_timeout: 1\n")
        out = subprocess.run([str(BINARY), "--config", str(cfg), "--skip_server_startup"], capture_output=True,
                             text=True, timeout=60,
                             env={"PATH": "/usr/bin:/bin", "LITELLM_MODE": "PRODUCTION", **extra})
        if i < 2:
            assert out.returncode == 1, (u, extra, out.stderr)
            assert "GSSAPI encryption required" in out.stderr
        else:
            assert out.returncode == 0, out.stderr
            assert "Setup complete" in out.stdout + out.stderr


def test_compose_migrate_service_prepares_the_database_for_the_proxy(pg_server, tmp_path):
    """docker-compose.yml: the one-shot `migrate` service's command and environment create LiteLLM's
    tables; the proxy's own environment (DISABLE_SCHEMA_UPDATE=true) then finds them all."""
    import os
    import subprocess
    import yaml
    root = Path(__file__).resolve().parents[2]
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    name = pg_server.new_database("compose")
    example = {}
    for line in (root / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            example[k] = v

    def run(service, extra_args=()):
        svc = compose["services"][service]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
        command = [str((root / mounts[a]).resolve()) if a in mounts else a for a in svc["command"]]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "DATABASE_"))}
        env.update(example)
        for item in svc["environment"]:
            k, v = item.split("=", 1)
            env[k] = v
        env["DATABASE_URL"] = pg_server.url(name)  # the compose file's `db` host, here
        return subprocess.run([str(BINARY), *command, *extra_args], capture_output=True, text=True, env=env,
                              timeout=60)

    # Before the migration the proxy's environment finds nothing and says so.
    early = run("litellm", ["--skip_server_startup"])
    assert early.returncode == 0 and "tables missing (DISABLE_SCHEMA_UPDATE)" in early.stdout + early.stderr
    migrate = run("migrate")
    assert migrate.returncode == 0, migrate.stderr
    tables = {r[0] for r in pg_server.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", db=name)}
    assert "LiteLLM_VerificationToken" in tables and "LiteLLM_SpendLogs" in tables
    proxy = run("litellm", ["--skip_server_startup"])
    assert proxy.returncode == 0, proxy.stderr
    assert "tables missing" not in proxy.stdout + proxy.stderr
