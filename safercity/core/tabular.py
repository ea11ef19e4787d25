"""Reading the tables people upload and cities publish, the same way for every importer: the
encoding from the byte-order mark or by trying UTF-8 then Windows-1252; binary files, empty
files, headers without rows, fields of runaway length and CSV the parser cannot follow are
refused for the whole file with a clear reason (`FileRefused`); a row with more or fewer
fields than the header (a file cut short ends with one) is rejected with its line and reason,
and the others are read.

Plain Python: importers decide what a row means; this decides what a row is."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MAX_FIELD = 1_000_000  # characters in one field; more means the wrong file, or a broken one
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")

csv.field_size_limit(MAX_FIELD)


class FileRefused(ValueError):
    """The whole file cannot be read as a table; the message says why, for the person."""


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file (1 is the header)
    values: dict[str, str]

    def get(self, name: str) -> str:
        return (self.values.get(name) or "").strip()


@dataclass
class Table:
    header: list[str]  # as written
    names: list[str]  # as the importer normalised them
    encoding: str
    rows: list[Row] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in; FileRefused for what is not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                if encoding != "utf-8-sig":
                    raise FileRefused(f"the file starts as {encoding} but is not") from None
                # SLMPD's January 2017 file: a UTF-8 mark, then Windows-1252 bytes.
                return data[len(bom) :].decode("cp1252", errors="replace"), "windows-1252"
    head = data[:4096]
    if head.count(0) > len(head) // 4 and len(head) >= 2:
        # UTF-16 without a mark: every other byte is zero in ASCII-range text.
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            raise FileRefused("the file is binary, not text") from None
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Older city exports carry Windows-1252 bytes (e.g. 0x92 apostrophes) in free text.
        text, encoding = data.decode("cp1252", errors="replace"), "windows-1252"
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(2, len(sample) // 1000):
        raise FileRefused("the file is binary (an image, a spreadsheet or an archive?), not text")
    return text, encoding


def lower_names(header: list[str]) -> list[str]:
    return [name.strip().lower() for name in header]


@dataclass
class Cells:
    """A table as lists of cells in header order: for importers that read many rows and
    find their columns by position (a dict per row costs more than the row's parsing)."""

    header: list[str]  # as written
    names: list[str]  # as the importer normalised them
    encoding: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells)
    rejected: list[Rejected] = field(default_factory=list)


def read_table(
    data: bytes | str,
    *,
    required: Iterable[str] = (),
    names: Callable[[list[str]], list[str]] = lower_names,
) -> Table:
    """Every row of a CSV file, keyed by the normalised column names."""
    cells = read_cells(data, required=required, names=names)
    keys = cells.names
    table = Table(cells.header, keys, cells.encoding, rejected=cells.rejected)
    table.rows = [
        Row(line, {k: v for k, v in zip(keys, row, strict=True) if k}) for line, row in cells.rows
    ]
    return table


def read_cells(
    data: bytes | str,
    *,
    required: Iterable[str] = (),
    names: Callable[[list[str]], list[str]] = lower_names,
) -> Cells:
    """Every row of a CSV file as its list of cells, with the same checks as read_table."""
    text, encoding = (data, "text") if isinstance(data, str) else decode(data)
    if not text.strip():
        raise FileRefused("the file is empty")
    if "\x00" in text:
        raise FileRefused("the file holds NUL bytes: it is binary, or a broken export")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        keys = names(header)
        if not any(keys):
            raise FileRefused("the first line is not a header")
        doubled = sorted({k for k in keys if k and keys.count(k) > 1})
        if doubled:
            raise FileRefused(f"the header names {', '.join(doubled)} more than once")
        missing = [name for name in required if name not in keys]
        if missing:
            raise FileRefused(
                f"the file lacks the columns {', '.join(missing)} "
                f"(its header has {', '.join(h for h in header)})"
            )
        table = Cells(header, keys, encoding)
        start, line = reader.line_num + 1, 0
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not "".join(cells).strip():
                continue
            if len(cells) != len(header):
                table.rejected.append(
                    Rejected(line, f"{len(cells)} fields where the header has {len(header)}")
                )
                continue
            table.rows.append((line, cells))
    except csv.Error as error:
        where = f"line {reader.line_num}"
        if "field larger than field limit" in str(error):
            raise FileRefused(
                f"{where}: a field is longer than {MAX_FIELD:,} characters; is this the right file?"
            ) from None
        raise FileRefused(f"{where}: not readable as CSV ({error})") from None
    if not table.rows and not table.rejected:
        raise FileRefused("the file has a header but no rows")
    if table.rejected and table.rejected[-1].line == line and not text.endswith(("\n", "\r")):
        last = table.rejected.pop()
        table.rejected.append(Rejected(last.line, f"{last.reason}: the file seems cut short"))
    return table
