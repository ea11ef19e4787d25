"""The CSB importer given files a careless clerk or an attacker could hand it: each is refused
with a clear reason and a non-zero exit, and nothing in the live catalog or data changes."""

from __future__ import annotations

import gzip

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safercity.core.actors import command_actor
from safercity.core.tabular import FileRefused
from safercity.service311.importers import import_csb
from safercity.service311.models import Service, ServiceRequest

pytestmark = pytest.mark.django_db
HEADER = (
    "requestid,datetimeinit,probaddress,problemcode,description,submitto,status,"
    "datetimeclosed,srx,sry,prjcompletedate,datecancelled"
)
GOOD = (
    "1049265,2018-01-01 00:48:30.000,1200 MARKET ST,Single Light Out,Dark,"
    '"TRAFFIC DIVISION, 511",CLOSED,2018-01-05 16:22:21.287,896220,1017880,,'
)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (HEADER.encode() + b"\n", "header but no rows"),
        (gzip.compress(f"{HEADER}\n{GOOD}\n".encode()), "binary"),
        (b"name,value\nx,1\n", "lacks the columns requestid"),
        (
            (HEADER + "\n" + "\n".join(f"{n},junk,,CODE{n},,,,,,,," for n in range(1696))).encode(),
            "no row of the file can be imported",
        ),
        (f'{HEADER}\n1,"{"x" * 1_100_000}",,,,,,,,,,\n'.encode(), "longer than"),
    ],
)
def test_bad_files_are_refused_whole_and_nothing_changes(data, words, tmp_path, capsys):
    with pytest.raises(FileRefused, match=words):
        import_csb(actor=command_actor("t"), data=data)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="1 of 1 files refused"):
        call_command("csb_import", str(path))
    assert words in capsys.readouterr().err
    assert not Service.objects.exists() and not ServiceRequest.objects.exists()


def test_a_utf16_export_reads_like_any_other():
    report = import_csb(actor=command_actor("t"), data=f"{HEADER}\n{GOOD}\n".encode("utf-16"))
    assert report.created == 1 and report.encoding == "utf-16"


def test_a_file_cut_short_keeps_its_whole_rows_and_rejects_the_last(capsys):
    cut = f"{HEADER}\n{GOOD}\n{GOOD.replace('1049265', '1049266')[:40]}"
    report = import_csb(actor=command_actor("t"), data=cut.encode())
    assert report.created == 1
    [rejected] = report.rejected
    assert rejected.line == 3 and "cut short" in rejected.reason
