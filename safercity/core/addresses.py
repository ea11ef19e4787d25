"""Mailing addresses, normalized to USPS Publication 28 so that two spellings of one address
give one key.

Most assessor addresses are regular ("1234 NORTH GRAND BOULEVARD APT 3"); a fast path
normalizes those with the Publication 28 tables. Anything it does not recognise goes to
usaddress-scourgify (a CRF parser, ~0.3 ms an address); what that cannot parse is kept as
written, upper-cased, and says so. Tests check that the fast path and scourgify agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from scourgify import normalize_address_record
from scourgify.exceptions import AddressNormalizationError

DIRECTIONS = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W",
    "NORTHEAST": "NE", "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
    "N": "N", "S": "S", "E": "E", "W": "W", "NE": "NE", "NW": "NW", "SE": "SE", "SW": "SW",
}  # fmt: skip
SUFFIXES = {
    "STREET": "ST", "ST": "ST", "STR": "ST", "AVENUE": "AVE", "AVE": "AVE", "AV": "AVE",
    "BOULEVARD": "BLVD", "BLVD": "BLVD", "DRIVE": "DR", "DR": "DR", "PLACE": "PL", "PL": "PL",
    "COURT": "CT", "CT": "CT", "ROAD": "RD", "RD": "RD", "LANE": "LN", "LN": "LN",
    "TERRACE": "TER", "TER": "TER", "PARKWAY": "PKWY", "PKWY": "PKWY", "CIRCLE": "CIR",
    "CIR": "CIR", "HIGHWAY": "HWY", "HWY": "HWY", "TRAIL": "TRL", "TRL": "TRL",
    "SQUARE": "SQ", "SQ": "SQ", "PLAZA": "PLZ", "PLZ": "PLZ", "ALLEY": "ALY", "ALY": "ALY",
}  # fmt: skip
UNIT_TYPES = {
    "APARTMENT": "APT", "APT": "APT", "SUITE": "STE", "STE": "STE", "UNIT": "UNIT",
    "FLOOR": "FL", "FL": "FL", "ROOM": "RM", "RM": "RM", "BUILDING": "BLDG", "BLDG": "BLDG",
}  # fmt: skip
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[.,]")
_PO_BOX = re.compile(r"^(?:P\s*O\s*BOX|POST OFFICE BOX|BOX)\s*#?\s*(\w+)$")
_CARE_OF = re.compile(r"^(?:C/O|C O|ATTN:?)\s.*?(?=\b\d)")
_NUMBER = re.compile(r"^\d+[A-Z]?$|^\d+-\d+$")
_UNIT_AT_END = re.compile(r"(?:\b(?:APT|STE|UNIT|RM|FL|BLDG) ?|# ?)(\S+)$")
CITY_SPELLINGS = {"SAINT LOUIS": "ST LOUIS", "ST LOUIS CITY": "ST LOUIS"}


@dataclass(frozen=True)
class MailingAddress:
    line: str  # "1234 N GRAND BLVD APT 3", "PO BOX 123"
    city: str
    state: str
    zip5: str
    parsed_by: str  # "pub28", "scourgify" or "as written"

    @property
    def key(self) -> str:
        """Line and ZIP, with any unit written "# 5" ("STE 5" and "# 5" are one door)."""
        if not self.line:
            return ""
        door = _UNIT_AT_END.sub(r"# \1", self.line)
        return f"{door}|{self.zip5}"

    def __str__(self) -> str:
        return ", ".join(
            p for p in (self.line, self.city, f"{self.state} {self.zip5}".strip()) if p
        )


def _clean(text: str) -> str:
    return _SPACES.sub(" ", _PUNCT.sub(" ", text.upper())).strip()


def zip5(text: str) -> str:
    digits = re.sub(r"\D", "", text or "")
    return digits[:5] if len(digits) >= 5 else ""


def clean_city(text: str) -> str:
    city = _clean(text)
    return CITY_SPELLINGS.get(city, city)


def pub28_line(line: str) -> str | None:
    """The Publication 28 form of a regular street line, or None when it is not regular."""
    tokens = line.replace("#", " # ").split()
    if len(tokens) < 3 or not _NUMBER.match(tokens[0]):
        return None
    unit: list[str] = []
    for i in range(len(tokens) - 1, 0, -1):
        kind = "#" if tokens[i] == "#" else UNIT_TYPES.get(tokens[i])
        if kind and i < len(tokens) - 1 and i >= 3:
            if len(tokens) - i != 2:
                return None
            unit = [kind, tokens[i + 1]]
            tokens = tokens[:i]
            break
    after = tokens[1:]
    pre = DIRECTIONS.get(after[0]) if len(after) > 2 else None
    if pre:
        after = after[1:]
    post = DIRECTIONS.get(after[-1]) if len(after) > 2 else None
    if post:
        after = after[:-1]
    if len(after) < 2 or after[-1] not in SUFFIXES:
        return None
    name, suffix = after[:-1], SUFFIXES[after[-1]]
    if any(t in UNIT_TYPES or t == "#" or t in DIRECTIONS for t in name):
        return None
    parts = [tokens[0], *([pre] if pre else []), *name, suffix, *([post] if post else [])]
    return " ".join(parts + unit)


@lru_cache(maxsize=262_144)
def normalize_mailing(
    line: str, city: str = "", state: str = "", zip_code: str = ""
) -> MailingAddress:
    raw = _CARE_OF.sub("", _clean(line)).strip()
    z, c, s = zip5(zip_code), clean_city(city), _clean(state)
    if not raw:
        return MailingAddress("", c, s, z, "as written")
    box = _PO_BOX.match(raw)
    if box:
        return MailingAddress(f"PO BOX {box.group(1)}", c, s, z, "pub28")
    fast = pub28_line(raw)
    if fast is not None:
        return MailingAddress(fast, c, s, z, "pub28")
    try:
        record = normalize_address_record(
            {
                "address_line_1": raw,
                "address_line_2": None,
                "city": c or None,
                "state": s or None,
                "postal_code": z or None,
            }
        )
    except (AddressNormalizationError, ValueError, TypeError, KeyError, IndexError):
        return MailingAddress(raw, c, s, z, "as written")
    joined = " ".join(p for p in (record.get("address_line_1"), record.get("address_line_2")) if p)
    return MailingAddress(_SPACES.sub(" ", joined.replace("# ", "#")), c, s, z, "scourgify")


# Street lines as residents type them: "1140 North 12th Street", "1140 n. twelfth st",
# "1140 N 12TH ST, St. Louis, MO 63101", "1140 N 12th St Apt 3".
ORDINAL_WORDS = {
    "FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH",
    "SIXTH": "6TH", "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH",
    "ELEVENTH": "11TH", "TWELFTH": "12TH", "THIRTEENTH": "13TH", "FOURTEENTH": "14TH",
    "FIFTEENTH": "15TH", "SIXTEENTH": "16TH", "SEVENTEENTH": "17TH", "EIGHTEENTH": "18TH",
    "NINETEENTH": "19TH", "TWENTIETH": "20TH",
}  # fmt: skip
_HOUSE = re.compile(r"^(\d{1,6})(?:[A-Z]|-\d+[A-Z]?|\s*1/2)?$")
_BARE_NUMBER = re.compile(r"^\d{1,3}$")
_UNIT_PART = re.compile(r"^(?:APT|APARTMENT|STE|SUITE|UNIT|RM|ROOM|FL|FLOOR|BLDG|#)\s*#?\s*(\w+)$")
_TRAILING_PLACE = re.compile(
    r"(?:\s+(?:ST|SAINT)\s+LOUIS(?:\s+CITY)?)?(?:\s+(?:MO|MISSOURI))?(?:\s+\d{5}(?:-\d{4})?)?$"
)
_CORNER = re.compile(r"\s+(?:AND|&|AT|@|/)\s+")


def _ordinal(number: int) -> str:
    tail = "TH" if 10 <= number % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(number % 10, "TH")
    return f"{number}{tail}"


def street_key(street: str) -> str:
    """A street name in Publication 28 form, for matching: "North Twelfth Street" and
    "n 12th st." both give "N 12TH ST"."""
    tokens = [ORDINAL_WORDS.get(t, t) for t in _clean(street.replace("#", " ")).split()]
    if not tokens:
        return ""
    if len(tokens) > 1 and tokens[0] in DIRECTIONS:
        tokens[0] = DIRECTIONS[tokens[0]]
    if len(tokens) > 1 and tokens[-1] in DIRECTIONS and tokens[-1] not in tokens[:1]:
        tokens[-1] = DIRECTIONS[tokens[-1]]
        at = len(tokens) - 2
    else:
        at = len(tokens) - 1
    if at > 0 and tokens[at] in SUFFIXES:
        tokens[at] = SUFFIXES[tokens[at]]
    # "12 Street" is "12th Street": a bare small number before the suffix is an ordinal.
    for i, token in enumerate(tokens):
        if _BARE_NUMBER.match(token) and i < len(tokens) - 1:
            tokens[i] = _ordinal(int(token))
    if tokens[0] == "SAINT" and len(tokens) > 1:
        tokens[0] = "ST"
    return " ".join(tokens)


def street_core(key: str) -> str:
    """The street's own name without directions or its type: "N 12TH ST" gives "12TH"."""
    tokens = key.split()
    if len(tokens) > 1 and tokens[0] in DIRECTIONS:
        tokens = tokens[1:]
    if len(tokens) > 1 and tokens[-1] in DIRECTIONS:
        tokens = tokens[:-1]
    if len(tokens) > 1 and tokens[-1] in SUFFIXES.values():
        tokens = tokens[:-1]
    return " ".join(tokens)


