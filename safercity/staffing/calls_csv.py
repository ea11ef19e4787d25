"""Read a call history CSV: one row per call, `arrived_at` and `handle_s` (seconds).

Optional: `wait_s` and `abandoned` (0/1 or yes/no), which let the callers' patience be
estimated. The handle time is averaged over answered calls only: a caller who hung up while
waiting was never handled (their handle time, usually 0, would pull the average down and the
plan would staff too few). Times without an offset are taken as the city's local time. Every
row that cannot be used is reported with its reason; nothing is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from safercity.core.tabular import FileRefused, read_table

TRUE = {"1", "y", "yes", "true", "t"}
FALSE = {"0", "n", "no", "false", "f", ""}


@dataclass
class RejectedRow:
    line: int
    reason: str


@dataclass
class CallHistory:
    arrivals: list[datetime] = field(default_factory=list)  # local, timezone-aware
    handle_s: list[float] = field(default_factory=list)
    # Whether each call was handled: not abandoned, or (with no outcome column) a handle time.
    handled: list[bool] = field(default_factory=list)
    waits_s: list[float] = field(default_factory=list)  # only where both wait and outcome known
    abandoned: list[bool] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def answered_handles(self) -> list[float]:
        return [h for h, handled in zip(self.handle_s, self.handled, strict=True) if handled]

    @property
    def mean_handle_s(self) -> float:
        """Mean handle time of the answered calls (abandoned ones were never handled)."""
        handles = self.answered_handles
        return sum(handles) / len(handles) if handles else 0.0

    def patience_s(self) -> float | None:
        """Mean patience, assuming it is exponential: hang-ups / total time spent waiting
        (a caller who was answered waited without hanging up: a censored observation)."""
        hung_up = sum(self.abandoned)
        waited = sum(self.waits_s)
        if hung_up == 0 or waited <= 0:
            return None
        return waited / hung_up


def _number(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} is not a number: {text!r}") from None
    if value < 0 or value != value:
        raise ValueError(f"{name} must be zero or more: {text!r}")
    return value


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"arrived_at is not an ISO 8601 date and time: {text!r}") from None


def read_call_history(data: str | bytes, zone: ZoneInfo) -> CallHistory:
    try:
        table = read_table(data, required=("arrived_at", "handle_s"))
    except FileRefused as refused:
        raise ValueError(str(refused)) from None
    history = CallHistory()
    history.rejected.extend(RejectedRow(r.line, r.reason) for r in table.rejected)
    for found in table.rows:
        line, row = found.line, found.values
        try:
            arrived = _moment((row.get("arrived_at") or "").strip())
            arrived = arrived.replace(tzinfo=zone) if arrived.tzinfo is None else arrived
            handle = _number((row.get("handle_s") or "").strip(), "handle_s")
            outcome = (row.get("abandoned") or "").strip().lower()
            if outcome not in TRUE | FALSE:
                raise ValueError(f"abandoned must be yes or no: {outcome!r}")
            wait_text = (row.get("wait_s") or "").strip()
            wait = _number(wait_text, "wait_s") if wait_text else None
        except ValueError as error:
            history.rejected.append(RejectedRow(line, str(error)))
            continue
        history.arrivals.append(arrived.astimezone(zone))
        history.handle_s.append(handle)
        known = "abandoned" in row and bool(outcome)
        history.handled.append(outcome in FALSE if known else handle > 0)
        if wait is not None and "abandoned" in row:
            history.waits_s.append(wait)
            history.abandoned.append(outcome in TRUE)
    return history
