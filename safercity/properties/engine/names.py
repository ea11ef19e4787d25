"""Owner names, normalized for linking: upper case, no punctuation, one spelling of each
entity type (L.L.C. -> LLC), and the owner's kind (company, public body, person).

The keyword lists follow the Who Owns What method (JustFix, NYC): a name that carries an
entity word is a company; public bodies are never linked into a landlord's portfolio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

# Spellings of entity types, longest first, replaced by one canonical token.
_ENTITY_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("LIMITED LIABILITY COMPANY", "LLC"),
    ("LIMITED LIABILITY CO", "LLC"),
    ("LIMITED PARTNERSHIP", "LP"),
    ("L L C", "LLC"),
    ("L L P", "LLP"),
    ("L P", "LP"),
    ("INCORPORATED", "INC"),
    ("CORPORATION", "CORP"),
    ("COMPANY", "CO"),
    ("LIMITED", "LTD"),
)
ENTITY_SUFFIXES = frozenset({"LLC", "LLP", "LP", "INC", "CORP", "CO", "LTD", "PLLC", "PC"})
COMPANY_WORDS = ENTITY_SUFFIXES | frozenset(
    {
        "TRUST", "TRUSTEE", "TRUSTEES", "PROPERTIES", "PROPERTY", "INVESTMENTS", "INVESTMENT",
        "HOLDINGS", "HOLDING", "REALTY", "REAL", "ESTATE", "MANAGEMENT", "MGMT", "GROUP",
        "PARTNERS", "PARTNERSHIP", "ASSOCIATES", "ASSOCIATION", "BANK", "MORTGAGE", "CHURCH",
        "MINISTRIES", "HOMES", "HOUSING", "RENTALS", "RENTAL", "CAPITAL", "VENTURES",
        "ENTERPRISES", "DEVELOPMENT", "FUND", "FOUNDATION", "SERIES", "REVOCABLE", "ESTATES",
    }
)  # fmt: skip
# Public owners: the land bank and other governments. Matched on the normalized name.
PUBLIC_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\bLAND REUTILIZATION\b",
        r"^LRA\b",
        r"\bCITY OF ST LOUIS\b",
        r"^ST LOUIS CITY\b",
        r"\bLAND CLEARANCE FOR REDEVELOPMENT\b",
        r"^LCRA\b",
        r"\bHOUSING AUTHORITY\b",
        r"\bSTATE OF MISSOURI\b",
        r"\bUNITED STATES\b",
        r"\bBOARD OF EDUCATION\b",
        r"\bPUBLIC SCHOOLS\b",
        r"\bMETROPOLITAN SEWER\b",
        r"\bBI STATE DEVELOPMENT\b",
        r"\bST LOUIS DEVELOPMENT CORP\b",
    )
)
_NOT_NAME = re.compile(r"[^A-Z0-9& ]+")
_SPACES = re.compile(r"\s+")
_CARE_OF = re.compile(r"^(?:C/O|C O|ATTN:?|ATTENTION:?)\s+")


class OwnerKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"
    PUBLIC = "public"


@dataclass(frozen=True)
class OwnerName:
    raw: str
    canonical: str  # "GATEWAY HOMES LLC"
    core: str  # "GATEWAY HOMES": without the entity type, for "same name" links
    kind: OwnerKind


def canonical_name(raw: str) -> str:
    text = raw.upper().replace(".", "").replace(",", " ")
    text = _CARE_OF.sub("", text.strip())
    text = _SPACES.sub(" ", _NOT_NAME.sub(" ", text)).strip()
    padded = f" {text} "
    for spelling, canonical in _ENTITY_SPELLINGS:
        padded = padded.replace(f" {spelling} ", f" {canonical} ")
    text = padded.strip()
    if text.startswith("THE "):
        text = text[4:]
    return text


def is_public(canonical: str) -> bool:
    return any(p.search(canonical) for p in PUBLIC_PATTERNS)


@lru_cache(maxsize=262_144)
def owner_name(raw: str) -> OwnerName:
    canonical = canonical_name(raw)
    words = canonical.split()
    if is_public(canonical):
        kind = OwnerKind.PUBLIC
    elif any(w in COMPANY_WORDS for w in words):
        kind = OwnerKind.COMPANY
    else:
        kind = OwnerKind.PERSON
    core_words = list(words)
    while len(core_words) > 1 and core_words[-1] in ENTITY_SUFFIXES:
        core_words.pop()
    return OwnerName(raw, canonical, " ".join(core_words), kind)
