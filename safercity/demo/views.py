from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.demo.engine import load_calibration


def calibration(request: HttpRequest) -> HttpResponse:
    return render(request, "demo/calibration.html", {"rows": load_calibration().rows})
