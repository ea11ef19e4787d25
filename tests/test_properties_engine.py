"""The properties engines: names, addresses, occupancy, portfolios, scores, the case flow."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest
from scourgify import normalize_address_record

from safercity.core.addresses import (
    DIRECTIONS,
    SUFFIXES,
    normalize_mailing,
    pub28_line,
)
from safercity.properties.engine import cases as flow
from safercity.properties.engine.demo import Site, generate
from safercity.properties.engine.names import OwnerKind, owner_name
from safercity.properties.engine.occupancy import CityZips, Occupancy, ParcelFacts, classify
from safercity.properties.engine.portfolio import OwnerInput, pairwise_agreement, resolve
from safercity.properties.engine.score import Event, Weights, decay, rollup, score_parcel

# -- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical", "core", "kind"),
    [
        ("Gateway Homes, L.L.C.", "GATEWAY HOMES LLC", "GATEWAY HOMES", OwnerKind.COMPANY),
        ("The Arch Group Limited Liability Company", "ARCH GROUP LLC", "ARCH GROUP",
         OwnerKind.COMPANY),
        ("c/o Riverbend Properties Incorporated", "RIVERBEND PROPERTIES INC",
         "RIVERBEND PROPERTIES", OwnerKind.COMPANY),
        ("SMITH JOHN & MARY", "SMITH JOHN & MARY", "SMITH JOHN & MARY", OwnerKind.PERSON),
        ("Land Reutilization Authority", "LAND REUTILIZATION AUTHORITY",
         "LAND REUTILIZATION AUTHORITY", OwnerKind.PUBLIC),
        ("St. Louis Housing Authority", "ST LOUIS HOUSING AUTHORITY",
         "ST LOUIS HOUSING AUTHORITY", OwnerKind.PUBLIC),
        ("Jones Family Revocable Trust", "JONES FAMILY REVOCABLE TRUST",
         "JONES FAMILY REVOCABLE TRUST", OwnerKind.COMPANY),
    ],
)  # fmt: skip
def test_owner_names_are_normalized_and_typed(raw, canonical, core, kind):
    name = owner_name(raw)
    assert (name.canonical, name.core, name.kind) == (canonical, core, kind)


# -- addresses -----------------------------------------------------------------------------


def test_spellings_of_one_address_give_one_key():
    spellings = [
        ("100 North Broadway Suite 500", "Saint Louis", "mo", "63102-1234"),
        ("100 N. Broadway, Ste 500", "ST. LOUIS", "MO", "63102"),
        ("C/O Acme Management 100 N BROADWAY #500", "St Louis", "MO", "63102"),
    ]
    keys = {normalize_mailing(*s).key for s in spellings}
    assert keys == {"100 N BROADWAY # 500|63102"}
    assert normalize_mailing("P.O. Box 77", zip_code="63101").line == "PO BOX 77"
    assert normalize_mailing("", zip_code="63101").key == ""


def test_what_scourgify_cannot_parse_is_kept_as_written():
    odd = normalize_mailing("RR 2 BOX 5 AND SOMETHING", "FOO", "MO", "63000")
    assert odd.parsed_by in {"as written", "scourgify"}
    assert odd.line


def _street_lines(count: int, seed: int = 11) -> list[str]:
    rng = np.random.default_rng(seed)
    parts = (
        ["", "N", "NORTH", "S", "W", "EAST"],
        ["GRAND", "MARTIN LUTHER KING", "OLIVE", "DR MARTIN", "TOWER GROVE", "12TH", "ARSENAL"],
        sorted({k for k in SUFFIXES if len(k) > 2}),
        ["", "", "W", "SOUTH"],
        ["", "", "APT 3", "SUITE 200", "UNIT 4B", "# 7"],
    )
    return [
        " ".join(
            p for p in (str(rng.integers(1, 99999)), *(c[rng.integers(len(c))] for c in parts)) if p
        )
        for _ in range(count)
    ]


def test_the_fast_path_agrees_with_scourgify():
    """On regular street lines the Publication 28 fast path gives what scourgify's CRF gives;
    the rare differences are the CRF's misreadings (e.g. "GRAND SQUARE W" kept unabbreviated)."""
    agree = checked = 0
    differ = []
    for line in _street_lines(400):
        fast = pub28_line(line)
        if fast is None:
            continue
        record = normalize_address_record(
            {"address_line_1": line, "address_line_2": None, "city": "ST LOUIS", "state": "MO",
             "postal_code": "63101"}
        )  # fmt: skip
        theirs = " ".join(p for p in (record["address_line_1"], record["address_line_2"]) if p)
        checked += 1
        if fast == theirs:
            agree += 1
        else:
            differ.append((line, fast, theirs))
    assert checked > 300
    assert agree / checked > 0.95, differ[:10]


