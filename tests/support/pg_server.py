"""A real PostgreSQL server (Debian's postgresql package) for tests: its own data directory,
a free loopback port, stopped at the end. As root it runs as the `postgres` user, which initdb
requires."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL server binary {name} not found (apt install postgresql)")
    return found[-1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="litellm-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            os.chmod(self.dir, 0o755)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._serial = 0

    def _run(self, *cmd, check=True, **kw):
        return subprocess.run([*self.as_user, *cmd], check=check, capture_output=True, text=True, **kw)

    def start(self, keep_port=False):
        if not os.path.exists(self.data):
            self._run(_bin("initdb"), "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync")
        for attempt in range(5):
            opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                    f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
            done = self._run(_bin("pg_ctl"), "-D", self.data, "-o", opts, "-l", os.path.join(self.dir, "log"),
                             "-w", "-t", "30", "start", check=False)
            if done.returncode == 0:
                return self
            # Another process took the port between our probe and the bind: take another one (a
            # restart mid-test must keep its port, clients are configured with it).
            if keep_port and attempt < 4:
                time.sleep(0.5)
                continue
            self.port = _free_port()
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr}\n{open(os.path.join(self.dir, 'log')).read()[-2000:]}")

    def stop(self, mode="fast"):
        self._run(_bin("pg_ctl"), "-D", self.data, "-m", mode, "-w", "-t", "30", "stop", check=False)

    def cleanup(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db="postgres", user="postgres"):
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"

    def new_database(self, prefix="llm"):
        self._serial += 1
        name = f"{prefix}_{os.getpid()}_{self._serial}"
        self.sql(f'CREATE DATABASE "{name}"')
        return name

    def sql(self, query, db="postgres", check=True):
        """Runs `query` with psql; rows as lists of strings (NULL as None)."""
        out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\x1f", "-P", "null=\x1eNULL",
                              "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-c", query],
                             capture_output=True, text=True)
        if check and out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr}\n{query}")
        rows = []
        for line in out.stdout.splitlines():
            rows.append([None if v == "\x1eNULL" else v for v in line.split("\x1f")])
        return rows

    def sql_file(self, path, db):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", "-d", db, "-f", path], check=True, capture_output=True, text=True)

    def wait_until(self, query, db, predicate, timeout=20):
        deadline = time.time() + timeout
        rows = None
        while time.time() < deadline:
            rows = self.sql(query, db=db, check=False)
            if predicate(rows):
                return rows
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting; last rows: {rows}")
