"""What every importer shares: a dry run that does all the work of a real one and then changes
nothing, a line of progress per file where no terminal shows a progress bar, and one way to
store what was read (create the new, update the changed, count the unchanged, in bulk), and
the file loop of an import command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from safercity.core.tabular import FileRefused

M = TypeVar("M", bound=models.Model)


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


class Upsert(Generic[M]):
    """New and changed rows of one model, found by their key and written in bulk: the one
    way importers store what they read. A row whose values equal the stored ones is counted
    unchanged and not written (so re-running an import says "unchanged" and means it)."""

    def __init__(self, model: type[M], existing: dict[Any, M]) -> None:
        self.model = model
        self.existing = existing
        self.new: list[M] = []
        self.changed: list[M] = []
        self.fields: set[str] = set()
        self.unchanged = 0

    def add(self, key: Any, values: dict[str, Any], **identity: Any) -> None:
        """`values` are compared and updated; `identity` is set only on a new row."""
        found = self.existing.get(key)
        if found is None:
            self.new.append(self.model(**identity, **values))
            return
        diff = {name: value for name, value in values.items() if getattr(found, name) != value}
        if not diff:
            self.unchanged += 1
            return
        for name, value in diff.items():
            setattr(found, name, value)
        self.fields.update(diff)
        self.changed.append(found)

    def save(self, batch_size: int = 5000) -> tuple[int, int]:
        """Write it all (inside the caller's transaction); returns (created, updated)."""
        manager = self.model._default_manager
        manager.bulk_create(self.new, batch_size=batch_size)
        if self.changed:
            manager.bulk_update(self.changed, sorted(self.fields), batch_size=batch_size)
        return len(self.new), len(self.changed)


def import_each_file(
    command: BaseCommand,
    paths: list[Path],
    import_one: Callable[[Path], object],
    *,
    dry_run: bool,
) -> None:
    """The file loop of an import command: every path must be a file; "[n/N] name" before each
    (unless one file goes to a terminal); a refused file is said, changes nothing, and the
    others go on; at the end a dry run says so and any refusal makes the command fail."""
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise CommandError(f"not a file: {', '.join(missing)}")
    failed = []
    for number, path in enumerate(paths, start=1):
        if len(paths) > 1 or not command.stdout.isatty():
            command.stdout.write(f"[{number}/{len(paths)}] {path.name}")
        try:
            import_one(path)
        except FileRefused as refused:
            command.stderr.write(f"{path.name}: refused, nothing changed: {refused}")
            failed.append(path.name)
    if dry_run:
        command.stdout.write("dry run: nothing was changed")
    if failed:
        raise CommandError(f"{len(failed)} of {len(paths)} files refused: {', '.join(failed)}")
