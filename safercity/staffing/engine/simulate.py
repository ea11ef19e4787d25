"""A discrete-event simulation of the call-taker queue: first come, first served, callers who
hang up, staffing that changes every interval, and a callback for every abandoned call; or,
when calls carry priority classes, a non-preemptive priority queue with hang-ups.

The algorithm walks the calls in arrival order and gives each the call-taker who is free
first. That is exact for a first-come-first-served queue: a caller who hangs up never holds a
call-taker, and a later caller can never start before an earlier one. Callbacks have lower
priority than incoming calls and never interrupt one: a call-taker makes a callback only in a
gap before the next incoming call arrives, which is exactly when no caller is waiting.

With priority classes a later caller can overtake an earlier one, so that walk no longer
holds: `_simulate_classes` runs the events in time order instead. A call-taker who comes
free takes the caller of the best class who has waited longest and not yet hung up (callers
who hung up are dropped as they are met: they never hold anyone); nobody is interrupted.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CallStream:
    """Calls in arrival order. Times in seconds from the start of the horizon."""

    arrival: FloatArray
    handle: FloatArray
    patience: FloatArray  # how long each caller would wait before hanging up (inf: never)
    callback_handle: FloatArray | None = None  # handle time of the callback, if it is needed
    priority: IntArray | None = None  # each call's class: 0 is served first (None: one class)

    def __post_init__(self) -> None:
        n = len(self.arrival)
        if len(self.handle) != n or len(self.patience) != n:
            raise ValueError("arrival, handle and patience must have the same length")
        if self.priority is not None and len(self.priority) != n:
            raise ValueError("priority must have one value per call")
        if self.callback_handle is not None and len(self.callback_handle) != n:
            raise ValueError("callback_handle must have one value per call")
        if n and (np.diff(self.arrival) < 0).any():
            raise ValueError("calls must be in arrival order")

    def __len__(self) -> int:
        return len(self.arrival)


@dataclass(frozen=True)
class Staffing:
    """Call-takers on duty in each interval; after the last interval, the last level holds."""

    interval_s: float
    agents: IntArray

    @classmethod
    def constant(cls, agents: int) -> Staffing:
        return cls(math.inf, np.array([agents], dtype=np.int64))

    def _next_on_duty(self) -> list[list[float]]:
        """For call-taker k and interval i: when k is next on duty from interval i on."""
        levels = self.agents
        table: list[list[float]] = []
        for k in range(int(levels.max(initial=0))):
            on = levels > k
            following = [math.inf] * len(levels)
            upcoming = math.inf
            for i in range(len(levels) - 1, -1, -1):
                if on[i]:
                    upcoming = i * self.interval_s if i else 0.0  # 0 x inf is NaN
                following[i] = upcoming
            table.append(following)
        return table


@dataclass(frozen=True)
class CallbackPolicy:
    delay_s: float = 0.0  # the earliest a callback is made after the caller hung up
    deadline_s: float = 600.0  # a callback later than this is counted as late


@dataclass
class SimResult:
    answered: BoolArray
    wait: FloatArray  # time to answer, or to hanging up
    callback_made: BoolArray
    callback_delay: FloatArray  # from hanging up to the callback starting (NaN: none)
    served_by: IntArray | None = None  # which call-taker answered each call (-1: nobody)
    busy_s: float = 0.0
    staffed_s: float = 0.0
    unfinished_callbacks: int = 0
    extras: dict[str, float] = field(default_factory=dict)

    def service_level(self, seconds: float) -> float:
        """Share of all offered calls answered by a person within `seconds` of arriving."""
        if len(self.answered) == 0:
            return 1.0
        return float((self.answered & (self.wait <= seconds)).mean())

    @property
    def abandonment(self) -> float:
        return float((~self.answered).mean()) if len(self.answered) else 0.0

    @property
    def mean_answer_wait(self) -> float:
        waits = self.wait[self.answered]
        return float(waits.mean()) if len(waits) else 0.0

    def callbacks_within_deadline(self, deadline_s: float) -> float:
        abandoned = ~self.answered
        if not abandoned.any():
            return 1.0
        in_time = self.callback_made & (self.callback_delay <= deadline_s)
        return float(in_time[abandoned].mean())


def _duty(
    staffing: Staffing,
) -> tuple[float, bool, list[int], int, list[list[float]], list[tuple[float, int]]]:
    """What both simulators read off the staffing: the interval, whether it is constant, the
    levels, the last interval, when each call-taker is next on duty, and the heap of
    (free since, who), whose front is whoever has been free longest."""
    levels = staffing.agents.tolist()
    next_on = staffing._next_on_duty()
    free = [(next_on[k][0], k) for k in range(len(next_on)) if next_on[k][0] < math.inf]
    heapq.heapify(free)
    interval = staffing.interval_s
    return interval, interval == math.inf, levels, len(levels) - 1, next_on, free


def simulate(
    calls: CallStream,
    staffing: Staffing,
    callbacks: CallbackPolicy | None = None,
) -> SimResult:
    if calls.priority is not None and len(np.unique(calls.priority)) > 1:
        if callbacks is not None:
            raise ValueError("callbacks are not simulated with priority classes")
        return _simulate_classes(calls, calls.priority, staffing)
    n = len(calls)
    arrival = calls.arrival.tolist()
    handle = calls.handle.tolist()
    patience = calls.patience.tolist()
    callback_handle = (
        calls.callback_handle if calls.callback_handle is not None else calls.handle
    ).tolist()
    # Python lists in the loop: element writes into numpy arrays cost several times more.
    answered = [False] * n
    wait = [0.0] * n
    callback_made = [False] * n
    callback_delay = [math.nan] * n
    served_by = [-1] * n

    interval, constant, levels, last, next_on, free = _duty(staffing)
    pending: list[tuple[float, int]] = []  # heap of (ready time, call index) of callbacks
    delay = callbacks.delay_s if callbacks else 0.0
    busy = 0.0
    pop, push = heapq.heappop, heapq.heappush

    def available(not_before: float) -> tuple[float, float, int] | None:
        """The call-taker who can start something first at or after `not_before`: when they
        can start, when they were free, and who. Off duty then: moved to their next shift."""
        while free:
            at, k = pop(free)
            start = at if at > not_before else not_before
            i = 0 if constant else int(start // interval)
            if k < levels[i if i < last else last]:
                return start, at, k
            resume = next_on[k][i] if i <= last else math.inf
            if resume < math.inf:
                push(free, (resume, k))
        return None

    def call_back(start: float, k: int, ready: float, original: int) -> None:
        nonlocal busy
        callback_made[original] = True
        callback_delay[original] = start - (ready - delay)
        busy += callback_handle[original]
        push(free, (start + callback_handle[original], k))

    for c in range(n):
        a = arrival[c]
        # Gaps before this caller arrives go to callbacks that are ready (callers come first).
        while pending and pending[0][0] < a:
            ready, original = pending[0]
            found = available(ready)
            if found is None:
                break
            start, at, k = found
            if start >= a:
                push(free, (at, k))
                break
            pop(pending)
            call_back(start, k, ready, original)
        # available(a), inlined: this line runs once per call.
        while free:
            at, k = pop(free)
            start = at if at > a else a
            i = 0 if constant else int(start // interval)
            if k < levels[i if i < last else last]:
                break
            resume = next_on[k][i] if i <= last else math.inf
            if resume < math.inf:
                push(free, (resume, k))
        else:  # nobody will ever be on duty again
            wait[c] = patience[c]
            if callbacks:
                push(pending, (a + patience[c] + delay, c))
            continue
        if start - a > patience[c]:
            wait[c] = patience[c]
            push(free, (at, k))
            if callbacks:
                push(pending, (a + patience[c] + delay, c))
        else:
            answered[c] = True
            served_by[c] = k
            wait[c] = start - a
            busy += handle[c]
            push(free, (start + handle[c], k))

    # After the last call: the remaining callbacks, in the order they became ready.
    unfinished = 0
    while pending:
        ready, original = pop(pending)
        found = available(ready)
        if found is None:
            unfinished = len(pending) + 1
            break
        start, _, k = found
        call_back(start, k, ready, original)

    horizon = arrival[-1] if n else 0.0
    staffed = _staffed_seconds(staffing, horizon)
    return SimResult(
        answered=np.array(answered, dtype=np.bool_),
        wait=np.array(wait, dtype=np.float64),
        callback_made=np.array(callback_made, dtype=np.bool_),
        callback_delay=np.array(callback_delay, dtype=np.float64),
        served_by=np.array(served_by, dtype=np.int64),
        busy_s=busy,
        staffed_s=staffed,
        unfinished_callbacks=unfinished,
    )


def _simulate_classes(calls: CallStream, priority: IntArray, staffing: Staffing) -> SimResult:
    """Non-preemptive priority classes, first come first served within a class, hang-ups."""
    n = len(calls)
    arrival = calls.arrival.tolist()
    handle = calls.handle.tolist()
    patience = calls.patience.tolist()
    ranks = {int(p): r for r, p in enumerate(np.unique(priority).tolist())}
    rank = [ranks[int(p)] for p in priority.tolist()]
    answered = [False] * n
    wait = [0.0] * n
    served_by = [-1] * n

    interval, constant, levels, last, next_on, free = _duty(staffing)
    queues: list[deque[int]] = [deque() for _ in ranks]
    waiting = 0
    busy = 0.0
    pop, push = heapq.heappop, heapq.heappush

    def off_duty(k: int, at: float) -> bool:
        """Off duty at `at`: back in the heap at their next shift (or gone for good)."""
        i = 0 if constant else int(at // interval)
        if k < levels[i if i < last else last]:
            return False
        resume = next_on[k][i] if i <= last else math.inf
        if resume < math.inf:
            push(free, (resume, k))
        return True

    def serve(c: int, start: float, k: int) -> None:
        nonlocal busy
        answered[c] = True
        served_by[c] = k
        wait[c] = start - arrival[c]
        busy += handle[c]
        push(free, (start + handle[c], k))

    c = 0
    while c < n or (waiting and free):
        coming = arrival[c] if c < n else math.inf
        if waiting and free and free[0][0] <= coming:
            at, k = pop(free)
            if off_duty(k, at):
                continue
            chosen = -1
            for queue in queues:
                while queue:
                    head = queue.popleft()
                    waiting -= 1
                    if arrival[head] + patience[head] < at:
                        wait[head] = patience[head]  # hung up before anyone was free
                        continue
                    chosen = head
                    break
                if chosen >= 0:
                    break
            if chosen >= 0:
                serve(chosen, at, k)
            else:
                push(free, (at, k))  # everyone waiting had hung up: idle from `at`
            continue
        # The next caller arrives: the call-taker free longest and on duty takes them.
        a = arrival[c]
        while free and free[0][0] <= a:
            at, k = pop(free)
            if not off_duty(k, a):
                serve(c, a, k)
                break
        else:
            queues[rank[c]].append(c)
            waiting += 1
        c += 1
    for queue in queues:  # nobody is on duty again: the rest hang up
        for head in queue:
            wait[head] = patience[head]

    horizon = arrival[-1] if n else 0.0
    return SimResult(
        answered=np.array(answered, dtype=np.bool_),
        wait=np.array(wait, dtype=np.float64),
        callback_made=np.zeros(n, dtype=np.bool_),
        callback_delay=np.full(n, math.nan),
        served_by=np.array(served_by, dtype=np.int64),
        busy_s=busy,
        staffed_s=_staffed_seconds(staffing, horizon),
    )


def _staffed_seconds(staffing: Staffing, horizon: float) -> float:
    if staffing.interval_s == math.inf:
        return float(staffing.agents[0]) * horizon
    whole = int(horizon // staffing.interval_s) + 1
    levels = np.resize(staffing.agents, max(whole, len(staffing.agents)))[:whole]
    return float(levels.sum() * staffing.interval_s)


def poisson_calls(
    rng: np.random.Generator,
    rate_per_s: FloatArray | float,
    horizon_s: float,
    aht_s: float,
    patience_s: float,
    interval_s: float | None = None,
) -> CallStream:
    """Poisson arrivals (constant rate, or one rate per interval), exponential handle times
    and patience: the Erlang A assumptions, for checking the simulator against the formulas."""
    rates = np.atleast_1d(np.asarray(rate_per_s, dtype=np.float64))
    width = interval_s if interval_s is not None else horizon_s
    starts = np.arange(len(rates)) * width
    chunks = []
    for start, rate in zip(starts, rates, strict=True):
        count = rng.poisson(rate * width)
        chunks.append(np.sort(rng.uniform(start, start + width, count)))
    arrival = np.concatenate(chunks) if chunks else np.empty(0)
    arrival = arrival[arrival < horizon_s]
    size = len(arrival)
    return CallStream(
        arrival=arrival,
        handle=rng.exponential(aht_s, size),
        patience=rng.exponential(patience_s, size)
        if math.isfinite(patience_s)
        else np.full(size, np.inf),
        callback_handle=rng.exponential(aht_s, size),
    )
