"""SLMPD's legacy monthly crime files (2008-2020, UCR-coded), read into one clean shape.

Plain Python. Three header variants (18, 20 and 26 columns), a BOM on some files, Windows-1252
bytes in others, CRLF or LF, flags that are a single space when blank, leading spaces in codes,
padded descriptions, two date formats, and "0,0" for records that were not geocoded. Every row
that cannot be read is returned with its line and reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from safercity.core.tabular import FileRefused, read_cells

# Each canonical field, and the header names that mean it in the three variants.
ALIASES: dict[str, tuple[str, ...]] = {
    "complaint": ("complaint",),
    "coded_month": ("codedmonth", "coded month", "monthreportedtomshp"),
    "occurred": ("dateoccur", "date occur", "dateoccured"),
    "flag_crime": ("flagcrime", "flag-crime", "newcrimeindicator"),
    "flag_unfounded": ("flagunfounded", "flag-unfounded", "unfoundedcrimeindicator"),
    "flag_administrative": (
        "flagadministrative",
        "flag-administrative",
        "administrativeadjustmentindicator",
    ),
    "count": ("count",),
    "flag_cleanup": ("flagcleanup", "flag cleanup"),
    "crime": ("crime",),
    "district": ("district",),
    "description": ("description",),
    "address": ("ileadsaddress", "ileads-address"),
    "street": ("ileadsstreet", "ileads-street"),
    "neighborhood": ("neighborhood",),
    "location_name": ("locationname", "location name"),
    "x": ("xcoord", "x-coord"),
    "y": ("ycoord", "y-coord"),
}
REQUIRED = ("coded_month", "occurred", "count", "crime", "district", "neighborhood", "x", "y")
DATE_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
# The published form of nearly every row, read without strptime (a third of the file's time).
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?")


@dataclass(frozen=True, slots=True)
class LegacyRecord:
    line: int
    complaint: str
    coded_month: date
    occurred: datetime  # naive local time, as published
    count: int  # 1, or -1 for a record that cancels an earlier one
    ucr_code: int
    description: str
    district: int  # 0 = unknown
    neighborhood: int  # 0 = unknown; 80-88 parks
    address: str
    location_name: str
    x: float  # Missouri East State Plane, US feet; 0 = not geocoded
    y: float
    flag_crime: bool
    flag_unfounded: bool
    flag_administrative: bool
    flag_cleanup: bool

    @property
    def ucr_class(self) -> int:
        """01 criminal homicide ... 26 all other offenses."""
        return self.ucr_code // 10_000


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass
class LegacyFile:
    variant: str  # "18 columns (2008-2013)", "20 columns", "26 columns (2017-05)"
    records: list[LegacyRecord] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def coded_month(self) -> date | None:
        months = {r.coded_month for r in self.records}
        return min(months) if months else None


def _columns(header: list[str]) -> dict[str, int]:
    normal = [name.strip().lower().replace("\ufeff", "") for name in header]
    found = {}
    for canonical, names in ALIASES.items():
        for index, name in enumerate(normal):
            if name in names:
                found[canonical] = index
                break
    return found


def _flag(text: str) -> bool:
    return text.strip() in ("Y", "y")


def _int(text: str, name: str) -> int:
    try:
        return int(text)  # the usual cell, padded or not
    except ValueError:
        pass
    cleaned = text.strip()
    if not cleaned:
        return 0
    try:
        return int(float(cleaned))
    except ValueError:
        raise ValueError(f"{name} is not a number: {text!r}") from None


def _float(text: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    cleaned = text.strip()
    if not cleaned:
        return 0.0
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"{name} is not a number: {text!r}") from None


def parse_occurred(text: str) -> datetime:
    cleaned = " ".join(text.split())
    found = _US_DATE.fullmatch(cleaned)
    if found:
        month, day, year, hour, minute, second = found.groups()
        try:
            return datetime(  # noqa: DTZ001 - local time, zoned later
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
            )
        except ValueError:
            raise ValueError(f"date of occurrence not understood: {text!r}") from None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern)  # noqa: DTZ007 - local time, zoned later
        except ValueError:
            continue
    raise ValueError(f"date of occurrence not understood: {text!r}")


def parse_month(text: str) -> date:
    cleaned = text.strip()
    try:
        year, month = cleaned.split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"coded month not understood: {text!r}") from None


def _positions(header: list[str]) -> list[str]:
    return [str(i) for i in range(len(header))]


def read_legacy(data: bytes | str) -> LegacyFile:
    """One SLMPD monthly file; a file that is not a table at all is one rejection, line 1."""
    try:
        table = read_cells(data, names=_positions)
    except FileRefused as refused:
        return LegacyFile("unreadable", rejected=[Rejected(1, str(refused))])
    header = table.header
    columns = _columns(header)
    parsed = LegacyFile(f"{len(header)} columns")
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        parsed.rejected.append(Rejected(1, f"header lacks {', '.join(missing)}"))
        return parsed
    parsed.rejected.extend(Rejected(r.line, r.reason) for r in table.rejected)
    # A column a variant lacks reads as the empty cell appended to every row.
    where = {name: columns.get(name, len(header)) for name in ALIASES}
    dates: dict[str, datetime] = {}  # the same minute recurs: parse each text once
    months: dict[str, date] = {}
    for line, row in table.rows:
        row.append("")
        try:
            parsed.records.append(_record(line, row, where, dates, months))
        except ValueError as error:
            parsed.rejected.append(Rejected(line, str(error)))
    parsed.rejected.sort(key=lambda r: r.line)
    return parsed


def _record(
    line: int,
    row: list[str],
    where: dict[str, int],
    dates: dict[str, datetime],
    months: dict[str, date],
) -> LegacyRecord:
    count = _int(row[where["count"]], "Count")
    if count not in (1, -1):
        raise ValueError(f"Count must be 1 or -1, not {count}")
    crime = row[where["crime"]]
    code = _int(crime, "Crime")
    if not 10_000 <= code <= 269_999:
        raise ValueError(f"Crime is not a UCR code: {crime!r}")
    occurred_text = row[where["occurred"]]
    occurred = dates.get(occurred_text)
    if occurred is None:
        occurred = dates[occurred_text] = parse_occurred(occurred_text)
    month_text = row[where["coded_month"]]
    coded_month = months.get(month_text)
    if coded_month is None:
        coded_month = months[month_text] = parse_month(month_text)
    address, street = row[where["address"]].strip(), row[where["street"]].strip()
    return LegacyRecord(
        line=line,
        complaint=row[where["complaint"]].strip(),
        coded_month=coded_month,
        occurred=occurred,
        count=count,
        ucr_code=code,
        description=" ".join(row[where["description"]].split()),
        district=_int(row[where["district"]], "District"),
        neighborhood=_int(row[where["neighborhood"]], "Neighborhood"),
        address=" ".join(f"{address} {street}".split()) if street else " ".join(address.split()),
        location_name=" ".join(row[where["location_name"]].split()),
        x=_float(row[where["x"]], "XCoord"),
        y=_float(row[where["y"]], "YCoord"),
        flag_crime=_flag(row[where["flag_crime"]]),
        flag_unfounded=_flag(row[where["flag_unfounded"]]),
        flag_administrative=_flag(row[where["flag_administrative"]]),
        flag_cleanup=_flag(row[where["flag_cleanup"]]),
    )
