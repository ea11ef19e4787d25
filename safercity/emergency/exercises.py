"""Exercises (a drill, the demo's call stream) are handled like any call and left out of every
published figure. Their calls are few, so they are found on their own and matched by id: never
by joining calls to incidents, which PostgreSQL, without statistics after a bulk load, planned
as a nested loop over every pair of rows (minutes for a year of history)."""

from __future__ import annotations

from safercity.emergency.models import Call


def exercise_call_ids() -> list[int]:
    """The ids of every exercise's calls."""
    return list(Call.objects.exclude(exercise="").values_list("pk", flat=True))
