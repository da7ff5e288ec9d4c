"""A real ``redis-server`` on a free loopback port, started for a test and stopped after it.

Debian's ``redis-server`` package (``.ci/run`` installs it). Without ``persistent`` the server's
data lives as long as the process. ``stop()`` and ``start()`` again on the same port stand in for a Redis
that goes down and comes back mid-crawl.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, folder: Path, persistent: bool = False, tls: bool = False,
                 user: tuple[str, str] | None = None) -> None:
        self.folder = folder
        self.persistent = persistent
        """Log every write to an append-only file, as a production Redis for a crawl should, so a
        server killed and started again comes back with the crawl's state."""
        self.tls = tls
        """Serve TLS only (``rediss://``), with a self-signed certificate made here by openssl."""
        self.user = user
        """An ACL user (name, password) with every right; the default user is then switched off."""
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        credentials = f"{self.user[0]}:{self.user[1]}@" if self.user else ""
        if self.tls:
            return f"rediss://{credentials}127.0.0.1:{self.port}/0?ssl_ca_certs={self.folder / 'cert.pem'}"
        return f"redis://{credentials}127.0.0.1:{self.port}/0"

    def _security_options(self) -> list[str]:
        options = []
        if self.tls:
            if not (self.folder / "cert.pem").exists():
                subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                "-keyout", str(self.folder / "key.pem"), "-out", str(self.folder / "cert.pem"),
                                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                               check=True, capture_output=True, timeout=60)
            options += ["--port", "0", "--tls-port", str(self.port), "--tls-cert-file", str(self.folder / "cert.pem"),
                        "--tls-key-file", str(self.folder / "key.pem"), "--tls-ca-cert-file",
                        str(self.folder / "cert.pem"), "--tls-auth-clients", "no"]
        else:
            options += ["--port", str(self.port)]
        if self.user:
            options += ["--user", self.user[0], "on", f">{self.user[1]}", "~*", "&*", "+@all",
                        "--user", "default", "off"]
        return options

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server; .ci/run does)")
        self.process = subprocess.Popen(
            [binary, *self._security_options(), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if self.persistent else "no", "--appendfsync", "always",
             "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def redis_server(persistent: bool = False, tls: bool = False,
                 user: tuple[str, str] | None = None) -> Iterator[RedisServer]:
    with tempfile.TemporaryDirectory() as folder:
        server = RedisServer(Path(folder), persistent, tls, user)
        server.start()
        try:
            yield server
        finally:
            server.stop()
