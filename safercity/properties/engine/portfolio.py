"""Owner portfolios: which parcels belong to one landlord, and why (the Who Owns What method).

1. Every parcel's owner is normalized (names.py, addresses.py). An *owner* is one distinct
   (name, mailing address) pair.
2. Owners are linked by exact keys: the same company name apart from its entity type, and the
   same mailing address. (A person's name alone links nothing: common names repeat.) A key
   shared by several owners is a hub node, so a mailing address shared by 500 owners costs
   500 edges, not 125,000.
3. Fuzzy edges: company names that are nearly the same (rapidfuzz token-sort ratio >= 90,
   compared within blocks that share a first word) and mailing addresses that are nearly the
   same (same ZIP and house number, ratio >= 90).
4. A key shared by more than `hub_limit` owners links nothing (registered agents, tax
   services and mortgage servicers give one address to hundreds of unrelated owners); the
   explanation says so.
5. Connected components are portfolios; a component of more than `split_above` owners (a
   management company's address, a tax servicer's, a shared registered agent) is split into
   communities by Louvain (networkx), with a fixed seed so the answer is repeatable.

Public owners take part in no link. Every link keeps its evidence for the explanation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from safercity.core.addresses import MailingAddress, normalize_mailing
from safercity.properties.engine.names import OwnerKind, OwnerName, owner_name

IntArray = npt.NDArray[np.int64]
SIMILAR_NAMES = 90.0
SIMILAR_ADDRESSES = 90.0
BLOCK_LIMIT = 4000


@dataclass(frozen=True)
class OwnerInput:
    name: str
    line: str
    city: str
    state: str
    zip_code: str


@dataclass(frozen=True)
class Owner:
    name: OwnerName
    mailing: MailingAddress


@dataclass(frozen=True)
class SharedKey:
    kind: str  # "same company name", "same mailing address"
    text: str


@dataclass(frozen=True)
class FuzzyLink:
    a: int
    b: int
    kind: str  # "similar names", "similar addresses"
    score: float


@dataclass(frozen=True)
class Explanation:
    kind: str
    evidence: str
    owners: tuple[int, ...]
    followed: bool  # False: the link crosses a Louvain split and was not followed


@dataclass
class Resolution:
    owners: list[Owner]
    owner_of_parcel: IntArray
    keys: list[SharedKey]
    key_members: dict[int, list[int]]  # key -> owners sharing it
    hubs: dict[int, list[int]]  # keys shared so widely that they link nothing
    fuzzy: list[FuzzyLink]
    group_of_owner: IntArray
    split_groups: dict[int, int] = field(default_factory=dict)  # group -> owners in its component

    @property
    def groups(self) -> int:
        return int(self.group_of_owner.max()) + 1 if len(self.group_of_owner) else 0

    def parcels_by_group(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        groups = self.group_of_owner[self.owner_of_parcel]
        for parcel, group in enumerate(groups.tolist()):
            found[group].append(parcel)
        return found

    def explanations(self) -> dict[int, list[Explanation]]:
        """Why the owners of each portfolio are together, and which links a split cut."""
        found: dict[int, list[Explanation]] = defaultdict(list)
        groups = self.group_of_owner
        for key, sharing in self.key_members.items():
            spec = self.keys[key]
            by_group: dict[int, list[int]] = defaultdict(list)
            for owner in sharing:
                by_group[int(groups[owner])].append(owner)
            whole = len(by_group) == 1
            for group, inside in by_group.items():
                found[group].append(Explanation(spec.kind, spec.text, tuple(inside), whole))
        for key, sharing in self.hubs.items():
            spec = self.keys[key]
            why = (
                f"{spec.text}: shared by {len(sharing)} owners, too many to link by "
                "(a registered agent, tax service or mortgage servicer)"
            )
            for group in {int(groups[o]) for o in sharing}:
                members = tuple(o for o in sharing if int(groups[o]) == group)
                found[group].append(Explanation(spec.kind, why, members, False))
        for link in self.fuzzy:
            a, b = self.owners[link.a], self.owners[link.b]
            text = (
                f"{a.name.canonical} ~ {b.name.canonical}"
                if link.kind == "similar names"
                else f"{a.mailing.line} ~ {b.mailing.line} (ZIP {a.mailing.zip5})"
            )
            ga, gb = int(groups[link.a]), int(groups[link.b])
            explained = Explanation(
                link.kind, f"{text}: {link.score:.0f}% alike", (link.a, link.b), ga == gb
            )
            found[ga].append(explained)
            if gb != ga:
                found[gb].append(explained)
        return found


def _owners(
    parcels: Sequence[OwnerInput],
) -> tuple[list[Owner], IntArray]:
    names: dict[str, OwnerName] = {}
    addresses: dict[tuple[str, str, str, str], MailingAddress] = {}
    index: dict[tuple[str, str], int] = {}
    owners: list[Owner] = []
    of_parcel = np.empty(len(parcels), dtype=np.int64)
    for i, p in enumerate(parcels):
        name = names.get(p.name)
        if name is None:
            name = names[p.name] = owner_name(p.name)
        where = (p.line, p.city, p.state, p.zip_code)
        mailing = addresses.get(where)
        if mailing is None:
            mailing = addresses[where] = normalize_mailing(*where)
        node = (name.canonical, mailing.key)
        found = index.get(node)
        if found is None:
            found = index[node] = len(owners)
            owners.append(Owner(name, mailing))
        of_parcel[i] = found
    return owners, of_parcel


def _exact_keys(
    owners: list[Owner], hub_limit: int
) -> tuple[list[SharedKey], dict[int, list[int]], dict[int, list[int]]]:
    groups: dict[SharedKey, list[int]] = defaultdict(list)
    for i, owner in enumerate(owners):
        name = owner.name
        if name.kind is OwnerKind.PUBLIC or not name.canonical:
            continue
        if name.kind is OwnerKind.COMPANY:
            groups[SharedKey("same company name", name.core)].append(i)
        if owner.mailing.key:
            text = f"{owner.mailing.line}, {owner.mailing.zip5}".rstrip(", ")
            groups[SharedKey("same mailing address", text)].append(i)
    keys: list[SharedKey] = []
    members: dict[int, list[int]] = {}
    hubs: dict[int, list[int]] = {}
    for key, sharing in groups.items():
        if len(sharing) > 1:
            (hubs if len(sharing) > hub_limit else members)[len(keys)] = sharing
            keys.append(key)
    return keys, members, hubs


def _blocks(items: dict[str, list[int]], words: int = 1) -> list[list[str]]:
    blocks: dict[str, list[str]] = defaultdict(list)
    for text in items:
        blocks[" ".join(text.split()[:words])].append(text)
    found: list[list[str]] = []
    for block in blocks.values():
        if len(block) > BLOCK_LIMIT and words < 3:
            found.extend(_blocks({t: items[t] for t in block}, words + 1))
        elif len(block) > 1:
            found.append(block)
    return found


def _similar(block: list[str], cutoff: float, scorer: Any) -> list[tuple[int, int, float]]:
    scores = process.cdist(block, block, scorer=scorer, score_cutoff=cutoff, dtype=np.uint8)
    rows, cols = np.nonzero(np.triu(scores, k=1))
    return [(int(r), int(c), float(scores[r, c])) for r, c in zip(rows, cols, strict=True)]


def _fuzzy(owners: list[Owner]) -> list[FuzzyLink]:
    links: list[FuzzyLink] = []
    cores: dict[str, list[int]] = defaultdict(list)
    for i, owner in enumerate(owners):
        if owner.name.kind is OwnerKind.COMPANY and len(owner.name.core) >= 4:
            cores[owner.name.core].append(i)
    for block in _blocks(cores):
        for r, c, score in _similar(block, SIMILAR_NAMES, fuzz.token_sort_ratio):
            links.append(FuzzyLink(cores[block[r]][0], cores[block[c]][0], "similar names", score))
    by_door: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, owner in enumerate(owners):
        m = owner.mailing
        if m.parsed_by != "as written" and m.zip5 and owner.name.kind is not OwnerKind.PUBLIC:
            by_door[(m.zip5, m.line.split()[0])][m.line].append(i)
    for lines in by_door.values():
        if len(lines) < 2:
            continue
        block = list(lines)
        if len(block) > BLOCK_LIMIT:
            continue
        for r, c, score in _similar(block, SIMILAR_ADDRESSES, fuzz.ratio):
            if _unit(block[r]) == _unit(block[c]):
                links.append(
                    FuzzyLink(lines[block[r]][0], lines[block[c]][0], "similar addresses", score)
                )
    return links


def _unit(line: str) -> str:
    words = line.split()
    return (
        " ".join(words[-2:])
        if len(words) > 2 and (words[-2] in {"APT", "STE", "UNIT", "#"})
        else ""
    )


def resolve(
    parcels: Sequence[OwnerInput], *, split_above: int = 100, hub_limit: int = 100, seed: int = 0
) -> Resolution:
    owners, of_parcel = _owners(parcels)
    keys, members, hubs = _exact_keys(owners, hub_limit)
    fuzzy = _fuzzy(owners)
    n, k = len(owners), len(keys)
    rows: list[int] = []
    cols: list[int] = []
    for key, sharing in members.items():
        rows.extend(sharing)
        cols.extend([n + key] * len(sharing))
    for link in fuzzy:
        rows.append(link.a)
        cols.append(link.b)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n + k, n + k))
    _, labels = connected_components(graph, directed=False)
    component = labels[:n].astype(np.int64)
    group = component.copy()
    sizes = np.bincount(component)
    split: dict[int, int] = {}
    next_label = int(component.max()) + 1 if n else 0
    for big in np.flatnonzero(sizes > split_above).tolist():
        inside = set(np.flatnonzero(component == big).tolist())
        g = nx.Graph()
        g.add_nodes_from(inside)
        for key, sharing in members.items():
            if sharing[0] in inside:
                g.add_edges_from(((o, ("key", key)) for o in sharing), weight=1.0)
        for link in fuzzy:
            if link.a in inside:
                g.add_edge(link.a, link.b, weight=link.score / 100)
        communities = nx.community.louvain_communities(g, weight="weight", seed=seed)
        for community in communities:
            people = [node for node in community if isinstance(node, int)]
            if not people:
                continue
            group[people] = next_label
            split[next_label] = len(inside)
            next_label += 1
    # Renumber 0..G-1, biggest portfolios (by parcels) first.
    parcels_in = np.bincount(group[of_parcel], minlength=next_label)
    order = np.argsort(-parcels_in, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    used = np.unique(group)
    final = np.searchsorted(np.sort(rank[used]), rank[group]).astype(np.int64)
    remap = {int(g): int(f) for g, f in zip(group.tolist(), final.tolist(), strict=True)}
    return Resolution(
        owners=owners,
        owner_of_parcel=of_parcel,
        keys=keys,
        key_members=members,
        hubs=hubs,
        fuzzy=fuzzy,
        group_of_owner=final,
        split_groups={remap[g]: size for g, size in split.items() if g in remap},
    )


def _pairs(labels: list[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(labels).values())


def pairwise_agreement(found: Sequence[int], truth: Sequence[int]) -> tuple[float, float]:
    """Precision and recall over pairs of parcels: of the pairs put together, how many share a
    true owner; of the pairs that share a true owner, how many were put together."""
    both = _pairs(list(zip(found, truth, strict=True)))
    together, owned = _pairs(list(found)), _pairs(list(truth))
    return (both / together if together else 1.0), (both / owned if owned else 1.0)
