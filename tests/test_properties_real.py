"""The land bank inventory and SLU's vacancy estimates, read from the real files, and a 311
property complaint becoming a code-enforcement case."""

from __future__ import annotations

import csv

import pytest

from safercity.core.textfiles import read_text_any
from safercity.properties.importers import lra_import, parcels_import, vacancy_import
from safercity.properties.models import LraHolding, Parcel, VacancyEstimate
from safercity.properties.services import vacancy_apply
from tests.conftest import shared_data

pytestmark = pytest.mark.realdata


def test_the_lra_inventory_imports_from_parquet_and_csv_alike(system, db):
    folder = shared_data("properties", "lra")
    from_parquet = lra_import(actor=system, path=folder / "lra_filtered.parquet")
    assert from_parquet.accepted + len(from_parquet.rejected) == 9_467
    assert from_parquet.created > 9_000
    for row in from_parquet.rejected:
        assert row.reason, "every rejected row says why"
    again = lra_import(actor=system, path=folder / "lra_filtered.nogeom.csv")
    assert again.created == 0 and again.updated == 0
    assert again.unchanged == from_parquet.created, "the CSV holds the same holdings"
    assert LraHolding.objects.filter(usage="Vacant Lot").count() > 5_000


def test_the_vacancy_estimates_join_the_land_bank_on_handle(system, db):
    folder = shared_data("properties", "slu-vacancy-data")
    high_text = read_text_any(folder / "parcel-data-2017-highEstimate.csv")
    low_text = read_text_any(folder / "parcel-data-2017-lowEstimate.csv")
    high = vacancy_import(actor=system, text=high_text, estimate="high")
    low = vacancy_import(actor=system, text=low_text, estimate="low")
    # The last row of each file has the handle "NA": reported, not imported.
    assert high.created + len(high.rejected) == 48_012 + 1
    assert low.created + len(low.rejected) == 32_430 + 1
    assert {r.reason for r in high.rejected + low.rejected} == {
        "HANDLE must be 11 digits, not 'NA'"
    }
    lra_import(actor=system, path=shared_data("properties", "lra", "lra_filtered.parquet"))
    handles = set(LraHolding.objects.values_list("handle", flat=True))
    joined = VacancyEstimate.objects.filter(estimate="high", handle__in=handles).count()
    assert joined / len(handles) == pytest.approx(0.968, abs=0.002)  # SOURCES.md: 9,166 of 9,467
    assert VacancyEstimate.objects.filter(estimate="low", vacant=True).count() <= (
        VacancyEstimate.objects.filter(estimate="high", vacant=True).count()
    )


def test_vacancy_reaches_the_parcels_it_names(system, db):
    folder = shared_data("properties", "slu-vacancy-data")
    with open(folder / "parcel-data-2017-highEstimate.csv") as f:
        rows = list(csv.DictReader(f))[:3]
    header = "HANDLE,SiteAddr,OwnerName,NbrOfUnits\n"
    body = "".join(f"{r['handle']},{i} TEST ST,SOMEONE,1\n" for i, r in enumerate(rows))
    parcels_import(actor=system, text=header + body, source="test")
    text = read_text_any(folder / "parcel-data-2017-highEstimate.csv")
    vacancy_import(actor=system, text=text, estimate="high")
    assert vacancy_apply(actor=system) == 3
    for r in rows:
        parcel = Parcel.objects.get(handle=r["handle"])
        assert parcel.vacant == (r["vacantBinary"] == "TRUE")
        assert parcel.vacancy_source == "SLU high estimate 2017"


def test_nuisance_police_reports_reach_the_parcel_they_happened_at(system, db):
    from safercity.crime.models import CrimeRecord
    from safercity.crime.services import legacy_import
    from safercity.properties.models import PropertyEvent
    from safercity.properties.services import nuisance_from_crime

    folder = shared_data("slmpd", "legacy", "2019")
    files = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))[:1]]
    legacy_import(actor=system, files=files)
    nuisance = CrimeRecord.objects.filter(ucr_class__in=(15, 16, 18, 19, 22, 24), unfounded=False)
    placed = list(nuisance.exclude(lat=None).order_by("pk")[:5])
    other = CrimeRecord.objects.exclude(ucr_class__in=(15, 16, 18, 19, 22, 24)).exclude(lat=None)
    assert len(placed) == 5 and other.exists()
    header = "HANDLE,SiteAddr,OwnerName,NbrOfUnits,lat,lon\n"
    body = "".join(
        f"1000200{i:04d},{r.address or 'X'},OWNER {i},1,{r.lat + 0.00005},{r.lon}\n"  # ~5.5 m off
        for i, r in enumerate(placed)
    )
    parcels_import(actor=system, text=header + body, source="test")
    attached, far = nuisance_from_crime(actor=system)
    same_spot = nuisance.filter(lat__in=[r.lat for r in placed], lon__in=[r.lon for r in placed])
    assert attached == same_spot.count() >= 5
    assert far == nuisance.exclude(lat=None).count() - attached
    for i, r in enumerate(placed):
        event = PropertyEvent.objects.filter(
            parcel__handle=f"1000200{i:04d}", note__contains=r.complaint
        )
        assert event.exists()
    assert nuisance_from_crime(actor=system)[0] == 0, "a report is attached once"
