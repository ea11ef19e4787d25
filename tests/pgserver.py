"""A throwaway PostgreSQL server for the test suite: initdb + pg_ctl in a temporary folder.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port


def _bindir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(candidates[-1]).parent


@dataclass
class PostgresServer:
    directory: Path
    port: int
    bindir: Path

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    @classmethod
    def start(cls, durable: bool = False) -> PostgresServer:
        """A throwaway server; fast (no fsync) for tests, or `durable` (PostgreSQL's own
        defaults: fsync and synchronous commit on) for benchmarks of a production write path."""
        directory = Path(tempfile.mkdtemp(prefix="safercity-pg-"))
        server = cls(directory, free_port(), _bindir())
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        data = str(directory / "data")
        server._run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8")
        options = f"-p {server.port} -k {directory} -c listen_addresses=127.0.0.1"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        server._run("pg_ctl", "-D", data, "-o", options, "-l", f"{directory}/log", "-w", "start")
        return server

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