@dataclass(frozen=True)
class StreetLine:
    number: int
    street: str  # street_key form
    unit: str = ""

    @property
    def core(self) -> str:
        return street_core(self.street)


def _without_place(text: str) -> tuple[str, str]:
    """The street part of a typed address and any unit written after a comma."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return "", ""
    unit = ""
    for part in parts[1:]:
        found = _UNIT_PART.match(_clean(part.replace("#", "# ")))
        if found:
            unit = found.group(1)
    return _TRAILING_PLACE.sub("", _clean(parts[0].replace("#", " # "))).strip(), unit


def parse_street_line(text: str) -> StreetLine | None:
    """House number, street and unit of a typed address, or None when it has no house number
    followed by a street (a corner, a landmark, a description)."""
    line, unit = _without_place(text)
    tokens = line.split()
    if len(tokens) > 1 and re.fullmatch(r"\d+", tokens[0]) and tokens[1] == "1/2":
        tokens = [tokens[0], *tokens[2:]]
    if len(tokens) < 2:
        return None
    house = _HOUSE.match(tokens[0])
    if not house:
        return None
    rest = tokens[1:]
    for i in range(len(rest) - 1, 0, -1):  # a unit at the end: "APT 3", "# 3", "UNIT B"
        if (rest[i] == "#" or rest[i] in UNIT_TYPES) and i == len(rest) - 2:
            unit, rest = rest[i + 1], rest[:i]
            break
    key = street_key(" ".join(rest))
    if not key:
        return None
    return StreetLine(int(house.group(1)), key, unit)


def corner_streets(text: str) -> tuple[str, str] | None:
    """The two streets of a corner ("12th and Market", "N 12th St & Market St"), as keys."""
    line, _ = _without_place(text)
    parts = _CORNER.split(line)
    if len(parts) != 2 or any(_HOUSE.match(p.split()[0]) and len(p.split()) > 1 for p in parts):
        return None
    first, second = (street_key(p) for p in parts)
    return (first, second) if first and second else None
