"""The public crime dashboard: the homicide goal, CompStat by district, open data files."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from safercity.accountability.selectors import goal_from
from safercity.core.charts import in_language
from safercity.core.rollups import rollup_read
from safercity.crime import rollups
from safercity.crime.compstat import PERIODS
from safercity.crime.publish import FILES


def dashboard(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("crime:dashboard")
    data = dict(snapshot.data)
    data["chart"] = in_language(data.get("charts", {}), "")
    data["notes"] = in_language(data.get("notes_by_language", {}), [])
    as_of = date.fromisoformat(data["as_of"]) if data["as_of"] else None
    requested = request.GET.get("as_of", "")
    if requested:
        try:
            as_of = date.fromisoformat(requested)
        except ValueError:
            return render(
                request,
                "crime/dashboard.html",
                {"error": _("as_of must be a date like 2019-06-30")},
                status=400,
            )
        data.update(rollups.tables_for_day(as_of, snapshot.computed_at.isoformat()))
    folder = settings.VAR_DIR / "public" / "crime"
    context = {
        "as_of": as_of,
        "computed_at": snapshot.computed_at,
        "goal": goal_from(data["goal"]),
        # Drawn by our own chart renderer from counts (vl-convert escapes every label).
        "chart": mark_safe(data["chart"]) if data["chart"] else None,  # noqa: S308
        "tables": data["tables"],
        "notes": data.get("notes", []),
        "periods": PERIODS,
        "files": [name for name in FILES if (folder / name).exists()],
    }
    return render(request, "crime/dashboard.html", context)


def download(request: HttpRequest, name: str) -> FileResponse:
    if name not in FILES:
        raise Http404("no such file")
    path = settings.VAR_DIR / "public" / "crime" / name
    if not path.exists():
        raise Http404("not published yet")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"stl-crime-{name}")
