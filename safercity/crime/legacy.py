"""SLMPD's legacy monthly crime files (2008-2020, UCR-coded), read into one clean shape.

Plain Python. Three header variants (18, 20 and 26 columns), a BOM on some files, Windows-1252
bytes in others, CRLF or LF, flags that are a single space when blank, leading spaces in codes,
padded descriptions, two date formats, and "0,0" for records that were not geocoded. Every row
that cannot be read is returned with its line and reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from safercity.core.tabular import FileRefused, read_table

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


@dataclass(frozen=True)
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
    return text.strip().upper() == "Y"


def _int(text: str, name: str) -> int:
    cleaned = text.strip()
    if not cleaned:
        return 0
    try:
        return int(float(cleaned))
    except ValueError:
        raise ValueError(f"{name} is not a number: {text!r}") from None


def _float(text: str, name: str) -> float:
    cleaned = text.strip()
    if not cleaned:
        return 0.0
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"{name} is not a number: {text!r}") from None


def parse_occurred(text: str) -> datetime:
    cleaned = " ".join(text.split())
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
        table = read_table(data, names=_positions)
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
    for found in table.rows:
        row = [found.values[str(i)] for i in range(len(header))]
        try:
            parsed.records.append(_record(found.line, row, columns))
        except ValueError as error:
            parsed.rejected.append(Rejected(found.line, str(error)))
    parsed.rejected.sort(key=lambda r: r.line)
    return parsed


def _record(line: int, row: list[str], columns: dict[str, int]) -> LegacyRecord:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index] if index is not None else ""

    count = _int(cell("count"), "Count")
    if count not in (1, -1):
        raise ValueError(f"Count must be 1 or -1, not {count}")
    code = _int(cell("crime"), "Crime")
    if not 10_000 <= code <= 269_999:
        raise ValueError(f"Crime is not a UCR code: {cell('crime')!r}")
    address = " ".join(f"{cell('address').strip()} {cell('street').strip()}".split())
    return LegacyRecord(
        line=line,
        complaint=cell("complaint").strip(),
        coded_month=parse_month(cell("coded_month")),
        occurred=parse_occurred(cell("occurred")),
        count=count,
        ucr_code=code,
        description=" ".join(cell("description").split()),
        district=_int(cell("district"), "District"),
        neighborhood=_int(cell("neighborhood"), "Neighborhood"),
        address=address,
        location_name=" ".join(cell("location_name").split()),
        x=_float(cell("x"), "XCoord"),
        y=_float(cell("y"), "YCoord"),
        flag_crime=_flag(cell("flag_crime")),
        flag_unfounded=_flag(cell("flag_unfounded")),
        flag_administrative=_flag(cell("flag_administrative")),
        flag_cleanup=_flag(cell("flag_cleanup")),
    )
