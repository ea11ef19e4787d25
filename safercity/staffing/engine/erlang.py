"""Erlang C (M/M/n) and Erlang A (M/M/n+M, callers who hang up) for call-taker staffing.

Times are in seconds. `load` is the offered load in erlangs: calls per second times the
average handle time. Erlang C accepts fractional servers through the incomplete gamma
function, B(n, a) = a^n e^-a / Gamma(n + 1, a).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.linalg import expm
from scipy.optimize import brentq
from scipy.special import gammainc, gammaincc, gammaln

MAX_AGENTS = 100_000


def offered_load(calls: float, period_s: float, aht_s: float) -> float:
    """Erlangs: the number of call-takers that would be busy all the time."""
    if period_s <= 0 or aht_s < 0 or calls < 0:
        raise ValueError("calls and handle time must be non-negative and the period positive")
    return calls * aht_s / period_s


def erlang_b(servers: float, load: float) -> float:
    """Probability that all servers are busy in a loss system (Erlang B)."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be non-negative")
    if load == 0:
        return 0.0
    if float(servers).is_integer():
        blocking = 1.0  # the stable recursion B(k) = a B(k-1) / (k + a B(k-1))
        for k in range(1, int(servers) + 1):
            blocking = load * blocking / (k + load * blocking)
        return blocking
    upper = gammaincc(servers + 1, load)
    if upper == 0:
        return 1.0
    log_b = servers * math.log(load) - load - gammaln(servers + 1) - math.log(upper)
    return min(1.0, math.exp(log_b))


def erlang_c(servers: float, load: float) -> float:
    """Probability that a caller waits at all (Erlang C); 1 when the load meets the servers."""
    if servers <= load:
        return 1.0
    blocking = erlang_b(servers, load)
    return servers * blocking / (servers - load * (1 - blocking))


@dataclass(frozen=True)
class QueueMeasures:
    servers: float
    load: float
    p_wait: float
    service_level: float  # share answered by a person within the target time
    asa_s: float  # average speed of answer (inf when the queue grows without end)
    occupancy: float
    p_abandon: float = 0.0

    @property
    def answered_immediately(self) -> float:
        return 1.0 - self.p_wait


def erlang_c_measures(servers: float, load: float, aht_s: float, target_s: float) -> QueueMeasures:
    if aht_s <= 0:
        raise ValueError("average handle time must be positive")
    p_wait = erlang_c(servers, load)
    if servers <= load:
        return QueueMeasures(servers, load, 1.0, 0.0, math.inf, 1.0)
    spare = servers - load
    service_level = 1.0 - p_wait * math.exp(-spare * target_s / aht_s)
    return QueueMeasures(
        servers=servers,
        load=load,
        p_wait=p_wait,
        service_level=service_level,
        asa_s=p_wait * aht_s / spare,
        occupancy=load / servers,
    )


def servers_for_asa(load: float, aht_s: float, target_asa_s: float) -> float:
    """Fractional servers whose average speed of answer equals the target (continuous Erlang C)."""
    if target_asa_s <= 0:
        raise ValueError("target average speed of answer must be positive")

    def gap(servers: float) -> float:
        return erlang_c_measures(servers, load, aht_s, 0).asa_s - target_asa_s

    low = load + 1e-9
    high = max(load + 1.0, 2 * load)
    while gap(high) > 0:
        high *= 2
    return float(brentq(gap, low, high, xtol=1e-10))


@dataclass(frozen=True)
class Target:
    """A service goal: `share` of calls answered within `seconds` (NENA: 90% in 15 s)."""

    seconds: float
    share: float


NENA_TARGETS = (Target(15, 0.90), Target(20, 0.95))


