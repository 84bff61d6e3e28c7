"""A real Redis server (Debian's redis-server package) for tests: a password, a free loopback port,
its own directory, no persistence; stopped at the end. `kill()` and `start()` again keep the port,
so clients configured with it can reconnect."""
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, password="redis-test-pass", tls=False):
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server not found (apt install redis-server)")
        self.dir = tempfile.mkdtemp(prefix="litellm-redis-")
        self.password = password
        self.port = _free_port()
        self.proc = None
        self.tls = tls
        if tls:  # a self-signed certificate for "localhost"; clients trust it through SSL_CERT_FILE
            self.cert = os.path.join(self.dir, "cert.pem")
            self.key = os.path.join(self.dir, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                            "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", self.key,
                            "-out", self.cert], check=True, capture_output=True)

    def start(self, keep_port=False):
        for attempt in range(5):
            args = ["redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", self.dir,
                    "--daemonize", "no", "--loglevel", "warning"]
            if self.tls:
                args += ["--port", "0", "--tls-port", str(self.port), "--tls-cert-file", self.cert, "--tls-key-file",
                         self.key, "--tls-ca-cert-file", self.cert, "--tls-auth-clients", "no"]
            else:
                args += ["--port", str(self.port)]
            if self.password:
                args += ["--requirepass", self.password]
            self.proc = subprocess.Popen(args, stdout=open(os.path.join(self.dir, "log"), "ab"),
                                         stderr=subprocess.STDOUT)
            deadline = time.time() + 10
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    if self.command("PING") == "PONG":
                        return self
                except (OSError, RuntimeError):
                    time.sleep(0.05)
            self.proc.kill()
            self.proc.wait()
            if keep_port and attempt < 4:  # the port is still held (TIME_WAIT, another process)
                time.sleep(0.5)
                continue
            self.port = _free_port()
        raise RuntimeError("redis-server did not start: " + open(os.path.join(self.dir, "log")).read()[-2000:])

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def command(self, *args):
        """One command over a fresh connection (RESP by hand: the tests need no Redis library).
        Returns str, int, None or a list; raises RuntimeError on an error reply."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as raw:
            s = raw
            if self.tls:
                ctx = ssl.create_default_context(cafile=self.cert)
                s = ctx.wrap_socket(raw, server_hostname="localhost")
            f = s.makefile("rb")
            cmds = ([["AUTH", self.password]] if self.password else []) + [list(args)]
            out = b""
            for c in cmds:
                out += b"*%d\r\n" % len(c)
                for a in c:
                    a = str(a).encode()
                    out += b"$%d\r\n%s\r\n" % (len(a), a)
            s.sendall(out)
            reply = None
            for _ in cmds:
                reply = _read(f)
            return reply

    def flushall(self):
        self.command("FLUSHALL")


def _read(f):
    line = f.readline()
    if not line:
        raise OSError("connection closed")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data.decode()
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read(f) for _ in range(n)]
    raise RuntimeError(f"unexpected reply {line!r}")
