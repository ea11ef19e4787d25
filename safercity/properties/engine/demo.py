"""Synthetic owners for the demo city's parcels, with the truth kept for testing.

Shares are St. Louis-like and labelled as assumptions in the demo's calibration notes:
land bank ~7% of parcels, other public ~1%, owner-occupants ~42%, small landlords ~22%,
company landlords ~28% in families whose size follows a Zipf law (a few own hundreds).
Families write their names and addresses in several ways (L.L.C. / LLC, numbered series,
typos, "Suite" / "Ste"), and some companies give a shared registered agent's address - the
noise the portfolio resolution must see through. `landlord` is the true owner, which the
tests compare the resolution against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIRST = (
    "JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER", "MICHAEL", "LINDA", "DAVID",
    "ELIZABETH", "WILLIAM", "BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA", "THOMAS",
    "SARAH", "CHARLES", "KAREN", "DARNELL", "LATOYA", "ANDRE", "KEISHA", "MARCUS", "TAMIKA",
    "LUIS", "MARIA", "HUNG", "MINH", "AMIR", "FATIMA", "DENISE", "TERRENCE", "GLORIA", "OSCAR",
)  # fmt: skip
LAST = (
    "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "WILSON",
    "ANDERSON", "TAYLOR", "THOMAS", "MOORE", "JACKSON", "MARTIN", "LEE", "HARRIS", "CLARK",
    "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT", "SCOTT", "GREEN",
    "BAKER", "ADAMS", "NELSON", "HILL", "CAMPBELL", "MITCHELL", "ROBERTS", "CARTER", "PHILLIPS",
    "NGUYEN", "TRAN", "OKAFOR", "MUHAMMAD", "FISCHER", "SCHMIDT", "BECKER", "HOFFMAN", "KOCH",
    "WAGNER", "BAUER", "RICHTER", "PETROVIC", "HODZIC", "BEGIC", "MEHMEDOVIC",
)  # fmt: skip
WORDS = (
    "GATEWAY", "RIVER", "ARCH", "MOUND", "FOREST", "TOWER", "LAFAYETTE", "SOULARD", "BENTON",
    "CARONDELET", "DUTCHTOWN", "COMPTON", "SHAW", "TOWER GROVE", "MIDTOWN", "NORTHSIDE",
    "SOUTHSIDE", "HERITAGE", "LANDMARK", "PINNACLE", "SUMMIT", "KEYSTONE", "CORNERSTONE",
    "BEACON", "PRAIRIE", "MERIDIAN", "LIBERTY", "EAGLE", "FALCON", "CARDINAL", "BLUES",
    "MAPLEWOOD", "OAKLAND", "WILLOW", "CEDAR", "ASPEN", "GRAND", "KINGS", "QUEENS", "CROWN",
)  # fmt: skip
NOUNS = ("HOMES", "PROPERTIES", "HOLDINGS", "RENTALS", "INVESTMENTS", "REALTY", "HOUSING",
         "CAPITAL", "VENTURES", "ESTATES", "MANAGEMENT", "PARTNERS")  # fmt: skip
ENTITY = ("LLC", "L.L.C.", "LLC", "INC", "LLC", "LP", "CORP")
STREETS = (
    "MAIN ST", "MARKET ST", "OLIVE ST", "LOCUST ST", "CHESTNUT ST", "PINE ST", "WASHINGTON AVE",
    "LINDELL BLVD", "FOREST PARK AVE", "CLAYTON RD", "MANCHESTER RD", "GRAVOIS AVE",
    "KINGSHIGHWAY BLVD", "HAMPTON AVE", "BIG BEND BLVD", "OLIVE BLVD",
)  # fmt: skip
SUITE_SPELLINGS = ("STE", "SUITE", "Ste.", "#")
# Where landlords who do not live in the city get their mail: county towns and other states.
AWAY = (
    ("CLAYTON", "MO", "63105"), ("KIRKWOOD", "MO", "63122"), ("CHESTERFIELD", "MO", "63017"),
    ("FLORISSANT", "MO", "63031"), ("AFFTON", "MO", "63123"), ("O FALLON", "MO", "63366"),
    ("BELLEVILLE", "IL", "62220"), ("CHICAGO", "IL", "60601"), ("IRVINE", "CA", "92618"),
    ("DALLAS", "TX", "75201"), ("MIAMI", "FL", "33131"), ("NEW YORK", "NY", "10001"),
)  # fmt: skip
REGISTERED_AGENT = ("120 S CENTRAL AVE STE 400", "CLAYTON", "MO", "63105")
LRA = ("LAND REUTILIZATION AUTHORITY", "1520 MARKET ST STE 2000", "ST LOUIS", "MO", "63103")
PUBLIC = (
    ("CITY OF ST LOUIS", "1200 MARKET ST", "ST LOUIS", "MO", "63103"),
    ("ST LOUIS HOUSING AUTHORITY", "3520 PAGE BLVD", "ST LOUIS", "MO", "63106"),
)


@dataclass(frozen=True)
class Site:
    house_number: int
    street: str
    zip_code: str


@dataclass(frozen=True)
class DemoParcel:
    handle: str
    site: Site
    owner_name: str
    owner_addr: str
    owner_city: str
    owner_state: str
    owner_zip: str
    owner_occ: str
    asr_class_code: str
    units: int
    tax_delinquent_years: int
    vacant: bool
    landlord: int  # the true owner (family) id; -1 public
    neglect: float  # 0 (well kept) .. 1 (neglected): drives the demo's complaints and cases


def _typo(rng: np.random.Generator, text: str) -> str:
    """Drop or double one letter inside a word (a clerk's slip)."""
    if len(text) < 8:
        return text
    i = int(rng.integers(2, len(text) - 3))
    if not text[i].isalpha():
        return text
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


def _units(rng: np.random.Generator) -> int:
    u = rng.random()
    return (
        1
        if u < 0.70
        else 2
        if u < 0.85
        else int(rng.integers(3, 5))
        if u < 0.95
        else int(rng.integers(6, 25))
    )


def _site_line(site: Site) -> str:
    return f"{site.house_number} {site.street}".upper()


def generate(sites: list[Site], seed: int = 2026) -> list[DemoParcel]:
    rng = np.random.default_rng(seed)
    n = len(sites)
    order = rng.permutation(n)
    out: list[DemoParcel | None] = [None] * n

    def handle(i: int) -> str:
        return f"1{(i // 400) + 1:04d}{(i % 400) * 5 + 5:06d}"

    def put(
        i: int,
        name: str,
        mail: tuple[str, str, str, str],
        occ: str,
        units: int,
        landlord: int,
        neglect: float,
        klass: str = "R",
    ) -> None:
        vacant = units == 0 or rng.random() < 0.04 + 0.25 * neglect
        tax = int(rng.poisson(3 * neglect)) if rng.random() < 0.1 + 0.6 * neglect else 0
        out[i] = DemoParcel(
            handle(i),
            sites[i],
            name,
            mail[0],
            mail[1],
            mail[2],
            mail[3],
            occ,
            klass,
            units,
            tax,
            vacant,
            landlord,
            neglect,
        )

    idx = order.tolist()
    cut = [int(n * f) for f in (0.07, 0.08, 0.50, 0.72)]
    # Land bank and other public owners.
    for i in idx[: cut[0]]:
        units = 0 if rng.random() < 0.7 else 1
        put(i, LRA[0], LRA[1:], "", units, -1, 0.8, "L" if units == 0 else "R")
    for i in idx[cut[0] : cut[1]]:
        body = PUBLIC[int(rng.integers(len(PUBLIC)))]
        put(i, body[0], body[1:], "", int(rng.integers(0, 3)), -1, 0.1, "X")
    landlord = 0
    occupants: list[int] = []
    # Owner-occupants: the mailing address is the home (sometimes spelled otherwise).
    for i in idx[cut[1] : cut[2]]:
        s = sites[i]
        line = _site_line(s)
        if rng.random() < 0.15:
            line = (
                line.replace(" AVE", " AVENUE")
                .replace(" ST", " STREET")
                .replace(" BLVD", " BOULEVARD")
            )
        name = f"{LAST[int(rng.integers(len(LAST)))]} {FIRST[int(rng.integers(len(FIRST)))]}"
        if rng.random() < 0.3:
            name += f" & {FIRST[int(rng.integers(len(FIRST)))]}"
        occ = "Y" if rng.random() < 0.85 else ""
        units = 1 if rng.random() < 0.9 else 2
        put(
            i,
            name,
            (line, "ST LOUIS", "MO", s.zip_code),
            occ,
            units,
            landlord,
            float(rng.beta(1, 9)),
        )
        occupants.append(i)
        landlord += 1
    # Small landlords: 1-4 parcels, mail at another city address or away.
    small = idx[cut[2] : cut[3]]
    k = 0
    while k < len(small):
        size = min(int(rng.integers(1, 5)), len(small) - k)
        name = f"{LAST[int(rng.integers(len(LAST)))]} {FIRST[int(rng.integers(len(FIRST)))]}"
        owner = landlord
        if rng.random() < 0.6 and occupants:
            # Most small landlords live in the city, in a home they own: the same person.
            home = out[occupants[int(rng.integers(len(occupants)))]]
            if home is None:  # pragma: no cover - occupants are filled above
                raise RuntimeError("an owner-occupant parcel is missing")
            name, owner = home.owner_name, home.landlord
            mail = (home.owner_addr, "ST LOUIS", "MO", home.owner_zip)
        else:
            town = AWAY[int(rng.integers(len(AWAY)))]
            street = f"{int(rng.integers(100, 9999))} {STREETS[int(rng.integers(len(STREETS)))]}"
            mail = (street, town[0], town[1], town[2])
        neglect = float(rng.beta(1.2, 5))
        for i in small[k : k + size]:
            put(i, name, mail, "N" if rng.random() < 0.5 else "", _units(rng), owner, neglect)
        landlord += 1
        k += size
    # Company landlords in families of Zipf-distributed size.
    rest = idx[cut[3] :]
    taken: set[str] = set()
    k = 0
    while k < len(rest):
        size = min(int(min(rng.zipf(1.6), 600)), len(rest) - k)
        base = ""
        while not base or base in taken:  # a company name is registered once
            base = f"{WORDS[int(rng.integers(len(WORDS)))]} {NOUNS[int(rng.integers(len(NOUNS)))]}"
            if rng.random() < 0.7 or base in taken:
                base = f"{WORDS[int(rng.integers(len(WORDS)))]} {base}"
            if base in taken:
                base = f"{base} {int(rng.integers(2, 99_999))}"
        taken.add(base)
        town = (
            AWAY[int(rng.integers(len(AWAY)))]
            if rng.random() < 0.45
            else ("ST LOUIS", "MO", "63101")
        )
        office = f"{int(rng.integers(100, 9999))} {STREETS[int(rng.integers(len(STREETS)))]}"
        suite = str(int(rng.integers(100, 900)))
        entities = 1 + min(int(rng.poisson(size / 40)), 8)
        neglect = float(rng.beta(1.0, 3.0)) if size > 3 else float(rng.beta(1.2, 5))
        for j, i in enumerate(rest[k : k + size]):
            entity = j % entities
            name = f"{base} {entity + 1}" if entity and rng.random() < 0.8 else base
            name = (
                f"{name} {ENTITY[int(rng.integers(len(ENTITY)))] if rng.random() < 0.2 else 'LLC'}"
            )
            if rng.random() < 0.03:
                name = _typo(rng, name)
            if rng.random() < 0.08:
                company_mail = REGISTERED_AGENT
            else:
                spelled = SUITE_SPELLINGS[int(rng.integers(len(SUITE_SPELLINGS)))]
                company_mail = (f"{office} {spelled} {suite}", town[0], town[1], town[2])
            put(i, name, company_mail, "", _units(rng), landlord, neglect)
        landlord += 1
        k += size
    return [p for p in out if p is not None]