def agents_required_c(
    load: float,
    aht_s: float,
    targets: tuple[Target, ...] = NENA_TARGETS,
    max_occupancy: float = 1.0,
) -> int:
    """Fewest whole call-takers meeting every target (Erlang C) and the occupancy cap.

    Erlang B is carried from one head count to the next (B(n) from B(n - 1)), so the search
    costs one step per head count instead of recomputing from zero each time.
    """
    if load <= 0:
        return 0
    if aht_s <= 0:
        raise ValueError("average handle time must be positive")
    first = max(1, math.floor(load) + 1, math.ceil(load / max_occupancy))
    blocking = 1.0
    for k in range(1, first):
        blocking = load * blocking / (k + load * blocking)
    for servers in range(first, MAX_AGENTS):
        blocking = load * blocking / (servers + load * blocking)
        spare = servers - load
        p_wait = servers * blocking / (servers - load * (1 - blocking))
        if all(1.0 - p_wait * math.exp(-spare * t.seconds / aht_s) >= t.share for t in targets):
            return servers
    raise ValueError("no staffing level meets the targets")


MAX_WINDOW = 64  # head counts tried at once above the least stable one, per interval


def agents_required_c_all(
    loads: np.ndarray,
    aht_s: float,
    targets: tuple[Target, ...] = NENA_TARGETS,
    max_occupancy: float = 1.0,
) -> np.ndarray:
    """`agents_required_c` for every interval at once, with the same head counts.

    Erlang B at each interval's least stable head count n0 comes from the incomplete gamma
    function in one call; above it, 1/B follows R(n) = 1 + (n / a) R(n - 1), which unrolls to
    R(n0 + j) = P_j (R(n0) + sum_{k<=j} 1 / P_k) with P_j the running product of (n0 + i) / a:
    a cumulative product and sum over a window of head counts for all intervals together.
    An interval whose answer lies beyond the window (a very large load) is searched alone.
    """
    if aht_s <= 0:
        raise ValueError("average handle time must be positive")
    return _each_busy(loads, lambda a: _required_c(a, aht_s, targets, max_occupancy))


def _required_c(
    a: np.ndarray, aht_s: float, targets: tuple[Target, ...], max_occupancy: float
) -> np.ndarray:
    first = np.maximum(np.floor(a) + 1, np.ceil(a / max_occupancy))
    first = np.maximum(first, 1.0)
    base = first - 1  # R(base) from the closed form; base may be 0, where R = 1
    with np.errstate(over="ignore", divide="ignore"):
        r_base = np.where(
            base > 0,
            gammaincc(base + 1, a) * np.exp(a + gammaln(base + 1) - base * np.log(a)),
            1.0,
        )
    # Square-root staffing: the answer lies about beta * sqrt(load) above the load.
    window = min(MAX_WINDOW, math.ceil(4 + 3 * math.sqrt(float(a.max()))))
    steps = np.arange(1, window + 1, dtype=np.float64)
    n = base[:, None] + steps  # head counts first .. first + WINDOW - 1
    with np.errstate(over="ignore", invalid="ignore"):  # overflow: searched alone, below
        running = np.cumprod(n / a[:, None], axis=1)  # P_j
        r = running * (r_base[:, None] + np.cumsum(1.0 / running, axis=1))
        blocking = 1.0 / r
        p_wait = n * blocking / (n - a[:, None] * (1.0 - blocking))
        meets = np.ones(n.shape, dtype=np.bool_)
        for target in targets:
            # exp(-(n - a) t / aht), as an outer product of two small exponentials.
            rate = target.seconds / aht_s
            decay = np.exp(-(base - a) * rate)[:, None] * np.exp(-steps * rate)[None, :]
            meets &= 1.0 - p_wait * decay >= target.share
    found = meets.any(axis=1) & np.isfinite(r).all(axis=1)
    return _first_meeting(
        n, meets, found, lambda i: agents_required_c(float(a[i]), aht_s, targets, max_occupancy)
    )


