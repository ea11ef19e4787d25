"""The use-of-force board (issue 19, first page): every open case with its review path, the
stage it is at, when that stage is due, and who holds the file, overdue first. Case numbers
and stages only: no subject or officer is shown here (their records are read, audited, on
the case's page, still to come)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safercity.core.roles import role_required
from safercity.useofforce.models import ForceIncident, Stage
from safercity.useofforce.services import READERS, REPORTERS, open_stage, who_holds

BOARD_ROLES = tuple(dict.fromkeys((*REPORTERS, *READERS)))


@dataclass(frozen=True)
class Row:
    incident: ForceIncident
    stage: Stage | None
    holder: str
    overdue: bool


@role_required(*BOARD_ROLES)
def board_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = []
    for incident in ForceIncident.objects.exclude(status=ForceIncident.Status.CLOSED):
        stage = open_stage(incident)
        rows.append(Row(incident, stage, who_holds(incident), bool(stage and stage.due_at < now)))
    rows.sort(key=lambda r: (not r.overdue, r.stage.due_at if r.stage else now))
    closed = ForceIncident.objects.filter(status=ForceIncident.Status.CLOSED).count()
    return render(request, "useofforce/board.html", {"rows": rows, "closed": closed})
