"""A realistic 911 call stream for the demo: the demo city's calibrated demand for a window of
the day, played through the queue simulator (who answers when, who hangs up), as the phone
system's events in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from safercity.demo.engine import calls_911
from safercity.staffing.engine.simulate import CallbackPolicy, CallStream, Staffing, simulate


@dataclass(frozen=True)
class StreamEvent:
    at: datetime
    body: dict[str, object]


def demo_events(
    *,
    start: datetime,
    minutes: float,
    positions: int,
    scale: float = 1.0,
    seed: int = 1,
    speed: float = 1.0,
    run: str = "demo",
    played: datetime | None = None,
) -> list[StreamEvent]:
    """Events for `minutes` of calls from `start`; `speed` > 1 compresses time (and waits).
    Every call is marked as the exercise `run`, played at `speed`, so the server shrinks its
    deadlines to match and leaves the calls out of published figures. `played` chooses the day
    and hour whose calls are played (default `start`: a stream begun at midnight is quiet)."""
    played = played or start
    local_midnight = played.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = (played - local_midnight).total_seconds()
    arrival, handle, patience = calls_911(seed=seed, first_day=played.date(), days=1, scale=scale)
    window = (arrival >= offset) & (arrival < offset + minutes * 60)
    calls = CallStream(arrival[window] - offset, handle[window], patience[window])
    result = simulate(calls, Staffing.constant(positions), CallbackPolicy())
    served = result.served_by if result.served_by is not None else np.full(len(calls), -1)
    events: list[StreamEvent] = []

    def moment(seconds: float) -> datetime:
        return start + timedelta(seconds=float(seconds) / speed)

    for i in range(len(calls)):
        call_id = f"{run}-{i:06d}"
        arrived = calls.arrival[i]
        events.append(
            StreamEvent(
                moment(arrived),
                {
                    "kind": "offered",
                    "call_id": call_id,
                    "ani": f"314555{i % 10_000:04d}",
                    "exercise": run,
                    "time_scale": speed,
                },
            )
        )
        if result.answered[i]:
            answered = arrived + result.wait[i]
            events.append(
                StreamEvent(
                    moment(answered),
                    {"kind": "answered", "call_id": call_id, "position": f"P{int(served[i]) + 1}"},
                )
            )
            events.append(
                StreamEvent(
                    moment(answered + calls.handle[i]), {"kind": "released", "call_id": call_id}
                )
            )
        else:
            events.append(
                StreamEvent(
                    moment(arrived + result.wait[i]), {"kind": "abandoned", "call_id": call_id}
                )
            )
    events.sort(key=lambda e: e.at)
    for number, event in enumerate(events):
        event.body["event_id"] = f"{run}-e{number:07d}"
        event.body["at"] = event.at.isoformat()
    return events