def test_directions_and_suffixes_follow_publication_28():
    assert DIRECTIONS["NORTHEAST"] == "NE" and SUFFIXES["BOULEVARD"] == "BLVD"
    assert pub28_line("4500 DELMAR") is None  # no suffix: not the fast path's to decide


# -- occupancy -----------------------------------------------------------------------------

ZIPS = CityZips({"63104", "63108", "63110"}, {"63143"})


def facts(
    owner="SMITH JOHN", mail="12 OAK ST", zip_code="63104", occ="", units=1, site="12 OAK ST"
):
    return ParcelFacts(
        site=normalize_mailing(site, zip_code="63104"),
        owner=owner_name(owner),
        mailing=normalize_mailing(mail, "ST LOUIS", "MO", zip_code),
        owner_occ=occ,
        units=units,
    )


def test_occupancy_rules_with_their_reasons():
    lives_there = classify(facts(mail="12 Oak Street"), ZIPS)
    assert lives_there.occupancy is Occupancy.OWNER
    assert "the parcel's own address" in lives_there.reasons[0]

    company = classify(facts(owner="Gateway Homes LLC"), ZIPS)
    assert company.occupancy is Occupancy.NON_OWNER and "company" in company.reasons[0]

    away = classify(facts(mail="5 ELM ST", zip_code="63017", occ="Y"), ZIPS)
    assert away.occupancy is Occupancy.NON_OWNER
    assert "outside the city (by ZIP 63017)" in away.reasons[0]
    assert any("OWNEROCC is 'Y'" in r for r in away.reasons), "the conflicting flag is listed"

    elsewhere = classify(facts(mail="77 ELM ST", zip_code="63108"), ZIPS)
    assert (
        elsewhere.occupancy is Occupancy.NON_OWNER
        and "elsewhere in the city" in elsewhere.reasons[0]
    )

    public = classify(facts(owner="LAND REUTILIZATION AUTHORITY"), ZIPS)
    assert public.occupancy is Occupancy.PUBLIC
    stale = ParcelFacts(**{**facts().__dict__, "land_bank": True})
    assert classify(stale, ZIPS).reasons == ("held by the land bank (LRA inventory)",)
    assert classify(facts(units=0), ZIPS).occupancy is Occupancy.NO_UNITS
    assert classify(facts(mail="", occ="N"), ZIPS).occupancy is Occupancy.NON_OWNER
    assert classify(facts(mail="", occ=""), ZIPS).occupancy is Occupancy.UNKNOWN


def test_a_straddling_zip_is_placed_by_geography():
    straddling = facts(mail="9 ELM ST", zip_code="63143")
    assert classify(straddling, ZIPS, lambda m: False).occupancy is Occupancy.NON_OWNER
    inside = classify(straddling, ZIPS, lambda m: True)
    assert inside.occupancy is Occupancy.NON_OWNER and "elsewhere in the city" in inside.reasons[0]
    unknown = classify(straddling, ZIPS, lambda m: None)
    assert unknown.occupancy is Occupancy.UNKNOWN


# -- portfolios ----------------------------------------------------------------------------


