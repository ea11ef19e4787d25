"""The code-enforcement case, as a table of states and the actions that move it.

complaint (311 or proactive) -> inspection scheduled -> inspected: violations with comply-by
dates, or none (closed) -> notice sent -> re-inspection scheduled -> complied (closed), or
citation -> court -> closed. A notice or citation can be appealed; the decision returns the case
to where it was or closes it.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"
    SCHEDULED = "scheduled"
    VIOLATIONS = "violations"
    NOTICE_SENT = "notice_sent"
    REINSPECTION = "reinspection"
    CITED = "cited"
    COURT = "court"
    APPEALED = "appealed"
    CLOSED = "closed"


class Action(StrEnum):
    SCHEDULE = "schedule"
    INSPECT_CLEAR = "inspect_clear"
    INSPECT_VIOLATIONS = "inspect_violations"
    NO_ACCESS = "no_access"
    SEND_NOTICE = "send_notice"
    SCHEDULE_REINSPECTION = "schedule_reinspection"
    REINSPECT_COMPLIED = "reinspect_complied"
    REINSPECT_NOT_COMPLIED = "reinspect_not_complied"
    REFER_TO_COURT = "refer_to_court"
    COURT_RESOLVED = "court_resolved"
    APPEAL = "appeal"
    APPEAL_GRANTED = "appeal_granted"
    APPEAL_DENIED = "appeal_denied"
    WITHDRAW = "withdraw"


LABELS = {
    State.RECEIVED: "Opened, inspection to schedule",
    State.SCHEDULED: "Inspection scheduled",
    State.VIOLATIONS: "Violations found",
    State.NOTICE_SENT: "Notice sent, awaiting comply-by date",
    State.REINSPECTION: "Re-inspection scheduled",
    State.CITED: "Citation issued",
    State.COURT: "In housing court",
    State.APPEALED: "Under appeal",
    State.CLOSED: "Closed",
}

TRANSITIONS: dict[State, dict[Action, State]] = {
    State.RECEIVED: {Action.SCHEDULE: State.SCHEDULED, Action.WITHDRAW: State.CLOSED},
    State.SCHEDULED: {
        Action.INSPECT_CLEAR: State.CLOSED,
        Action.INSPECT_VIOLATIONS: State.VIOLATIONS,
        Action.NO_ACCESS: State.RECEIVED,
        Action.SCHEDULE: State.SCHEDULED,
        Action.WITHDRAW: State.CLOSED,
    },
    State.VIOLATIONS: {Action.SEND_NOTICE: State.NOTICE_SENT},
    State.NOTICE_SENT: {
        Action.SCHEDULE_REINSPECTION: State.REINSPECTION,
        Action.APPEAL: State.APPEALED,
    },
    State.REINSPECTION: {
        Action.REINSPECT_COMPLIED: State.CLOSED,
        Action.REINSPECT_NOT_COMPLIED: State.CITED,
        Action.SCHEDULE_REINSPECTION: State.REINSPECTION,
    },
    State.CITED: {
        Action.SCHEDULE_REINSPECTION: State.REINSPECTION,
        Action.REFER_TO_COURT: State.COURT,
        Action.APPEAL: State.APPEALED,
    },
    State.COURT: {Action.COURT_RESOLVED: State.CLOSED},
    State.APPEALED: {Action.APPEAL_GRANTED: State.CLOSED},  # denied: back to where it was
    State.CLOSED: {},
}


class NotAllowed(ValueError):
    pass


def next_state(state: State, action: Action, *, before_appeal: State | None = None) -> State:
    if state is State.APPEALED and action is Action.APPEAL_DENIED:
        if before_appeal is None:
            raise NotAllowed("an appeal decision needs the state the case was in before it")
        return before_appeal
    allowed = TRANSITIONS[state]
    if action not in allowed:
        names = ", ".join(a.value for a in allowed) or "nothing (the case is closed)"
        raise NotAllowed(f"a case that is {LABELS[state].lower()} allows {names}; not {action}")
    return allowed[action]


def actions_from(state: State) -> list[Action]:
    found = list(TRANSITIONS[state])
    if state is State.APPEALED:
        found.append(Action.APPEAL_DENIED)
    return found
