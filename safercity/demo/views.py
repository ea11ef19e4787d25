from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.core.publication import suppress_series
from safercity.demo.engine import load_calibration


def calibration(request: HttpRequest) -> HttpResponse:
    """The calibration table, with the crime counts through the publication rules like any
    public output: a citywide count of 1 to 10 offenses is not shown."""
    rows = load_calibration().rows
    crime_rows = [r for r in rows if r.key.startswith("crimes_2019_ucr_")]
    cells, _ = suppress_series([int(r.value) for r in crime_rows])
    shown = {r.key: cell for r, cell in zip(crime_rows, cells, strict=True)}
    return render(
        request,
        "demo/calibration.html",
        {"rows": [(row, shown.get(row.key)) for row in rows]},
    )
