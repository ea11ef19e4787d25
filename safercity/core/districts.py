"""Police districts from crime records: each neighborhood goes to the district most of its
records name. SLMPD's districts follow neighborhood lines, and the city's district shapefile
is no longer published where it used to be."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from safercity.core.textfiles import read_text_any


def district_votes(paths: Iterable[Path]) -> dict[int, Counter[int]]:
    """Count records per (neighborhood, district), skipping unknown (0) and unreadable values."""
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    for path in paths:
        for row in csv.DictReader(io.StringIO(read_text_any(path))):
            try:
                hood = int(str(row.get("Neighborhood", "")).strip())
                district = int(str(row.get("District", "")).strip())
            except ValueError:
                continue
            if hood > 0 and district > 0:
                votes[hood][district] += 1
    return dict(votes)


def majority_assignment(votes: dict[int, Counter[int]]) -> dict[int, int]:
    return {hood: counts.most_common(1)[0][0] for hood, counts in sorted(votes.items())}


def read_assignment(path: Path) -> dict[int, int]:
    """A CSV with columns neighborhood,district."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {int(r["neighborhood"]): int(r["district"]) for r in csv.DictReader(handle)}
