"""The Technion "Anonymous Bank" call-centre trace (one row per call, times of day as H:MM:SS)."""

from __future__ import annotations

from safercity.core.tabular import FileRefused, read_table
from safercity.staffing.calls_csv import RejectedRow
from safercity.staffing.engine.replay import ObservedCall


def _seconds(text: str) -> int:
    hours, minutes, seconds = (int(part) for part in text.strip().split(":"))
    return hours * 3600 + minutes * 60 + seconds


def read_anonbank(data: str | bytes) -> tuple[list[ObservedCall], list[RejectedRow]]:
    """Calls that reached the agents' queue. Hang-ups inside the voice menu never reached an
    agent, and PHANTOM rows are the trace's own errors: both are reported, not replayed."""
    try:
        table = read_table(data, required=("outcome", "q_time", "q_start"))
    except FileRefused as refused:
        raise ValueError(str(refused)) from None
    calls: list[ObservedCall] = []
    rejected = [RejectedRow(r.line, r.reason) for r in table.rejected]
    for found in table.rows:
        line, row = found.line, found.values
        try:
            outcome = row["outcome"].strip()
            queued = int(row["q_time"])
            if outcome == "PHANTOM":
                raise ValueError("PHANTOM call (an error in the trace)")
            if outcome == "HANG" and queued == 0:
                raise ValueError("hung up in the voice menu, before reaching the queue")
            # The trace's priority class, as labelled (which the centre served first is
            # learnt from the day by the replay).
            text = (row.get("priority") or "0").strip() or "0"
            if not text.isdigit():
                raise ValueError(f"priority is not a number: {text!r}")
            rank = int(text)
            day = row.get("date", "").strip()
            if outcome == "AGENT":
                start = _seconds(row["q_start"]) if queued else _seconds(row["ser_start"])
                calls.append(
                    ObservedCall(
                        start,
                        queued,
                        False,
                        float(row["ser_time"]),
                        row["server"],
                        day=day,
                        priority=rank,
                    )
                )
            elif outcome == "HANG":
                calls.append(
                    ObservedCall(
                        _seconds(row["q_start"]),
                        queued,
                        True,
                        day=day,
                        priority=rank,
                    )
                )
            else:
                raise ValueError(f"unknown outcome {outcome!r}")
        except (KeyError, ValueError) as error:
            rejected.append(RejectedRow(line, str(error)))
    return calls, rejected