def _each_busy(loads: np.ndarray, solve: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Head counts for every interval: none where there is no load, `solve` for the rest."""
    load = np.asarray(loads, dtype=np.float64)
    needed = np.zeros(load.shape, dtype=np.int64)
    busy = load > 0
    if busy.any():
        needed[busy] = solve(load[busy])
    return needed


def _first_meeting(
    n: np.ndarray, meets: np.ndarray, found: np.ndarray, alone: Callable[[int], int]
) -> np.ndarray:
    """Each interval's first head count in its window `n` that meets the targets; an interval
    whose answer lies beyond its window (not `found`) is searched alone."""
    chosen = np.where(found, n[np.arange(len(n)), meets.argmax(axis=1)], 0).astype(np.int64)
    for index in np.flatnonzero(~found):
        chosen[index] = alone(int(index))
    return chosen


def _erlang_a_state(
    servers: int, arrival_rate: float, service_rate: float, abandon_rate: float
) -> np.ndarray:
    """Stationary distribution of the number of callers in an M/M/n+M system."""
    log_p = [0.0]
    k = 0
    while True:
        k += 1
        death = min(k, servers) * service_rate + max(k - servers, 0) * abandon_rate
        log_p.append(log_p[-1] + math.log(arrival_rate) - math.log(death))
        # Stop once the queue drains faster than it fills and the rest is negligible.
        if death > arrival_rate and log_p[-1] - max(log_p) < -40 and k > servers:
            break
    p: np.ndarray = np.exp(np.array(log_p) - max(log_p))
    return p / float(p.sum())


@lru_cache(maxsize=4096)
def _answered_by(
    servers: int, service_rate: float, abandon_rate: float, depth: int, t: float
) -> np.ndarray:
    """For a caller who finds j callers queued ahead: the chance a person answers within t.

    Each position ahead clears at rate n*mu + i*theta (served or hung up); meanwhile the caller
    may hang up too (rate theta). One matrix exponential answers every j at once.
    """
    answered, abandoned = depth + 1, depth + 2  # after states 0..depth (callers ahead)
    q = np.zeros((depth + 3, depth + 3))
    for ahead in range(depth + 1):
        clear = servers * service_rate + ahead * abandon_rate
        q[ahead, answered if ahead == 0 else ahead - 1] = clear
        q[ahead, abandoned] = abandon_rate
        q[ahead, ahead] = -(clear + abandon_rate)
    return np.asarray(expm(q * t)[: depth + 1, answered])


def erlang_a_measures(
    servers: int, load: float, aht_s: float, patience_s: float, target_s: float
) -> QueueMeasures:
    """Erlang A: callers hang up after an exponential patience with mean `patience_s`."""
    if servers < 0 or aht_s <= 0 or patience_s <= 0:
        raise ValueError("servers, handle time and patience must be positive")
    service_rate = 1.0 / aht_s
    abandon_rate = 1.0 / patience_s
    arrival_rate = load * service_rate
    if arrival_rate == 0:
        return QueueMeasures(servers, load, 0.0, 1.0, 0.0, 0.0, 0.0)
    if servers == 0:
        return QueueMeasures(0, load, 1.0, 0.0, math.inf, 1.0, 1.0)
    p = _erlang_a_state(servers, arrival_rate, service_rate, abandon_rate)
    queued = p[servers:]
    depth = len(queued) - 1
    ahead = np.arange(depth + 1)
    p_wait = float(queued.sum())
    p_abandon = float(abandon_rate * (ahead * queued).sum() / arrival_rate)
    answered = _answered_by(servers, service_rate, abandon_rate, depth, float(target_s))
    service_level = float(p[:servers].sum() + (queued * answered).sum())
    busy = float((np.minimum(np.arange(len(p)), servers) * p).sum())
    # Little's law on the queue: mean queue length / arrival rate = mean wait of all callers.
    mean_queue = float((ahead * queued).sum())
    return QueueMeasures(
        servers=servers,
        load=load,
        p_wait=p_wait,
        service_level=service_level,
        asa_s=mean_queue / arrival_rate,
        occupancy=busy / servers,
        p_abandon=p_abandon,
    )


def agents_required_a(
    load: float,
    aht_s: float,
    patience_s: float,
    targets: tuple[Target, ...] = NENA_TARGETS,
) -> int:
    """Fewest call-takers meeting every target when callers may hang up (Erlang A)."""
    if load <= 0:
        return 0
    servers = max(1, math.floor(load * 0.8))
    while servers < MAX_AGENTS:
        if all(
            erlang_a_measures(servers, load, aht_s, patience_s, t.seconds).service_level >= t.share
            for t in targets
        ):
            return servers
        servers += 1
    raise ValueError("no staffing level meets the targets")


def erlang_a_service_level(
    servers: np.ndarray, loads: np.ndarray, aht_s: float, patience_s: float, target_s: float
) -> np.ndarray:
    """Erlang A's share answered within `target_s`, for many (servers, load) pairs at once.

    The closed form behind `erlang_a_measures`: with x = n mu / theta and y = lambda / theta,
    the queue's states sum to x e^y y^-x gamma(x, y), and a waiting caller reaches a person
    within t, before hanging up, with chance (x / y) [P(x + 1, y) - P(x + 1, y e^(-theta t))]
    / P(x, y), P being the regularised lower incomplete gamma function.
    """
    if aht_s <= 0 or patience_s <= 0:
        raise ValueError("handle time and patience must be positive")
    n = np.asarray(servers, dtype=np.float64)
    a = np.asarray(loads, dtype=np.float64)
    ratio = patience_s / aht_s
    x, y = n * ratio, a * ratio
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        lower = gammainc(x, y)
        log_queue = np.log(x) + np.log(lower) + gammaln(x) + y - x * np.log(y)
        log_queue += n * np.log(a) - gammaln(n + 1)  # all n busy, relative to nobody waiting
        log_free = a + np.log(gammaincc(n, a))  # fewer than n callers in the system
        p_wait = 1.0 / (1.0 + np.exp(log_free - log_queue))
        late = y * math.exp(-target_s / patience_s)
        reached = (x / y) * (gammainc(x + 1, y) - gammainc(x + 1, late)) / lower
    # A queue too unlikely to represent (the lower gamma underflows) leaves nobody waiting.
    waiting = np.where(lower > 0, p_wait, 0.0)
    answered = 1.0 - waiting + waiting * np.where(lower > 0, reached, 0.0)
    return np.asarray(np.where(a > 0, answered, 1.0), dtype=np.float64)


def agents_required_a_all(
    loads: np.ndarray,
    aht_s: float,
    patience_s: float,
    targets: tuple[Target, ...] = NENA_TARGETS,
) -> np.ndarray:
    """`agents_required_a` for every interval at once, with the same head counts.

    Each interval's head counts from the same starting point (80% of the load) over a window
    wide enough for square-root staffing go through `erlang_a_service_level` together; an
    interval whose answer lies beyond the window is searched alone.
    """
    if aht_s <= 0 or patience_s <= 0:
        raise ValueError("handle time and patience must be positive")
    return _each_busy(loads, lambda a: _required_a(a, aht_s, patience_s, targets))


def _required_a(
    a: np.ndarray, aht_s: float, patience_s: float, targets: tuple[Target, ...]
) -> np.ndarray:
    first = np.maximum(1.0, np.floor(a * 0.8))
    top = float(a.max())
    window = max(1, min(4 * MAX_WINDOW, math.ceil(8 + 0.2 * top + 4 * math.sqrt(top))))
    n = first[:, None] + np.arange(window, dtype=np.float64)
    meets = np.ones(n.shape, dtype=np.bool_)
    for target in targets:
        level = erlang_a_service_level(n, a[:, None], aht_s, patience_s, target.seconds)
        meets &= level >= target.share
    # A vanishing load (below a millionth of an erlang) loses the closed form's precision in
    # floating point; its one-at-a-time search stops at the first head count anyway.
    found = meets.any(axis=1) & (a >= 1e-6)
    return _first_meeting(
        n, meets, found, lambda i: agents_required_a(float(a[i]), aht_s, patience_s, targets)
    )


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Heads to schedule so that `agents` are on the phones after breaks, training, leave."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be at least 0 and below 1")
    return math.ceil(agents / (1 - shrinkage) - 1e-9)
