import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safercity.core.actors import command_actor
from safercity.crime.selectors import homicides_by_month
from safercity.crime.services import legacy_import
from tests.conftest import shared_data

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


@pytest.fixture(scope="module")
def years_2012_to_2015(django_db_setup, django_db_blocker):
    """Four years, imported once for every test here."""
    from safercity.crime.models import CrimeImport, CrimeRecord
    from tests.conftest import loaded_once

    files = []
    for year in range(2012, 2016):
        folder = shared_data("slmpd", "legacy", str(year))
        files += [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))]
    with loaded_once(django_db_blocker, CrimeImport, CrimeRecord):
        with django_db_blocker.unblock():
            legacy_import(actor=command_actor("t"), files=files)
        yield


def test_the_goal_report_and_the_change_after_august_2014(years_2012_to_2015, capsys):
    call_command("crime_goal", "--intervention", "2014-08")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("baseline 263 (FBI Uniform Crime Reporting")
    assert "2014: 159 (-25 against the target)" in out
    assert "2015: 188 (+4 against the target)" in out
    assert out[-1].startswith("change since 2014-08: +")
    assert "95% CI" in out[-1] and "31 months before, 17 after" in out[-1]


def test_a_comparison_series_and_its_errors(years_2012_to_2015, tmp_path, capsys):
    series = homicides_by_month()
    peer = tmp_path / "peer.csv"
    lines = [f"{m:%Y-%m},{2 * max(n, 1)}" for m, n in series.items()]
    peer.write_text("month,value\n" + "\n".join(lines))
    call_command("crime_goal", "--intervention", "2014-08", "--comparison", str(peer))
    last = capsys.readouterr().out.splitlines()[-1]
    # A peer that moves exactly with the city leaves nothing for the intervention to explain.
    assert (
        "relative to the comparison: +0.0%" in last or "relative to the comparison: -0.0%" in last
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("when,how_many\n2014-01,3\n")
    with pytest.raises(CommandError, match="columns month and value"):
        call_command("crime_goal", "--intervention", "2014-08", "--comparison", str(bad))
    short = tmp_path / "short.csv"
    short.write_text("month,value\n2014-01,3\n")
    with pytest.raises(CommandError, match="no value for 2012-01"):
        call_command("crime_goal", "--intervention", "2014-08", "--comparison", str(short))
