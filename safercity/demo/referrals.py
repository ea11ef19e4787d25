"""The demo's service directory and a year of referrals (issue 21), through the same HSDS
import and referral services staff use.

Calibration (rows `referral_*` in calibration.csv), and what is assumed:
- St. Louis's 911 crisis-call diversion took about 5,000 calls in its first eight months
  (about 7,500 a year); the demo refers 42% of them to a service, the share New York's
  B-HEARD connected to community services (Jan-Jun 2023). That St. Louis is alike is an
  ASSUMPTION, and so is everything past the referral: how often providers accept (85%), how
  often the person starts (80% of those) and completes (75% of those started).
- The organizations and services are INVENTED (names marked "demo"): no real provider's
  capacity or answers are shown. Beds and slots are assumptions.
People are invented first names; nobody here is a real person."""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta

from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.demo.engine import Calibration
from safercity.equity import hsds, referrals
from safercity.equity.models import Referral, Service

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "safercity:demo-directory")
ORGANIZATIONS = (
    ("Riverfront Recovery (demo)", "Outpatient and residential addiction treatment."),
    ("Northside Counseling Center (demo)", "Walk-in and ongoing mental-health care."),
    ("Gateway Shelter Network (demo)", "Emergency shelter and rapid rehousing."),
)
SERVICES = (
    (0, "Withdrawal management", "addiction", "bed", 16),
    (0, "Medication for opioid use disorder", "addiction", "slot", 40),
    (0, "Recovery housing", "addiction", "bed", 24),
    (1, "Same-day crisis counseling", "mental health", "appointment", 12),
    (1, "Community mental-health team", "mental health", "slot", 60),
    (1, "Youth and family therapy", "youth", "slot", 30),
    (2, "Emergency shelter for men", "housing", "bed", 80),
    (2, "Emergency shelter for women and families", "housing", "bed", 50),
    (2, "Rapid rehousing", "housing", "slot", 35),
)
NAMES = ("Sam", "Alex", "Jordan", "Taylor", "Chris", "Dee", "Pat", "Morgan", "Jamie", "Lee")


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(map(str, parts))))


def directory_file(rng: random.Random) -> bytes:
    """The demo directory as an HSDS file, as another directory would send it."""
    now = timezone.now()
    records = []
    for n, (org, name, kind, unit, maximum) in enumerate(SERVICES):
        org_name, org_about = ORGANIZATIONS[org]
        records.append({
            "id": _id("service", n), "name": name, "status": "active",
            "description": f"DEMO: {name.lower()} in the City of St. Louis.",
            "eligibility_description": "Adults 18 and over" if kind != "youth" else "Ages 10-17",
            "organization": {"id": _id("org", org), "name": org_name, "description": org_about},
            "phones": [{"id": _id("phone", n), "number": f"314-555-01{n:02d}"}],
            "languages": [{"id": _id("lang", n), "code": "en"},
                          {"id": _id("lang-es", n), "code": "es"}],
            "schedules": [{"id": _id("hours", n), "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR",
                           "opens_at": "08:00", "closes_at": "18:00"}],
            "capacities": [{"id": _id("cap", n), "unit": {"id": _id("unit", unit), "name": unit},
                            "available": rng.randrange(0, maximum // 3 + 1), "maximum": maximum,
                            "updated": (now - timedelta(hours=rng.randrange(1, 60))).isoformat()}],
            "attributes": [{"taxonomy_term": {"code": kind}}],
        })  # fmt: skip
    return json.dumps(records).encode()


@requires(Role.ADMINISTRATOR)
def load_referrals(*, actor: Actor, calibration: Calibration, seed: int, scale: float = 1.0) -> int:
    """The directory and a year of referrals to it; returns how many referrals."""
    rng = random.Random(seed + 21)  # noqa: S311 - demo data, not security
    hsds.hsds_import(actor=actor, data=directory_file(rng), name="demo-directory.json")
    per_year = (
        calibration["referral_diverted_calls_8_months"] * 12 / 8
        * calibration["referral_connected_share"] * scale
    )  # fmt: skip
    services = list(
        Service.objects.filter(id__in=[_id("service", n) for n in range(len(SERVICES))])
    )
    calls = _crisis_calls()
    now = timezone.now()
    made = 0
    for _ in range(max(1, round(per_year))):
        service = rng.choice(services)
        referral = referrals.referral_send(
            actor=actor, service=service,
            source="crisis call" if calls else "outreach",
            source_reference=rng.choice(calls) if calls else "",
            person_name=rng.choice(NAMES), contact="DEMO: 314-555-0100",
            needs="DEMO: asked for help this week.", consent="verbal",
        )  # fmt: skip
        sent = now - timedelta(days=rng.uniform(0, 365))
        _play(rng, actor, referral, sent, now)
        made += 1
    return made


def _crisis_calls() -> list[str]:
    from safercity.emergency.models import Call

    return list(
        Call.objects.filter(clinician_eligible=True).values_list("call_id", flat=True)[:500]
    )


def _play(
    rng: random.Random, actor: Actor, referral: Referral, sent: datetime, now: datetime
) -> None:
    """The referral's steps, as the provider and the referrer took them (assumed shares)."""
    S = Referral.Status
    steps: list[tuple[str, str]] = []
    if rng.random() < 0.85:
        steps.append((S.ACCEPTED, ""))
        if rng.random() < 0.80:
            steps.append((S.STARTED, ""))
            if rng.random() < 0.75:
                steps.append((S.COMPLETED, ""))
        else:
            steps.append((S.REFUSED, "DEMO: chose not to start"))
    else:
        steps.append((S.DECLINED, "DEMO: no place free"))
    age = (now - sent).days
    kept = steps if age > 30 else steps[: rng.randrange(0, len(steps) + 1)]
    for status, note in kept:
        referrals.referral_update(actor=actor, referral=referral, status=status, note=note)
    _backdate(referral, sent)


def _backdate(referral: Referral, sent: datetime) -> None:
    """Spread the steps over the days after `sent`, as they happened in the demo's year."""
    at = sent
    events = list(referral.events.all())
    for event in events:
        event.at = at
        event.save(update_fields=["at"])
        at = at + timedelta(days=random.Random(referral.pk).uniform(0.5, 6))  # noqa: S311
    last = events[-1].at
    Referral.objects.filter(pk=referral.pk).update(
        referred_at=sent, status_at=last,
        closed_at=last if referral.status not in Referral.OPEN else None,
    )  # fmt: skip
