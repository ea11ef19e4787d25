"""The one reader every importer uses: what it refuses for the whole file, and which rows it
rejects with their lines."""

from __future__ import annotations

import codecs
import gzip

import pytest

from safercity.core.tabular import MAX_FIELD, FileRefused, read_table

CSV = "id,name,city\n1,Ann,St. Louis\n2,Bo,Clayton\n"


@pytest.mark.parametrize(
    "data",
    [
        CSV.encode(),
        codecs.BOM_UTF8 + CSV.encode(),
        CSV.encode("utf-16"),  # with its byte-order mark
        CSV.encode("utf-16-le"),  # without one
        CSV.encode("utf-16-be"),
        CSV.replace("\n", "\r\n").encode(),
    ],
)
def test_the_same_table_in_any_common_encoding(data):
    table = read_table(data, required=["id", "name"])
    assert [row.values for row in table.rows] == [
        {"id": "1", "name": "Ann", "city": "St. Louis"},
        {"id": "2", "name": "Bo", "city": "Clayton"},
    ]
    assert [row.line for row in table.rows] == [2, 3] and not table.rejected


def test_windows_1252_text_is_read_with_its_apostrophes():
    table = read_table("id,name\n1,O\x92Brien\n".encode("latin-1"))
    assert table.rows[0].get("name") == "O\u2019Brien" and table.encoding == "windows-1252"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"id,name\n", "header but no rows"),
        (gzip.compress(CSV.encode()), "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary"),
        (b"id,name\n1,a\x00b\n", "NUL"),
        (b"id,id\n1,2\n", "more than once"),
        (CSV.encode(), "lacks the columns zip"),
        (b'id,name\n1,"' + b"x" * (MAX_FIELD + 10) + b'"\n', "longer than"),
    ],
)
def test_files_that_are_not_a_table_are_refused_with_the_reason(data, words):
    with pytest.raises(FileRefused, match=words):
        read_table(data, required=["id", "zip"] if "zip" in words else ["id"])


def test_rows_of_the_wrong_width_are_rejected_with_their_line_and_the_rest_read():
    text = 'id,name,city\n1,Ann,St. Louis\n2,"Bo\nBo",Clayton,extra\n3,Cy,Ferguson\n4,Di'
    table = read_table(text.encode())
    assert [row.get("id") for row in table.rows] == ["1", "3"]
    assert [(r.line, r.reason) for r in table.rejected] == [
        (3, "4 fields where the header has 3"),
        (6, "2 fields where the header has 3: the file seems cut short"),
    ]
    assert table.rows[1].line == 5, "a quoted line break counts as a line"


def test_a_utf8_mark_in_front_of_windows_1252_bytes_reads_as_windows_1252():
    # As SLMPD's January 2017 file is written.
    data = codecs.BOM_UTF8 + "id,name\n1,O\x92Brien\n".encode("latin-1")
    table = read_table(data)
    assert table.rows[0].get("name") == "O\u2019Brien" and table.header == ["id", "name"]
