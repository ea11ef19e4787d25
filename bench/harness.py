"""Run a benchmark's measuring half once per database: a fresh SQLite file, and a throwaway
PostgreSQL server started (and stopped) here. The child is the same script with --child."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def for_each_database(
    script: str, child_args: list[str], only: str | None, durable: bool = False
) -> None:
    """Run `script --child BACKEND` once per database; `durable` starts PostgreSQL with fsync
    and synchronous commit on (its defaults), as a production server runs."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safercity.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only",
        "LOG_LEVEL": "ERROR",
    }
    for backend in [only] if only else ["sqlite", "postgres"]:
        with tempfile.TemporaryDirectory() as folder:
            child_env = dict(env, SAFERCITY_VAR=folder)
            server = None
            if backend == "postgres":
                sys.path.insert(0, str(ROOT))
                from tests.pgserver import PostgresServer

                server = PostgresServer.start(durable=durable)
                child_env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{server.port}/postgres"
            try:
                subprocess.run(
                    [sys.executable, script, "--child", backend, *child_args],
                    check=True,
                    env=child_env,
                )
            finally:
                if server:
                    server.stop()


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[str]:
    """The production server (gunicorn with the project's config) on a free port, for the
    time of the block; yields its base URL."""
    from tests.servers import free_port, wait_for_port

    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "python:safercity.gunicorn",
         "safercity.wsgi"],
        env={**env, "SAFERCITY_BIND": f"127.0.0.1:{port}"},
    )  # fmt: skip
    try:
        wait_for_port(port, process=server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