def test_portfolios_link_owners_and_say_why():
    rows = [
        OwnerInput("Gateway Homes, L.L.C.", "100 N Broadway Suite 500", "St. Louis", "MO", "63102"),
        OwnerInput("GATEWAY HOMES LLC", "PO Box 12", "St Louis", "MO", "63102"),
        OwnerInput("GATEWAY HOME LLC", "55 Elm St", "Clayton", "MO", "63105"),
        OwnerInput("Riverbend Properties Inc", "100 North Broadway Ste 500", "Saint Louis", "MO",
                   "63102-1111"),
        OwnerInput("SMITH JOHN", "4415 Delmar Blvd", "St Louis", "MO", "63108"),
        OwnerInput("SMITH JOHN", "900 Oak Ave", "St Louis", "MO", "63108"),
        OwnerInput("LAND REUTILIZATION AUTHORITY", "1520 Market St", "St Louis", "MO", "63103"),
        OwnerInput("CITY OF ST LOUIS", "1520 Market St", "St Louis", "MO", "63103"),
    ]  # fmt: skip
    result = resolve(rows)
    group = result.group_of_owner[result.owner_of_parcel].tolist()
    assert group[0] == group[1] == group[2] == group[3], "name, fuzzy name and address links"
    assert group[4] != group[5], "a common person name alone links nothing"
    assert group[6] != group[7], "public owners are not linked by a shared address"
    kinds = Counter(e.kind for e in result.explanations()[group[0]])
    assert kinds == {"same company name": 1, "same mailing address": 1, "similar names": 1}
    similar = next(e for e in result.explanations()[group[0]] if e.kind == "similar names")
    assert "GATEWAY HOMES LLC ~ GATEWAY HOME LLC" in similar.evidence and similar.followed


def test_an_address_shared_by_too_many_owners_links_nothing():
    rows = [OwnerInput(f"COMPANY {i:03d} LLC", "1 AGENT PLZ", "CLAYTON", "MO", "63105")
            for i in range(30)]  # fmt: skip
    linked = resolve(rows, hub_limit=50)
    assert linked.groups == 1
    hub = resolve(rows, hub_limit=10)
    assert hub.groups == 30
    cut = [e for e in hub.explanations()[0] if not e.followed]
    assert cut and "too many to link by" in cut[0].evidence


def test_pairwise_agreement():
    assert pairwise_agreement([0, 0, 1, 1], [5, 5, 6, 6]) == (1.0, 1.0)
    precision, recall = pairwise_agreement([0, 0, 0, 0], [5, 5, 6, 6])
    assert (precision, recall) == (2 / 6, 1.0)
    assert pairwise_agreement([0, 1, 2, 3], [5, 5, 6, 6]) == (1.0, 0.0)


def test_a_very_large_group_is_split_by_louvain():
    # Two landlords, each with 40 companies at its own office, joined by one company that
    # used both offices: one connected component, two communities.
    rows = []
    for office, word in (("10 MAIN ST", "ALPHA"), ("20 PINE ST", "OMEGA")):
        for i in range(40):
            rows.append(OwnerInput(f"{word} UNIT {i} LLC", office, "ST LOUIS", "MO", "63101"))
    rows.append(OwnerInput("BRIDGE LLC", "10 MAIN ST", "ST LOUIS", "MO", "63101"))
    rows.append(OwnerInput("BRIDGE LLC", "20 PINE ST", "ST LOUIS", "MO", "63101"))
    whole = resolve(rows, split_above=1000)
    assert whole.groups == 1
    split = resolve(rows, split_above=50)
    groups = split.group_of_owner[split.owner_of_parcel]
    assert len(set(groups[:40].tolist())) == 1 and len(set(groups[40:80].tolist())) == 1
    assert groups[0] != groups[40]
    assert set(split.split_groups.values()) == {len(split.owners)}
    assert any(not e.followed for e in split.explanations()[int(groups[0])])


