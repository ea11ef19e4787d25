"""The demo city's 911 history as a phone system and a CAD would export it, to try the history
importers on (`safercity demo_911_exports FOLDER`, then `safercity emergency_import ...` with
the shipped mappings demo-calls, demo-intervals and demo-cad). The files are written the way
real exports are: US-style times, blank or -9999 where a time is missing, a few unit times out
of order, one row per unit on the CAD side."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from safercity.demo.stream import demo_events
from safercity.emergency.engine.triage import CALL_TYPES

US = "%m/%d/%Y %H:%M:%S"
EDGES = (10, 15, 20, 30, 60)
BUCKETS = ("0-10", "11-15", "16-20", "21-30", "31-60", "Over 60")
Times = dict[str, datetime]  # a call's moments by event kind: offered, answered, ...
DISPOSITIONS = ("REPORT", "ADVISED", "GOA", "ARREST", "TRANSPORT", "UNFOUNDED")


def write_911_exports(folder: Path, start: datetime, days: int = 1, positions: int = 5,
                      seed: int = 1, scale: float = 1.0) -> dict[str, Path]:  # fmt: skip
    """Write calls.csv, intervals.csv and cad.csv for `days` from `start`; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    calls, positions_of = demo_calls(start, days, positions, seed=seed, scale=scale)
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data
    paths = {
        "calls": _calls_file(folder / "calls.csv", calls, positions_of),
        "intervals": _intervals_file(folder / "intervals.csv", calls),
        "cad": _cad_file(folder / "cad.csv", calls, rng),
    }
    return paths


def demo_calls(
    start: datetime, days: int, positions: int = 5, *, seed: int = 1, scale: float = 1.0,
    run: str = "D",
) -> tuple[dict[str, Times], dict[str, str]]:  # fmt: skip
    """The demo's calls for `days` from `start`, day by day through the queue simulator:
    each call's moments, and the position that answered it."""
    calls: dict[str, Times] = defaultdict(dict)
    positions_of: dict[str, str] = {}
    for day in range(days):
        events = demo_events(
            start=start + timedelta(days=day), minutes=24 * 60, positions=positions,
            seed=seed + day, run=f"{run}{day:03d}", scale=scale,
        )  # fmt: skip
        for event in events:
            call_id, kind = str(event.body["call_id"]), str(event.body["kind"])
            calls[call_id][kind] = event.at
            if event.body.get("position"):
                positions_of[call_id] = str(event.body["position"])
    return calls, positions_of


def trunk(n: int) -> str:
    """The n-th call's trunk: one in nine on the administrative line."""
    return "ADMIN" if n % 9 == 0 else ("WIRELESS" if n % 3 else "WIRELINE")


def _when(moment: datetime | None) -> str:
    return f"{moment:{US}}" if moment else ""


def _calls_file(path: Path, calls: dict[str, dict[str, datetime]], where: dict[str, str]) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Call ID", "Seized", "Answered", "Abandoned", "Released", "Trunk",
                         "Position", "ANI"])  # fmt: skip
        for n, (call_id, times) in enumerate(sorted(calls.items())):
            writer.writerow([
                call_id, _when(times.get("offered")), _when(times.get("answered")),
                _when(times.get("abandoned")), _when(times.get("released")), trunk(n),
                where.get(call_id, ""), f"314555{n % 10_000:04d}",
            ])  # fmt: skip
    return path


def _intervals_file(path: Path, calls: dict[str, dict[str, datetime]]) -> Path:
    hours: dict[datetime, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
    for times in calls.values():
        arrived = times.get("offered")
        if arrived is None:
            continue
        counts = hours[arrived.replace(minute=0, second=0, microsecond=0)]
        answered = times.get("answered")
        if answered is None:
            counts[-1] += 1
            continue
        wait = (answered - arrived).total_seconds()
        bucket = next((i for i, edge in enumerate(EDGES) if wait <= edge), len(EDGES))
        counts[bucket] += 1
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Interval Start", *BUCKETS, "Abandoned"])
        for hour in sorted(hours):
            writer.writerow([_when(hour), *hours[hour]])
    return path


def _cad_file(path: Path, calls: dict[str, dict[str, datetime]], rng: random.Random) -> Path:
    kinds = [t for t in CALL_TYPES.values() if not t.service_311]
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Incident No", "Type", "Pri", "Received", "Queued", "Dispatched",
                         "Enroute", "Onscene", "Cleared", "Unit", "Unit Type",
                         "Disposition"])  # fmt: skip
        number = 0
        for _, times in sorted(calls.items()):
            answered = times.get("answered")
            if answered is None or rng.random() > 0.6:
                continue  # about 60% of answered calls become incidents
            number += 1
            kind = rng.choice(kinds)
            queued = answered + timedelta(seconds=rng.uniform(30, 150))
            for unit_number, discipline in enumerate(kind.disciplines):
                sent = queued + timedelta(seconds=rng.uniform(20, 600))
                rolling = sent + timedelta(seconds=rng.uniform(5, 90))
                there = rolling + timedelta(seconds=rng.uniform(120, 900))
                done = there + timedelta(seconds=rng.uniform(600, 3600))
                row = [_when(t) for t in (times["offered"], queued, sent, rolling, there, done)]
                if rng.random() < 0.03:
                    row[4] = "-9999"  # the unit never pressed on scene
                if rng.random() < 0.02:
                    row[3] = _when(sent - timedelta(seconds=40))  # en route before dispatch
                prefix = {"police": "A", "fire": "E", "ems": "M", "clinician": "C"}[discipline]
                district = 1 + (number + unit_number) % 6  # the demo's units: 2A20, 2M20, ...
                writer.writerow([
                    f"26-{number:06d}", kind.code, f"P{kind.priority}", *row,
                    f"{district}{prefix}{district}0",
                    discipline.upper(), rng.choice(DISPOSITIONS),
                ])  # fmt: skip
    return path
