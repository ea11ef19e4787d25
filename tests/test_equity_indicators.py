"""The Equity Indicators as data (issue 21): the framework, each year's rates and the
ratio-to-score table imported from CSV files (all or nothing, every bad row listed); the
report computes ratios, topic, theme and city scores; the public page and its CSV show them;
a table that scores the city's published ratios otherwise is flagged."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safercity.core.inputs import InputRefused
from safercity.core.roles import Role
from safercity.core.rollups import rollup_refresh
from safercity.equity import indicators, measures
from safercity.equity.models import IndicatorValue
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

FRAMEWORK = b"""theme,topic,indicator,direction,definition,source
Justice for All,Policing,Police Department Representation,W-B,Officers per 1000 residents,SLMPD
Justice for All,Policing,Police Applicants,W-B,Applicants per 1000 residents,SLMPD
Justice for All,Policing,Academy Retention,B-W,Trainees lost in the academy,SLMPD
Justice for All,Policing,Police Department Promotions,W-B,Officers promoted,Personnel
Justice for All,Policing,Traffic Stops,B-W,Drivers stopped,Missouri AG
Justice for All,Policing,Municipal Arrests,B-W,Arrests for municipal violations,SLMPD
Justice for All,Policing,Use of Force,B-W,Force in majority-Black areas,SLMPD
Justice for All,Policing,Crisis Intervention Training,W-B,Patrol officers CIT-trained,SLMPD
"""
# The city's 2018 baseline (stlouis-mo.gov Equity Indicator pages): rates where published,
# else the published score alone.
VALUES_2018 = b"""indicator,year,first_rate,second_rate,published_score
Police Department Representation,2018,763/135384,385/145393,40
Police Applicants,2018,394/135384,366/145393,78
Academy Retention,2018,7/20,6/62,30
Police Department Promotions,2018,27/763,13/385,91
Traffic Stops,2018,32356/114872,17762/121093,44
Municipal Arrests,2018,,,39
Use of Force,2018,442/125018,182/149929,34
Crisis Intervention Training,2018,,,74
"""


def _ana():
    return make_user("ana", Role.ANALYST)


def _load():
    ana = _ana()
    assert indicators.framework_import(actor=ana, data=FRAMEWORK).ok
    report = indicators.values_import(
        actor=ana, data=VALUES_2018, source="City of St. Louis Equity Indicators, 2018"
    )
    assert report.ok and report.saved == 8
    return ana


def test_the_policing_topic_scores_as_the_city_published_it_from_its_values():
    _load()
    report = indicators.indicators_report()
    (theme,) = report["themes"]
    (topic,) = theme["topics"]
    assert topic["scores"]["2018"] == 53.75 == report["city"]["2018"]
    promotions = next(i for i in topic["indicators"] if i["name"].endswith("Promotions"))
    row = promotions["years"]["2018"]
    assert (row["ratio"], row["score"], row["basis"]) == (1.048, 91, "published")
    figure = measures.figures()[0]
    assert (figure.value, figure.period) == ("53.8", "2018")


def test_a_loaded_table_scores_the_ratios_and_its_disagreements_are_listed():
    ana = _load()
    table = b"low,score\n1.0001,95\n1.04,91\n1.9,44\n2.0,40\n2.9,34\n3.5,30\n5,20\n"
    report = indicators.table_import(actor=ana, data=table)
    assert report.ok
    wrong = {(d.ratio, d.published, d.table_gives) for d in report.disagreements}
    assert wrong == {(1.156, 78, 91)}  # applicants: this table is not the city's
    scored = indicators.indicators_report()["themes"][0]["topics"][0]["indicators"]
    applicants = next(i for i in scored if i["name"] == "Police Applicants")["years"]["2018"]
    assert (applicants["score"], applicants["basis"]) == (91, "table")
    with pytest.raises(InputRefused, match="cannot be used"):
        indicators.table_import(actor=ana, data=b"low,score\n1.5,30\n2,60\n")


def test_bad_rows_are_listed_and_nothing_is_stored():
    ana = _load()
    bad = (
        b"indicator,year,first_rate,second_rate,published_score\n"
        b"Nonexistent,2019,1/2,1/3,\n"
        b"Traffic Stops,20x9,1/2,1/3,\n"
        b"Traffic Stops,2019,1/0,1/3,\n"
        b"Traffic Stops,2019,,,\n"
        b"Use of Force,2019,2/3,1/3,150\n"
    )
    report = indicators.values_import(actor=ana, data=bad, source="x")
    assert [r.line for r in report.rejected] == [2, 3, 4, 5, 6]
    assert not IndicatorValue.objects.filter(year=2019).exists()
    unsourced = indicators.values_import(
        actor=ana, data=b"indicator,year,first_rate,second_rate\nTraffic Stops,2019,1/2,1/3\n"
    )
    assert "where the figures come from" in unsourced.rejected[0].reason
    framework = indicators.framework_import(
        actor=ana, data=b"theme,topic,indicator,direction\nA,B,C,sideways\n"
    )
    assert "B-W" in framework.rejected[0].reason


def test_the_public_page_and_csv_show_every_indicator_with_its_source(client):
    ana = _load()
    indicators.values_import(
        actor=ana, data=VALUES_2018.replace(b"2018", b"2019"), source="SaferCity analysts, 2019"
    )
    rollup_refresh("equity:indicators")
    page = client.get("/equity-indicators/").content.decode()
    assert "53.8" in page and "Police Department Promotions" in page and "SLMPD" in page
    assert "ratio 1.048 (W-B)" in page
    # Each theme's trend, and each topic's score year by year under its indicators.
    assert "Theme score by year: 2018: 53.8; 2019: 53.8" in page
    assert page.count('<td class="num">53.75</td>') == 2
    rows = client.get("/equity-indicators/indicators.csv").content.decode().splitlines()
    assert rows[0].startswith("year,theme,topic,indicator")
    assert any(r.startswith("2019,Justice for All,Policing,Use of Force") for r in rows)


def test_the_analysts_import_page(client):
    client.force_login(_ana())
    sent = client.post(
        "/staff/equity-indicators/",
        {"kind": "framework", "file": SimpleUploadedFile("f.csv", FRAMEWORK)},
    )
    assert sent.status_code == 200 and "Imported 8 rows" in sent.content.decode()
    bad = client.post(
        "/staff/equity-indicators/",
        {"kind": "values", "file": SimpleUploadedFile("v.csv", b"indicator,year\nNope,2018\n")},
    )
    assert bad.status_code == 400 and "line 2" in bad.content.decode()
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert client.get("/staff/equity-indicators/").status_code == 403
