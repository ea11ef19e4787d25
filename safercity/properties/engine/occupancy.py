"""Is a parcel lived in by its owner? Each answer carries the reasons it rests on.

Evidence, strongest first:
1. a public owner (land bank, city, housing authority...) or a parcel in the land bank's own
   inventory -> public, excluded from the landlord work;
2. no dwelling units -> not residential;
3. a company owner (LLC, trust, bank...) -> not owner-occupied: a company cannot live there;
4. the owner's mailing address: outside the city (by ZIP, or by geography when the ZIP
   straddles the city line), or in the city but not the parcel -> not owner-occupied;
   the parcel's own address -> owner-occupied;
5. the assessor's OWNEROCC flag (homestead-style declaration) where the address cannot decide.

Where the flag and the address disagree, the address wins and both are listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from safercity.core.addresses import MailingAddress
from safercity.properties.engine.names import OwnerKind, OwnerName

OWNEROCC_YES = frozenset({"Y", "YES", "1", "T", "TRUE", "O", "OO"})
OWNEROCC_NO = frozenset({"N", "NO", "0", "F", "FALSE"})


class Occupancy(StrEnum):
    OWNER = "owner"
    NON_OWNER = "non_owner"
    PUBLIC = "public"
    NO_UNITS = "no_units"
    UNKNOWN = "unknown"


OCCUPANCY_LABELS = {
    Occupancy.OWNER: "Owner-occupied",
    Occupancy.NON_OWNER: "Rental (not owner-occupied)",
    Occupancy.PUBLIC: "Publicly owned",
    Occupancy.NO_UNITS: "No dwelling units",
    Occupancy.UNKNOWN: "Not known",
}


class CityZips:
    """Which ZIP codes lie inside the city, and which straddle its line."""

    def __init__(self, inside: set[str], straddling: set[str]) -> None:
        self.inside, self.straddling = frozenset(inside), frozenset(straddling)

    def where(self, zip5: str) -> str:
        if zip5 in self.inside:
            return "inside"
        if zip5 in self.straddling:
            return "straddling"
        return "outside" if zip5 else "unknown"


@dataclass(frozen=True)
class Classified:
    occupancy: Occupancy
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ParcelFacts:
    site: MailingAddress  # the parcel's own address, normalized the same way
    owner: OwnerName
    mailing: MailingAddress
    owner_occ: str  # the assessor's raw code
    units: int
    land_bank: bool = False  # in the land bank's own inventory, whatever the owner name says


def classify(
    facts: ParcelFacts,
    zips: CityZips,
    in_city: Callable[[MailingAddress], bool | None] = lambda _: None,
) -> Classified:
    """`in_city` places a mailing address on the map (True/False), or None when it cannot."""
    reasons: list[str] = []
    if facts.land_bank:
        return Classified(Occupancy.PUBLIC, ("held by the land bank (LRA inventory)",))
    if facts.owner.kind is OwnerKind.PUBLIC:
        return Classified(Occupancy.PUBLIC, (f"public owner: {facts.owner.canonical}",))
    if facts.units <= 0:
        return Classified(Occupancy.NO_UNITS, ("no dwelling units on the parcel",))
    flag = facts.owner_occ.strip().upper()
    flag_says = True if flag in OWNEROCC_YES else False if flag in OWNEROCC_NO else None
    if flag_says is not None:
        reasons.append(
            f"OWNEROCC is {flag!r}: the assessor records the owner as "
            f"{'living there' if flag_says else 'not living there'}"
        )
    if facts.owner.kind is OwnerKind.COMPANY:
        reasons.insert(0, f"the owner is a company or trust ({facts.owner.canonical})")
        return Classified(Occupancy.NON_OWNER, tuple(reasons))
    mailing = facts.mailing
    if mailing.key and mailing.key == facts.site.key:
        reasons.insert(0, "the owner's mailing address is the parcel's own address")
        return Classified(Occupancy.OWNER, tuple(reasons))
    if mailing.key:
        place = zips.where(mailing.zip5)
        if place == "straddling":
            located = in_city(mailing)
            place = "inside" if located else "outside" if located is False else "unknown"
            how = "by its location on the map" if located is not None else ""
        else:
            how = f"by ZIP {mailing.zip5}"
        if place == "outside":
            reasons.insert(0, f"the owner's mailing address is outside the city ({how}): {mailing}")
            return Classified(Occupancy.NON_OWNER, tuple(reasons))
        if place == "inside" and facts.site.key:
            reasons.insert(0, f"the owner's mailing address is elsewhere in the city: {mailing}")
            return Classified(Occupancy.NON_OWNER, tuple(reasons))
    if flag_says is not None:
        return Classified(Occupancy.OWNER if flag_says else Occupancy.NON_OWNER, tuple(reasons))
    reasons.append("no mailing address or occupancy flag to decide by")
    return Classified(Occupancy.UNKNOWN, tuple(reasons))
