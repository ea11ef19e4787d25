"""Load the demo city through the same write paths the real importers use."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from safercity.core import geo
from safercity.core.actors import Actor
from safercity.core.addresses import street_key
from safercity.core.audit import audit_write
from safercity.core.models import Address, Neighborhood, PoliceDistrict
from safercity.core.months import month_before
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.selectors import city_index
from safercity.core.services import boundaries_import, city_current
from safercity.demo.engine import (
    Area,
    Calibration,
    CrimePlace,
    DemoCity,
    annual_volumes,
    build_city,
    crime_files,
    load_calibration,
)
from safercity.demo.indicators import load_indicators
from safercity.demo.patrol import load_patrol
from safercity.demo.referrals import load_referrals
from safercity.demo.useofforce import load_useofforce
from safercity.demo.workforce import load_workforce
from safercity.intelligence.demo import load_intelligence
from safercity.properties.demo import load_properties

WARD_PLAN = "demo-14"
DISTRICT_PLAN = "demo-6"


@dataclass
class DemoReport:
    neighborhoods: int
    wards: int
    districts: int
    addresses: int
    parcels: int
    crimes: int
    calls_911: int
    requests_311: int
    volumes: dict[str, int]
    credentials_path: Path | None


def demo_city_exists() -> bool:
    return Neighborhood.objects.exists()


def _features(areas: list[Area]) -> list[geo.Feature]:
    return [
        geo.Feature({"number": a.number, "name": a.name, "population": a.population}, a.shape)
        for a in areas
    ]


def _load_geography(actor: Actor, city: DemoCity) -> None:
    source = "SaferCity synthetic demo city"
    for layer, areas, plan in (
        ("neighborhoods", city.neighborhoods, ""),
        ("wards", city.wards, WARD_PLAN),
        ("districts", city.districts, DISTRICT_PLAN),
    ):
        boundaries_import(
            actor=actor,
            layer=layer,  # type: ignore[arg-type]
            features=_features(areas),
            plan=plan,
            source=source,
            park_numbers=[a.number for a in city.neighborhoods if a.is_park],
        )
    boundaries_import(
        actor=actor, layer="city", features=[geo.Feature({}, city.outline)], source=source
    )


def _load_addresses(actor: Actor, city: DemoCity, batch_size: int = 5000) -> int:
    index = city_index()
    rows = city.addresses
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        located = index.locate([a.lon for a in batch], [a.lat for a in batch])
        Address.objects.bulk_create(
            Address(
                house_number=a.house_number,
                street=a.street,
                street_key=street_key(a.street),
                zip_code=a.zip_code,
                lon=a.lon,
                lat=a.lat,
                neighborhood_id=where.neighborhood_id,
                ward_id=where.ward_id,
                district_id=where.district_id,
            )
            for a, where in zip(batch, located, strict=True)
        )
    audit_write(actor=actor, action="demo.addresses.create", detail={"addresses": len(rows)})
    return len(rows)


def _load_911(actor: Actor, seed: int) -> None:
    """Six call-taker positions (one Spanish-speaking, one backup) and a unit of each
    discipline per police district, parked at addresses of the demo city."""
    from safercity.emergency.models import Unit
    from safercity.emergency.services import positions_on_duty

    positions_on_duty(actor=actor, names=[f"P{n}" for n in range(1, 7)], languages={"P2": ["es"]})
    from safercity.emergency.models import Position

    Position.objects.filter(name="P6").update(is_backup=True)
    rng = random.Random(seed)  # noqa: S311 - placing demo vehicles, not security
    for district in PoliceDistrict.objects.filter(plan=DISTRICT_PLAN):
        spots = list(Address.objects.filter(district=district).values_list("lat", "lon")[:500])
        for discipline, prefix in (
            ("police", "A"),
            ("fire", "E"),
            ("ems", "M"),
            ("clinician", "C"),
        ):
            lat, lon = rng.choice(spots) if spots else (None, None)
            Unit.objects.update_or_create(
                call_sign=f"{district.number}{prefix}{district.number}0",
                defaults={"discipline": discipline, "lat": lat, "lon": lon},
            )
    audit_write(actor=actor, action="demo.911.load", detail={"units": Unit.objects.count()})


def _load_crime(actor: Actor, calibration: Calibration, seed: int, scale: float) -> int:
    """Synthetic SLMPD monthly files from January of last year to the last whole month (a
    whole year to compare with, and this year so far), through the real importer; then the
    open data files and hot spots, as `crime_publish` writes them."""
    from safercity.crime.publish import publish
    from safercity.crime.services import legacy_import

    places = [
        CrimePlace(number, street, hood or 0, district or 0, lon, lat)
        for number, street, hood, district, lon, lat in Address.objects.order_by("pk").values_list(
            "house_number", "street", "neighborhood__number", "district__number", "lon", "lat"
        )
    ]
    if not places:
        return 0
    last_month = month_before(timezone.localdate())
    months = 12 + last_month.month
    files = crime_files(calibration, places, last_month, months, seed=seed, scale=scale)
    reports = legacy_import(actor=actor, files=files)
    sizes = publish(settings.VAR_DIR / "public" / "crime")
    audit_write(actor=actor, action="crime.publish", detail=sizes)
    return sum(report.created for report in reports)


HISTORY_DAYS_911 = 14  # the last two weeks in full: calls, intervals and CAD, imported
HISTORY_YEAR_911 = 365  # and the calls of the year before today, written in bulk


def _load_911_history(actor: Actor, seed: int, scale: float) -> int:
    """The demo's 911 history for the two weeks to yesterday, written as the phone system and
    the CAD export it and read back through the history importer with the shipped mappings
    (the same path a city's own exports take). Returns the calls imported."""
    import tempfile
    from datetime import datetime, time, timedelta

    from safercity.demo.exports import write_911_exports
    from safercity.emergency.history import history_import, mapping_read

    first = timezone.localdate() - timedelta(days=HISTORY_DAYS_911)
    start = datetime.combine(first, time(), timezone.get_current_timezone())
    mappings = Path(__file__).resolve().parent.parent / "emergency" / "mappings"
    calls = 0
    with tempfile.TemporaryDirectory() as folder:
        paths = write_911_exports(Path(folder), start, HISTORY_DAYS_911, seed=seed, scale=scale)
        for kind, path in paths.items():
            mapping = mapping_read((mappings / f"demo-{kind}.toml").read_text(encoding="utf-8"))
            report = history_import(
                actor=actor, data=path.read_bytes(), mapping=mapping, source=f"demo {kind}.csv"
            )
            if kind == "calls":
                calls = report.created
    return calls


def _load_911_year(actor: Actor, seed: int, scale: float) -> int:
    """The phone system's calls of the year before the imported fortnight, from the same
    generator, written straight to the table (the importer checks every row: a year through it
    takes about ten minutes, the fortnight 20 s). Returns the calls written."""
    from datetime import datetime, time, timedelta

    from safercity.core.bulk import insert_rows
    from safercity.demo.exports import demo_calls, trunk
    from safercity.emergency.models import Call

    last = timezone.localdate() - timedelta(days=HISTORY_DAYS_911)
    first = timezone.localdate() - timedelta(days=HISTORY_YEAR_911)
    zone, written, day = timezone.get_current_timezone(), 0, first
    # Where the network placed each caller: an address, drawn (addresses follow population).
    places = list(Address.objects.order_by("pk").values_list("lat", "lon"))
    spot = random.Random(seed + 911)  # noqa: S311 - synthetic demo data
    while day < last:
        days = min(28, (last - day).days)
        start = datetime.combine(day, time(), zone)
        calls, positions = demo_calls(
            start, days, seed=seed + 1000 + (day - first).days, scale=scale, run=f"Y{day:%Y%m%d}-"
        )
        rows = []
        for n, (call_id, times) in enumerate(sorted(calls.items()), start=written):
            answered = times.get("answered")
            lat, lon = spot.choice(places) if places else (None, None)
            rows.append(
                {
                    "call_id": f"demo-history:{call_id}",
                    "line": Call.Line.ADMIN if trunk(n) == "ADMIN" else Call.Line.EMERGENCY,
                    "state": Call.State.RELEASED if answered else Call.State.ABANDONED,
                    "arrived_at": times["offered"],
                    "answered_at": answered,
                    "answered_by": positions.get(call_id, "") if answered else "",
                    "abandoned_at": None if answered else times.get("abandoned", times["offered"]),
                    "released_at": times.get("released") if answered else None,
                    "ani": f"314555{n % 10_000:04d}",
                    "lat": lat,
                    "lon": lon,
                    "imported_from": "demo history (a year of the phone system's calls)",
                }
            )
        written += insert_rows(Call, rows)
        day += timedelta(days=days)
    audit_write(
        actor=actor,
        action="emergency.history.demo_year",
        detail={"calls": written, "from": first.isoformat(), "to": last.isoformat()},
    )
    return written


def _load_violence(actor: Actor, calibration: Calibration, seed: int) -> int:
    """Focused deterrence's demo: a group audit (invented groups named after demo streets,
    areas around their blocks, rivalries and alliances), the review of every homicide and
    firearm assault before the last two weeks (group involvement at the calibration's shares),
    call-ins and notifications, one enforcement action that follows the prior-notice rule, and
    four weekly shooting reviews with decisions and action items. Through the services, as
    program staff would enter it. Returns the incidents reviewed."""
    from datetime import timedelta

    from safercity.violence import services as gvi
    from safercity.violence.models import IncidentReview

    rng = random.Random(seed)  # noqa: S311 - synthetic demo data
    today = timezone.localdate()
    streets = list(Address.objects.values_list("street", flat=True).distinct().order_by("street"))
    if not streets:
        return 0
    session = gvi.audit_session_create(
        actor=actor, held_on=today - timedelta(days=30), scope="the whole city",
        participant_roles=["program staff", "patrol", "investigations", "outreach",
                           "community partner"],
    )  # fmt: skip
    said = gvi.Basis("group audit, patrol and outreach", session.held_on, "probable")
    groups = []
    for street in rng.sample(streets, min(len(streets), int(calibration["gvi_active_groups"]))):
        group = gvi.group_create(actor=actor, name=f"{street} group", session=session)
        block = Address.objects.filter(street=street).order_by("pk").first()
        assert block is not None  # noqa: S101 - the street was read from the addresses
        half = 0.004  # about 400 m across
        x, y = block.lon, block.lat
        ring = [
            (x - half, y - half),
            (x + half, y - half),
            (x + half, y + half),
            (x - half, y + half),
        ]
        gvi.area_add(
            actor=actor, group=group, label=f"around {block.house_number} {street}",
            geometry={"type": "Polygon", "coordinates": [[*ring, ring[0]]]}, basis=said,
            session=session,
        )  # fmt: skip
        groups.append(group)
    for one, other in zip(groups[::2], groups[1::2], strict=False):
        gvi.relation_add(
            actor=actor, one=one, other=other, kind=rng.choice(["rival", "rival", "ally"]),
            relation_basis="disputes reported by patrol and outreach", basis=said,
            session=session,
        )  # fmt: skip
    gvi.reviews_queue(actor=actor)
    shares = {
        True: calibration["gvi_gmi_share_homicides"],
        False: calibration["gvi_gmi_share_shootings"],
    }
    reviewed = 0
    for review in IncidentReview.objects.filter(occurred_on__lt=today - timedelta(days=14)):
        shot = review.fatal or rng.random() < 0.6  # the rest: a gun shown or fired at no one
        if shot and rng.random() < shares[review.fatal]:
            involvement = rng.choice(["victim", "suspect", "both"])
            named = rng.sample(groups, 2 if involvement == "both" else 1)
            motive = rng.choice(["group_dispute", "retaliation", "internal"])
        else:
            involvement, named = rng.choice(["none", "none", "none", "unknown"]), []
            motive = rng.choice(["personal", "robbery", "domestic", "unknown"])
        gvi.incident_review_record(
            actor=actor, review=review,
            entered=gvi.ReviewIn(shot, involvement, named, motive, "probable"),
        )  # fmt: skip
        reviewed += 1
    warned = groups[:4]
    call_in = gvi.intervention_record(
        actor=actor,
        entered=gvi.InterventionIn(
            kind="call_in", on=today - timedelta(days=90), groups=warned, outcome="held",
            by_roles=["patrol", "prosecutor", "outreach", "community partner",
                      "service provider"],
            attended=len(warned) * 6, services_offered="jobs, CBT, relocation", referrals=9,
        ),
    )  # fmt: skip
    for service, provider, counts in (
        ("jobs", "a workforce program", (5, 4, 3, 1)),
        ("cbt", "a cognitive behavioural therapy provider", (4, 3, 2, 1)),
    ):
        referred, accepted, started, completed = counts
        gvi.referral_counts_set(
            actor=actor, intervention=call_in, service=service, provider=provider,
            referred=referred, accepted=accepted, started=started, completed=completed,
        )  # fmt: skip
    for n, group in enumerate(groups[4:]):
        gvi.intervention_record(
            actor=actor,
            entered=gvi.InterventionIn(
                kind="notification", on=today - timedelta(days=60 - 5 * n), groups=[group],
                outcome=rng.choice(["delivered", "delivered", "not_found", "refused"]),
                by_roles=["outreach", "community partner"], referrals=rng.randint(0, 2),
            ),
        )  # fmt: skip
    trigger = (
        IncidentReview.objects.filter(
            groups__in=warned, occurred_on__gt=call_in.on, involvement__in=["suspect", "both"]
        )
        .order_by("occurred_on")
        .first()
    )
    if trigger is not None:
        gvi.intervention_record(
            actor=actor,
            entered=gvi.InterventionIn(
                kind="enforcement", on=max(trigger.occurred_on, today - timedelta(days=20)),
                groups=[g for g in trigger.groups.all() if g in warned], outcome="held",
                by_roles=["patrol", "prosecutor"], notice=call_in, trigger=trigger,
                legal_basis="outstanding warrants and probation conditions, as announced",
            ),
        )  # fmt: skip
    for weeks in (4, 3, 2, 1):
        meeting = gvi.shooting_review_create(
            actor=actor, held_on=today - timedelta(days=7 * weeks),
            participant_roles=["program staff", "patrol", "outreach"],
        )  # fmt: skip
        for incident in gvi.shooting_review_agenda(meeting)[:5]:
            if not incident.group_connected:
                continue
            gvi.decision_record(
                actor=actor, meeting=meeting, incident=incident,
                decision="custom notification to the groups involved; outreach to the family",
            )  # fmt: skip
            gvi.action_add(
                actor=actor, meeting=meeting, description="deliver the custom notification",
                owner_role="outreach", due_on=meeting.held_on + timedelta(days=5),
                incident=incident,
            )  # fmt: skip
    return reviewed


# How often residents ask for each demo service, relative to one another.
DEMO_311_WEIGHTS = {"POTHOLE": 6, "MISSED-TRASH": 8, "DUMPING": 5, "STREETLIGHT": 4, "SIGNAL": 1}
SHARE_DUPLICATED = 0.01  # reported twice at the same place, merged by an agent
SHARE_WITH_NOTE = 0.005


def _load_311(actor: Actor, calibration: Calibration, seed: int, scale: float) -> int:
    """A year of 311 requests to now, at the demo's yearly volume, imported in bulk as a city's
    export would be: most closed in about their service's deadline, some still open; then some
    reported twice and merged, and some with a public note, through the agents' own services."""
    import math
    from datetime import datetime, time, timedelta

    from safercity.service311.models import Service, ServiceRequest
    from safercity.service311.services import (
        ImportedRequest,
        request_add_note,
        request_merge,
        requests_import,
    )

    rng = random.Random(seed)  # noqa: S311 - synthetic demo data
    services = list(Service.objects.filter(active=True).values_list("service_code", "sla_days"))
    places = list(Address.objects.values_list("house_number", "street", "lat", "lon"))
    if not services or not places:
        return 0
    weights = [DEMO_311_WEIGHTS.get(code, 2) for code, _ in services]
    zone = timezone.get_current_timezone()
    now = timezone.now()
    first = timezone.localdate() - timedelta(days=365)
    per_day = calibration["requests_311_per_year"] * scale / 365
    items: list[ImportedRequest] = []
    twins: list[tuple[str, str]] = []  # (original, duplicate) external ids
    for offset in range(365):
        day = first + timedelta(days=offset)
        busier = 1.12 if day.weekday() < 5 else 0.7  # weekdays busier; the week averages 1
        for _ in range(round(rng.gauss(per_day * busier, math.sqrt(per_day)))):
            code, sla = rng.choices(services, weights)[0]
            house, street, lat, lon = rng.choice(places)
            moment = datetime.combine(day, time(), zone) + timedelta(
                seconds=rng.uniform(6 * 3600, 22 * 3600)
            )
            if moment >= now:
                continue
            took = timedelta(days=sla * rng.lognormvariate(-0.4, 0.8))
            closed = moment + took if moment + took < now and rng.random() > 0.05 else None
            number = len(items) + 1
            item = ImportedRequest(
                line=number, external_id=f"DEMO-{number:06d}", service_code=code,
                requested=moment,
                status=ServiceRequest.Status.CLOSED if closed else ServiceRequest.Status.OPEN,
                status_note="Work completed." if closed else "", closed=closed, lat=lat,
                long=lon, address_string=f"{house} {street}",
            )  # fmt: skip
            items.append(item)
            if rng.random() < SHARE_DUPLICATED and moment + timedelta(hours=3) < now:
                twin_number = len(items) + 1
                items.append(
                    ImportedRequest(
                        line=twin_number, external_id=f"DEMO-{twin_number:06d}",
                        service_code=code, requested=moment + timedelta(hours=rng.uniform(0.2, 3)),
                        status=ServiceRequest.Status.OPEN, lat=lat, long=lon,
                        address_string=f"{house} {street}", description="Reported again.",
                    )
                )  # fmt: skip
                twins.append((item.external_id, f"DEMO-{twin_number:06d}"))
    outcome = requests_import(actor=actor, items=items, source="SaferCity demo 311 history")
    stored = {
        r.external_id: r
        for r in ServiceRequest.objects.filter(external_id__in=[i for pair in twins for i in pair])
    }
    for original, duplicate in twins:
        if original in stored and duplicate in stored:
            request_merge(actor=actor, duplicate=stored[duplicate], into=stored[original])
    open_ones = ServiceRequest.objects.filter(
        status=ServiceRequest.Status.OPEN, source=ServiceRequest.Source.IMPORT, parent=None
    ).order_by("pk")
    for request in open_ones[: max(1, round(len(items) * SHARE_WITH_NOTE))]:
        request_add_note(
            actor=actor, request=request, text="A crew is scheduled for this week.", public=True
        )
    return outcome.created


def _load_catalog(actor: Actor) -> None:
    from safercity.service311.services.catalog import DEMO_CATALOG, catalog_load

    catalog_load(actor=actor, specs=DEMO_CATALOG, source="SaferCity demo catalog")


@requires(Role.ADMINISTRATOR)
def demo_staff_create(*, actor: Actor, path: Path) -> Path:
    """One demo account per role with a random password, written to a file only the server reads."""
    user_model = get_user_model()
    lines = ["# SaferCity demo staff accounts (username  password  role)"]
    for role in Role:
        password = secrets.token_urlsafe(12)
        user, _ = user_model.objects.get_or_create(username=f"demo_{role.value}")
        user.set_password(password)
        user.is_staff = role == Role.ADMINISTRATOR
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
        audit_write(actor=actor, action="demo.staff.create", obj=user, detail={"role": role.value})
        lines.append(f"{user.get_username()}  {password}  {role.label}")
        if role == Role.SERVICE_PROVIDER:
            _provider_speaks_for_a_demo_organization(actor, user)
    from safercity.service311.services import api_key_create

    api_key = api_key_create(actor=actor, name="demo client")
    lines.append(f"# Open311 api_key for POST /open311/v2/requests.json: {api_key}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def _provider_speaks_for_a_demo_organization(actor: Actor, user: User) -> None:
    """The demo provider keeps the first demo organization's services (when there is one)."""
    from safercity.equity.models import Organization, ProviderAccount

    first = Organization.objects.order_by("name").first()
    if first is not None:
        ProviderAccount.objects.update_or_create(user=user, defaults={"organization": first})
        audit_write(actor=actor, action="demo.provider.link", obj=first,
                    detail={"user": user.get_username()})  # fmt: skip


@requires(Role.ADMINISTRATOR)
def demo_load(
    *,
    actor: Actor,
    seed: int = 2026,
    scale: float = 1.0,
    with_staff: bool = True,
    histories: bool = False,
    progress: Callable[[str], None] = lambda step: None,
) -> DemoReport:
    """Generate the demo city and store it. Refuses to mix with an existing geography.
    `progress` hears each step as it starts (the command prints them). `histories` adds
    what has happened: a year of 311 requests, a year of 911 calls (the last two weeks with
    their intervals and CAD incidents) and crime records
    since January last year (the command always loads them; tests that need only a city
    leave them out)."""
    if demo_city_exists():
        raise ValueError("the database already has a geography; the demo loads into an empty one")
    calibration = load_calibration()
    progress("the city's outline, neighborhoods, wards, districts and addresses")
    city = build_city(seed=seed, scale=scale, calibration=calibration)
    with transaction.atomic():
        current = city_current()
        current.is_demo = True
        current.population = city.population
        current.save(update_fields=["is_demo", "population"])
        _load_geography(actor, city)
        addresses = _load_addresses(actor, city)
        audit_write(
            actor=actor, action="demo.load", obj=current, detail={"seed": seed, "scale": scale}
        )
    progress("the 311 catalog, 911 positions and units")
    _load_catalog(actor)
    _load_911(actor, seed)
    progress(
        f"{addresses:,} parcels with owners, portfolios and two years of code enforcement "
        "(the longest step: about a minute and a half at full scale)"
    )
    parcels = load_properties(actor=actor, seed=seed)
    calls_911 = requests_311 = crimes = 0
    if histories:
        progress(f"911 calls, intervals and CAD incidents of the last {HISTORY_DAYS_911} days")
        calls_911 = _load_911_history(actor, seed, scale)
        progress("the 911 calls of the year before them")
        calls_911 += _load_911_year(actor, seed, scale)
        progress("a year of patrol CAD incidents with unit times, rosters, the workload")
        load_patrol(actor=actor, seed=seed, scale=scale)
        progress("a year of 311 requests, with their closures, duplicates and notes")
        requests_311 = _load_311(actor, calibration, seed, scale)
        progress("crime records since January last year, in SLMPD's monthly files, open data")
        crimes = _load_crime(actor, calibration, seed, scale)
        progress("focused deterrence: a group audit, incident reviews, interventions")
        _load_violence(actor, calibration, seed)
        progress("use of force: two years of incidents, investigations, hand-offs, complaints")
        load_useofforce(actor=actor, calibration=calibration, seed=seed, scale=scale)
        progress("the equity office: recruit classes, promotions, the workforce's records")
        load_workforce(actor=actor, calibration=calibration, seed=seed, scale=scale)
        progress("root causes: the service directory (HSDS) and a year of referrals")
        load_referrals(actor=actor, calibration=calibration, seed=seed, scale=scale)
        load_indicators(actor=actor, calibration=calibration, seed=seed)
        if with_staff:  # the unit's work is done by its (demo) staff, who sign what they do
            progress("the intelligence unit: partners, records, requests, tips, operations")
            streets = Address.objects.values_list("street", flat=True).distinct()
            load_intelligence(actor=actor, seed=seed, streets=list(streets.order_by("street")[:40]))
    progress("staff accounts")
    credentials = (
        demo_staff_create(actor=actor, path=settings.VAR_DIR / "demo-credentials.txt")
        if with_staff
        else None
    )
    return DemoReport(
        neighborhoods=len(city.neighborhoods),
        wards=len(city.wards),
        districts=len(city.districts),
        addresses=addresses,
        parcels=parcels,
        crimes=crimes,
        calls_911=calls_911,
        requests_311=requests_311,
        volumes=annual_volumes(calibration, scale),
        credentials_path=credentials,
    )
