"""What every import command shares: a dry run that does all the work of a real one and then
changes nothing, and a line of progress per file where no terminal shows a progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.db import transaction


class Output(Protocol):
    def isatty(self) -> bool: ...
    def write(self, text: str) -> object: ...
    def flush(self) -> object: ...


@contextmanager
def dry_run_or_commit(dry_run: bool) -> Iterator[None]:
    """One transaction around the import: committed, or rolled back for a dry run (so the
    counts and rejections a dry run prints are exactly those a real run would give)."""
    with transaction.atomic():
        yield
        if dry_run:
            transaction.set_rollback(True)


def progress_line(out: Output, number: int, total: int, name: str) -> None:
    """[3/144] january2019.csv, when output goes to a file or a pipe (logs, cron, CI)."""
    if not out.isatty():
        out.write(f"[{number}/{total}] {name}\n")
        out.flush()
