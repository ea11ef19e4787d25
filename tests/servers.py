"""Helpers for tests and benchmarks that start real servers: a free port, waiting for a
server to listen, and a fresh database of its own on the suite's PostgreSQL server."""

from __future__ import annotations

import secrets
import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(
    port: int, *, seconds: float = 60, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Return once something listens on 127.0.0.1:port; raise if it never does (or if
    `process`, the server being waited for, has exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {seconds:.0f} s")


def fresh_postgres_database(prefix: str) -> str | None:
    """On the PostgreSQL leg, a new empty database on the suite's server, as a URL; on
    SQLite, None (the caller uses a file of its own)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None
    import psycopg

    server = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"