def test_resolution_recovers_the_demo_landlords():
    streets = [f"{p} {t}" for p in ("OAK", "ELM", "ASH", "PINE") for t in ("ST", "AVE", "BLVD")]
    sites = [Site(100 + 2 * (i // 12), streets[i % 12], f"631{i % 20 + 1:02d}")
             for i in range(20_000)]  # fmt: skip
    parcels = generate(sites, seed=7)
    result = resolve([OwnerInput(p.owner_name, p.owner_addr, p.owner_city, p.owner_state,
                                 p.owner_zip) for p in parcels])  # fmt: skip
    truth = np.array([p.landlord for p in parcels])
    found = result.group_of_owner[result.owner_of_parcel]
    private = truth >= 0
    precision, recall = pairwise_agreement(found[private].tolist(), truth[private].tolist())
    assert precision > 0.97 and recall > 0.97, (precision, recall)


# -- scores --------------------------------------------------------------------------------


def test_a_record_counts_half_after_its_half_life():
    today = date(2026, 6, 1)
    w = Weights()
    fresh = score_parcel([Event("violation", today)], tax_years=0, vacant=False, weights=w,
                         today=today)  # fmt: skip
    old = score_parcel(
        [Event("violation", today - timedelta(days=int(w.half_life_days["violation"])))],
        tax_years=0, vacant=False, weights=w, today=today,
    )  # fmt: skip
    assert fresh.total == pytest.approx(w.weight["violation"])
    assert old.total == pytest.approx(fresh.total / 2)
    assert decay(0, 10) == 1 and decay(-5, 10) == 1, "a future date does not count more"


def test_every_score_is_the_sum_of_its_components():
    today = date(2026, 6, 1)
    events = [Event("violation", today - timedelta(days=30), 3), Event("complaint", today),
              Event("nuisance", today - timedelta(days=400)), Event("condemnation", today),
              Event("violation", today + timedelta(days=3))]  # fmt: skip
    score = score_parcel(events, tax_years=9, vacant=True, weights=Weights(), today=today)
    assert score.total == pytest.approx(sum(c.points for c in score.components))
    by_kind = {c.kind: c for c in score.components}
    assert by_kind["violation"].count == 1, "a record dated after today is not counted"
    assert by_kind["tax_year"].count == 5, "tax years are capped"
    assert by_kind["vacancy"].points == 2.0
    landlord = rollup([score, score])
    assert landlord.total == pytest.approx(2 * score.total)


def test_weights_are_checked():
    with pytest.raises(ValueError, match="must not be negative"):
        Weights.from_json({"weight": {"violation": -1}})
    with pytest.raises(ValueError, match="half-life"):
        Weights.from_json({"half_life_days": {"complaint": 0}})
    assert Weights.from_json({"weight": {"vacancy": 5}}).weight["vacancy"] == 5.0


# -- case flow -----------------------------------------------------------------------------


def test_the_case_flow_from_complaint_to_court():
    s = flow.State.RECEIVED
    for action in (flow.Action.SCHEDULE, flow.Action.INSPECT_VIOLATIONS, flow.Action.SEND_NOTICE,
                   flow.Action.SCHEDULE_REINSPECTION, flow.Action.REINSPECT_NOT_COMPLIED,
                   flow.Action.REFER_TO_COURT, flow.Action.COURT_RESOLVED):  # fmt: skip
        s = flow.next_state(s, action)
    assert s is flow.State.CLOSED
    with pytest.raises(flow.NotAllowed, match="closed"):
        flow.next_state(s, flow.Action.SCHEDULE)


def test_an_appeal_returns_the_case_to_where_it_was_or_closes_it():
    assert flow.next_state(flow.State.CITED, flow.Action.APPEAL) is flow.State.APPEALED
    back = flow.next_state(flow.State.APPEALED, flow.Action.APPEAL_DENIED,
                           before_appeal=flow.State.CITED)  # fmt: skip
    assert back is flow.State.CITED
    assert flow.next_state(flow.State.APPEALED, flow.Action.APPEAL_GRANTED) is flow.State.CLOSED
    with pytest.raises(flow.NotAllowed):
        flow.next_state(flow.State.RECEIVED, flow.Action.SEND_NOTICE)


def test_every_state_but_closed_has_a_way_forward():
    for state in flow.State:
        assert bool(flow.actions_from(state)) == (state is not flow.State.CLOSED)
