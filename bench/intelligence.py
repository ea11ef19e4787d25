"""Searching a million criminal intelligence records, each search logged as an inquiry with
its purpose and audited (intelligence.selectors.records_search, the page's own call), on
PostgreSQL and SQLite.

    .venv/bin/python bench/intelligence.py [--records 1000000] [--searches 200] [--only postgres]

Inputs: `records` accepted records (seed 1) written by core.bulk.insert_values: a subject
(a nickname and a street), an activity (one of 12), content of about 25 words from a
vocabulary of 3,000 made-up words (Zipf-distributed), plates and phone numbers. Searches
(seed 2): 70% a plate or a nickname (a handful of records each), 25% a street name (about a
thousand), 5% an activity word and a street (hundreds), one to three words each.
Measured: each search's wall time through records_search (the query, the Inquiry row and the
audit entry, each its own transaction), p50/p95/max. Baseline in the same run: the same
searches' first 20 with the trigram index dropped (PostgreSQL reads every row), and on SQLite
(which has no such index) the same code.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402

ACTIVITIES = [
    "firearms trafficking", "armed robbery", "carjacking", "drug distribution",
    "aggravated assault", "burglary ring", "fencing stolen goods", "extortion",
    "human trafficking", "illegal gun sales", "shooting retaliation", "auto theft ring",
]  # fmt: skip
STREETS = [f"{n} {kind}" for n in ("natural bridge", "grand", "kingshighway", "jefferson",
           "gravois", "chippewa", "florissant", "page", "goodfellow", "union", "delmar",
           "cherokee", "broadway", "arsenal", "lindell", "olive", "market", "hampton",
           "riverview", "west florissant") for kind in ("ave", "blvd", "st")]  # fmt: skip
SYLLABLES = ["ka", "lo", "mi", "tre", "su", "van", "del", "ro", "qui", "zen", "bo", "ta",
             "ne", "shi", "mar", "lu", "dre", "po", "ki", "jo"]  # fmt: skip


def _vocabulary(chance: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(chance.choice(SYLLABLES) for _ in range(chance.randint(2, 4))))
    return sorted(words)


def _records(count: int) -> tuple[list[tuple[object, ...]], list[str], list[str]]:
    from datetime import UTC, datetime, timedelta

    chance = random.Random(1)
    words = _vocabulary(chance, 3000)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    nicknames = [f"{w} {chance.choice(['slim', 'boo', 'tiny', 'dre', 'lil'])}" for w in words]
    start = datetime(2022, 1, 1, tzinfo=UTC)
    rows, plates = [], []
    for n in range(count):
        plate = f"{chance.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{chance.randint(10000, 99999)}"
        plates.append(plate)
        subject = f"{chance.choice(nicknames)} on {chance.choice(STREETS)}"
        activity = chance.choice(ACTIVITIES)
        content = " ".join(chance.choices(words, weights, k=25)) + f" plate {plate}"
        haystack = " ".join((subject, activity, content)).lower()
        at = start + timedelta(minutes=2 * n)
        rows.append((
            "accepted", subject, activity, "Seen at three sales of traced guns this month",
            "Ties the subject to the activity", content, "B", "2", "St. Louis MPD", 1, at, 1,
            at, "{}", "", at.date() + timedelta(days=1826), "", "", haystack,
        ))  # fmt: skip
    return rows, plates, nicknames


def _searches(count: int, plates: list[str], nicknames: list[str]) -> list[str]:
    chance = random.Random(2)
    found = []
    for _ in range(count):
        roll = chance.random()
        if roll < 0.35:
            found.append(chance.choice(plates))
        elif roll < 0.70:
            found.append(chance.choice(nicknames))
        elif roll < 0.95:
            found.append(chance.choice(STREETS))
        else:
            found.append(f"{chance.choice(ACTIVITIES).split()[0]} {chance.choice(STREETS)}")
    return found


def _timed(actor: object, terms: list[str]) -> tuple[list[float], int]:
    from safercity.intelligence.selectors import records_search

    times, shown = [], 0
    for text in terms:
        started = time.perf_counter()
        shown += len(records_search(actor=actor, terms=text, purpose="bench case 26-001"))
        times.append(time.perf_counter() - started)
    return times, shown


def _p(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100)[int(q) - 1] if len(times) > 1 else times[0]


def run(backend: str, count: int, searches: int) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection

    from safercity.core.bulk import insert_values
    from safercity.core.roles import Role
    from safercity.intelligence.models import Inquiry, IntelRecord

    call_command("migrate", verbosity=0)
    analyst = User.objects.create_user("bench")
    analyst.groups.add(Group.objects.get_or_create(name=Role.INTEL_ANALYST.value)[0])
    fields = ["status", "subject", "criminal_activity", "predicate", "relevance", "content",
              "source_reliability", "content_validity", "submitting_agency", "submitted_by",
              "submitted_at", "reviewed_by", "reviewed_at", "checklist", "rejection_reason",
              "retain_until", "unreliable_reason", "purge_reason", "haystack"]  # fmt: skip
    rows, plates, nicknames = _records(count)
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX intel_record_haystack_trgm")
    started = time.perf_counter()
    for at in range(0, len(rows), 50_000):
        insert_values(IntelRecord, fields, rows[at : at + 50_000])
    loaded = time.perf_counter() - started
    del rows
    indexed = 0.0
    if postgres:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX intel_record_haystack_trgm ON intelligence_intelrecord "
                "USING gin (haystack gin_trgm_ops) WHERE status = 'accepted'"
            )
            cursor.execute("ANALYZE intelligence_intelrecord")
        indexed = time.perf_counter() - started
    terms = _searches(searches, plates, nicknames)
    _timed(analyst, terms[:10])  # warm the caches, as a server that has run a while has them
    times, shown = _timed(analyst, terms)
    assert Inquiry.objects.count() == searches + 10
    base_terms = terms[:20]
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX intel_record_haystack_trgm")
        base, _ = _timed(analyst, base_terms)
    else:
        base = times[:20]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = _p(base, 95) / _p(times, 95)
    print(
        f"| {backend} | {count:,} records (load {loaded:.0f} s"
        + (f", trigram index {indexed:.0f} s" if postgres else "")
        + f") | {searches} searches, {shown / searches:.1f} shown each "
        f"| p50 {_p(times, 50) * 1000:.1f} ms, p95 {_p(times, 95) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.0f} ms "
        f"| {'no index' if postgres else 'same'}: p95 {_p(base, 95) * 1000:.0f} ms (20 searches) "
        f"| {ratio:.0f}x | peak {peak:.0f} MiB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.records, args.searches)
        return
    print("| database | input | searches with logging | baseline | speed-up | memory |")
    print("|---|---|---|---|---|---|")
    for_each_database(
        __file__, ["--records", str(args.records), "--searches", str(args.searches)], args.only
    )


if __name__ == "__main__":
    main()
