"""Peer cities (issue 16, evaluation): the city's change in homicides from one year to the
next against every other large city's change over the same years, from the FBI's counts as
FiveThirtyEight published them, loaded on the evaluation page or from a shell."""

from __future__ import annotations

import csv
import io
import math
import statistics

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from safercity.core.actors import command_actor
from safercity.core.models import AuditEntry
from safercity.crime.engine.peers import peer_comparison
from safercity.crime.models import PeerHomicides
from safercity.crime.peers import compare_with_peers, import_peer_file
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db
FBI = ("homicides", "fivethirtyeight_murder_2015_final.csv")
SOURCE = "FBI Uniform Crime Reports, compiled by FiveThirtyEight (murder_2016)"
PAGE = "/staff/violence/evaluation/"


def _expected_from_the_file(text: str) -> tuple[float, float, int, int]:
    """The comparison worked out from the file by hand: (rate ratio, median peer change,
    peers with a smaller change than St. Louis, number of peers)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    home = next(r for r in rows if r["city"] == "St. Louis")
    peers = [r for r in rows if r is not home]
    before = sum(int(r["2014_murders"]) for r in peers)
    after = sum(int(r["2015_murders"]) for r in peers)
    ratio = (int(home["2015_murders"]) / int(home["2014_murders"])) / (after / before)

    def change(r: dict[str, str]) -> float:
        before, after = int(r["2014_murders"]), int(r["2015_murders"])
        return math.inf if before == 0 else (after - before) / before * 100  # Irvine: 0 to 2

    changes = [change(r) for r in peers]
    mine = change(home)
    return ratio, statistics.median(changes), sum(c < mine for c in changes), len(peers)


def test_program_staff_load_the_fbi_table_and_see_st_louis_against_82_cities(
    client, pablo_program_staff
):
    path = shared_data(*FBI)
    text = path.read_text()
    client.force_login(pablo_program_staff)
    answer = client.post(
        "/staff/violence/evaluation/peers/",
        {"file": SimpleUploadedFile("murders.csv", path.read_bytes()), "source": SOURCE},
    )
    assert answer.status_code == 200
    assert "166 city-years stored, 0 unchanged (2014, 2015)" in answer.content.decode()
    assert AuditEntry.objects.filter(action="crime.peers.import").exists()

    page = client.get(PAGE, {"start": "2016-01-01", "peer_from": 2014, "peer_to": 2015})
    body = page.content.decode()
    ratio, median, smaller, peers = _expected_from_the_file(text)
    assert peers == 82
    assert f"{(ratio - 1) * 100:+.0f}% against 82 peer cities" in body
    assert "<td>159</td><td>188</td><td>+18%</td>" in body  # St. Louis, FBI counts
    assert f"larger than that of {smaller} of the 82 peer cities" in body
    assert f"<td>{round(median):+d}%</td>" in body
    assert "counted the same way as its peers" in body
    assert 'data-testid="peers-context"' in body, "2014-15 is before a 2016 start: context"
    earlier = client.get(PAGE, {"start": "2015-01-01", "peer_from": 2014, "peer_to": 2015})
    assert 'data-testid="peers-context"' not in earlier.content.decode()
    later = client.get(PAGE, {"start": "2019-06-01"}).content.decode()
    assert "before the program began" in later, "the last two years, said to be context"

    again = client.post(
        "/staff/violence/evaluation/peers/",
        {"file": SimpleUploadedFile("murders.csv", path.read_bytes()), "source": SOURCE},
    )
    assert "0 city-years stored, 166 unchanged" in again.content.decode()


def test_the_engine_agrees_with_the_hand_computation_and_its_interval_holds_it():
    text = shared_data(*FBI).read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    peers = {
        f"{r['city']}, {r['state']}": (int(r["2014_murders"]), int(r["2015_murders"]))
        for r in rows
        if r["city"] != "St. Louis"
    }
    result = peer_comparison((159, 188), peers, 2014, 2015)
    ratio, median, smaller, count = _expected_from_the_file(text)
    assert math.isclose(result.rate_ratio, ratio)
    assert result.low < ratio < result.high
    assert (result.median_change, result.rose_less, result.peers) == (median, smaller, count)
    assert math.isclose(result.home_change, 29 / 159 * 100)


def test_a_city_that_moved_with_its_peers_shows_no_difference():
    peers = {f"City {n}": (100, 120) for n in range(6)}
    same = peer_comparison((50, 60), peers, 2020, 2021)
    assert math.isclose(same.rate_ratio, 1.0) and same.low < 1 < same.high
    fell = peer_comparison((100, 50), peers, 2020, 2021)
    assert fell.rate_ratio < 1 and fell.high < 1 and fell.rose_less == 0
    with pytest.raises(ValueError, match="at least 5"):
        peer_comparison((1, 2), dict(list(peers.items())[:4]), 2020, 2021)
    with pytest.raises(ValueError, match="must come after"):
        peer_comparison((1, 2), peers, 2021, 2021)


def test_a_long_table_is_read_too_and_st_louis_is_found_however_it_is_spelt():
    long = "City,State,Year,Homicides\n" + "".join(
        f"Town {n},Ohio,{year},{100 + n + (year - 2020) * 10}\n"
        for n in range(6)
        for year in (2020, 2021)
    )
    long += "Saint Louis,Missouri,2020,263\nSaint Louis,Missouri,2021,\u200b200\n"
    bad = import_peer_file(actor=command_actor("tests"), data=long, source="FBI CDE")
    assert [str(r) for r in bad.rejected] == [
        "line 15: Saint Louis: '\\u200b200' is not a whole number of homicides"
    ]
    assert not PeerHomicides.objects.exists(), "a file with a bad row stores nothing"
    good = import_peer_file(
        actor=command_actor("tests"), data=long.replace("\u200b", ""), source="FBI CDE"
    )
    assert good.stored == 14
    result = compare_with_peers(2020, 2021)
    assert result.comparison and result.home_from_table
    assert (result.comparison.home_from, result.comparison.home_to, result.comparison.peers) == (
        263, 200, 6,
    )  # fmt: skip


def test_the_city_own_records_stand_in_when_the_table_lacks_it():
    rows = "city,state,2020_murders,2021_murders\n" + "".join(
        f"Town {n},Ohio,100,110\n" for n in range(5)
    )
    import_peer_file(actor=command_actor("tests"), data=rows, source="a newsroom")
    missing = compare_with_peers(2020, 2021)
    assert missing.comparison is None
    assert "no counts of St. Louis's homicides for both 2020 and 2021" in missing.why_not
    own = compare_with_peers(2020, 2021, own_counts={2020: 263, 2021: 200})
    assert own.comparison and not own.home_from_table
    assert own.comparison.home_to == 200


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The submitted file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
        (b"city,state,population\nTown,Ohio,1000\n", "a column per year"),
        (b"state,2020\nOhio,3\n", "lacks the columns city"),
    ],
)
def test_a_file_that_is_not_a_peer_table_is_refused_on_the_page(
    client, pablo_program_staff, data, reason
):
    client.force_login(pablo_program_staff)
    answer = client.post(
        "/staff/violence/evaluation/peers/",
        {"file": SimpleUploadedFile("peers.csv", data), "source": SOURCE},
    )
    assert answer.status_code == 400
    assert reason in answer.content.decode()
    assert not PeerHomicides.objects.exists()


def test_every_bad_row_is_listed_on_the_page_and_nothing_is_kept(client, pablo_program_staff):
    rows = (
        "city,state,2014_murders,2015_murders\n"
        "Chicago,Illinois,411,478\n"
        ",Ohio,1,2\n"
        "Houston,Texas,-3,303\n"
        "Chicago,Illinois,411,478\n"
        "Akron,Ohio,12\n"
    )
    client.force_login(pablo_program_staff)
    answer = client.post(
        "/staff/violence/evaluation/peers/",
        {"file": SimpleUploadedFile("peers.csv", rows.encode()), "source": SOURCE},
    )
    body = answer.content.decode()
    assert answer.status_code == 400
    assert "Nothing was stored: 4 rows could not be read" in body
    for said in (
        "line 6: 3 fields where the header has 4",
        "line 3: no city",
        "line 4: Houston: &#x27;-3&#x27; is not a whole number",
        "line 5: Chicago 2014 is given twice",
    ):
        assert said in body
    assert not PeerHomicides.objects.exists()
    no_source = client.post(
        "/staff/violence/evaluation/peers/",
        {"file": SimpleUploadedFile("peers.csv", rows.encode()), "source": "  "},
    )
    assert no_source.status_code == 400 and "This field is required" in no_source.content.decode()


def test_the_command_loads_the_table_or_says_which_rows_are_wrong(tmp_path, capsys):
    good = tmp_path / "peers.csv"
    good.write_text("city,state,2020,2021\n" + "".join(f"T{n},Ohio,9,{n}\n" for n in range(6)))
    call_command("crime_import_peers", str(good), "--source", "FBI")
    assert "12 city-years stored" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("city,state,2020,2021\nT1,Ohio,nine,3\n")
    with pytest.raises(CommandError, match="1 rows rejected: nothing was imported"):
        call_command("crime_import_peers", str(bad), "--source", "FBI")
    assert "bad.csv line 2: T1: 'nine' is not a whole number" in capsys.readouterr().err
    with pytest.raises(CommandError, match="cannot read"):
        call_command("crime_import_peers", str(tmp_path / "none.csv"), "--source", "FBI")


def test_only_evaluators_load_peer_figures(client, olivia_outreach, pete_police):
    for user in (olivia_outreach, pete_police):
        client.force_login(user)
        answer = client.post(
            "/staff/violence/evaluation/peers/",
            {"file": SimpleUploadedFile("p.csv", b"city,2020\nA,1\n"), "source": "x"},
        )
        assert answer.status_code == 403
    assert not PeerHomicides.objects.exists()
