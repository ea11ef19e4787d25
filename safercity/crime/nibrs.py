"""SLMPD's NIBRS-era offenses (2021 on), read into the same records as the legacy files.

NIBRS counts offenses (an incident may have several); each gets the UCR class its NIBRS code
falls in, so series continue across the change (FBI NIBRS-to-Summary crosswalk, simplified:
murder is 09A only; negligent manslaughter and justifiable homicide are not counted as murder).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from safercity.core.inputs import plain_id
from safercity.core.tabular import FileRefused

# NIBRS code -> UCR class (01 homicide ... 26 all other)
NIBRS_TO_UCR: dict[str, int] = {
    "09A": 1, "11A": 2, "120": 3, "13A": 4, "220": 5,
    "23A": 6, "23B": 6, "23C": 6, "23D": 6, "23E": 6, "23F": 6, "23G": 6, "23H": 6,
    "240": 7, "200": 8, "13B": 9, "13C": 9, "250": 10,
    "26A": 11, "26B": 11, "26C": 11, "26D": 11, "26E": 11, "26F": 11, "26G": 11, "26H": 11,
    "270": 12, "280": 13, "290": 14, "520": 15, "40A": 16, "40B": 16, "40C": 16,
    "11B": 17, "11C": 17, "11D": 17, "36A": 17, "36B": 17, "370": 17,
    "35A": 18, "35B": 18, "39A": 19, "39B": 19, "39C": 19, "39D": 19,
    "90F": 20, "90D": 21, "90G": 22, "90E": 23, "90C": 24, "90B": 25,
}  # fmt: skip
OTHER = 26
SEXUAL_CODES = {"11A", "11B", "11C", "11D", "36A", "36B", "370", "40A", "40B", "40C"}
FAMILY_CODES = {"90F"}


@dataclass(frozen=True)
class NibrsOffense:
    row: int  # 1-based position in the file
    incident: str
    ordinal: int  # which offense of the incident, in file order
    occurred: datetime
    nibrs_code: str
    ucr_class: int
    description: str
    category: str
    district: int
    neighborhood: int
    address: str
    lat: float | None
    lon: float | None


@dataclass
class NibrsFile:
    offenses: list[NibrsOffense] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _category(code: str, text: str) -> str:
    upper = text.upper()
    if code in SEXUAL_CODES or "SEX" in upper or "RAPE" in upper:
        return "sexual"
    if any(word in upper for word in ("JUVENILE", "CHILD", "MINOR")):
        return "juvenile"
    if code in FAMILY_CODES or "DOMESTIC" in upper:
        return "family"
    return "other"


def _offense(index: int, row: dict[str, Any], ordinal: int) -> NibrsOffense:
    incident = str(row.get("inc_#") or "").strip()
    if not incident:
        raise ValueError("no incident number")
    occurred = row.get("date_time")
    if not isinstance(occurred, datetime):
        raise ValueError(f"no date and time: {occurred!r}")
    code = str(row.get("nibrs_code") or "").strip().upper()
    if not code:
        raise ValueError("no NIBRS code")
    district_text = str(row.get("district") or "0").strip()
    lat, lon = row.get("lat"), row.get("lon")
    description = " ".join(str(row.get("offense") or "").split())
    return NibrsOffense(
        row=index,
        incident=incident,
        ordinal=ordinal,
        occurred=occurred,
        nibrs_code=code,
        ucr_class=NIBRS_TO_UCR.get(code, OTHER),
        description=description,
        category=_category(code, f"{description} {row.get('inc_desc') or ''}"),
        district=plain_id(district_text) or 0,
        neighborhood=int(row.get("nbhd_num") or 0),
        address=" ".join(str(row.get("address") or "").split()),
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
    )


def read_nibrs(path: Path) -> NibrsFile:
    """SLMPD's NIBRS Parquet file; FileRefused when it is not one (broken, or another format)."""
    parsed = NibrsFile()
    seen: dict[str, int] = {}
    try:
        rows = pq.read_table(path).to_pylist()
    except (pa.ArrowException, OSError) as error:
        raise FileRefused(f"not a readable Parquet file ({error})") from None
    if not rows:
        raise FileRefused("the file has no rows")
    for index, row in enumerate(rows, start=1):
        incident = str(row.get("inc_#") or "").strip()
        ordinal = seen.get(incident, 0) + 1
        try:
            offense = _offense(index, row, ordinal)
        except (TypeError, ValueError) as error:
            parsed.rejected.append((index, str(error)))
            continue
        seen[incident] = ordinal
        parsed.offenses.append(offense)
    return parsed
