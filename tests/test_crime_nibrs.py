"""The NIBRS-era importer on SLMPD's 2024-05..2026-04 offenses (../shared/data/slmpd/nibrs)."""

from collections import Counter

import pytest
from django.core.management import call_command

from safercity.crime.models import CrimeRecord
from safercity.crime.nibrs import NIBRS_TO_UCR, read_nibrs
from safercity.crime.selectors import homicides_by_month
from tests.conftest import shared_data

pytestmark = pytest.mark.realdata


@pytest.fixture
def parquet():
    return shared_data("slmpd", "nibrs", "slmpd_baseline_2024_2026.parquet")


def test_every_offense_is_read_and_mapped(parquet):
    parsed = read_nibrs(parquet)
    assert len(parsed.offenses) == 91_654 and parsed.rejected == []
    assert len({o.incident for o in parsed.offenses}) == 65_671
    classes = Counter(o.ucr_class for o in parsed.offenses)
    murders = [o for o in parsed.offenses if o.nibrs_code == "09A"]
    assert classes[1] == len(murders) > 100
    assert all(o.ucr_class == NIBRS_TO_UCR.get(o.nibrs_code, 26) for o in parsed.offenses)
    assert {o.category for o in parsed.offenses if o.nibrs_code == "11A"} == {"sexual"}


@pytest.mark.django_db
def test_importing_twice_keeps_one_record_per_offense(parquet, capsys):
    call_command("crime_import_nibrs", str(parquet))
    call_command("crime_import_nibrs", str(parquet))
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "91654 offenses imported, 0 already there, 0 rejected"
    assert out[1] == "0 offenses imported, 91654 already there, 0 rejected"
    assert CrimeRecord.objects.filter(source="slmpd-nibrs").count() == 91_654
    months = homicides_by_month()
    assert len(months) == 24 and all(n > 0 for n in months.values())
    assert CrimeRecord.objects.filter(source="slmpd-nibrs", lat=None).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b"PAR1 not really", b"id,offense\n1,2\n"])
def test_a_file_that_is_not_nibrs_parquet_is_refused_by_the_command(tmp_path, content):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "nibrs.parquet"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="refused, nothing changed"):
        call_command("crime_import_nibrs", str(path))


def test_a_legacy_file_that_is_binary_is_one_rejection_not_a_traceback():
    import gzip

    from safercity.crime.legacy import read_legacy

    parsed = read_legacy(gzip.compress(b"Complaint,CodedMonth\n" * 50))
    assert parsed.records == [] and "binary" in parsed.rejected[0].reason


@pytest.mark.django_db
def test_a_dry_run_of_the_nibrs_file_changes_nothing(parquet, capsys):
    call_command("crime_import_nibrs", str(parquet), "--dry-run")
    out = capsys.readouterr().out
    assert "offenses imported" in out and "nothing was changed" in out
    assert not CrimeRecord.objects.exists()
