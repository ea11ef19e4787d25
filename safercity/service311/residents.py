"""Resident pages: report a concern by address or map point (with a photo, anonymously if
you like), and follow it by its number or private link. English and Spanish."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safercity.core.actors import PublicActor
from safercity.core.geocode import Place, lookup, nearest, street_lines
from safercity.core.inputs import InputRefused, finite, plain_id
from safercity.core.models import Neighborhood
from safercity.core.uploads import image_response
from safercity.core.words import say
from safercity.service311.models import Service, ServiceAttribute, ServiceRequest
from safercity.service311.services import NewRequest, Open311Error, rate_limited, request_create

WEB = PublicActor("web")


def start(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list[Service]] = {}
    services = Service.objects.filter(active=True).order_by("group", "service_name")
    for service in sorted(services, key=lambda s: (say(s.group or "~"), say(s.service_name))):
        groups.setdefault(service.group or _("Other"), []).append(service)
    return render(request, "service311/start.html", {"groups": groups})


class ReportForm(forms.Form):
    address = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("House number and street, or the nearest corner"),
    )
    # After a typed address had no exact match: the suggestion the resident picked (an address
    # number from the list), or their word that it should go as written.
    choice = forms.IntegerField(required=False, widget=forms.HiddenInput)
    as_written = forms.BooleanField(
        label=gettext_lazy("Send it as written: 311 staff will find the place"), required=False
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    description = forms.CharField(
        label=gettext_lazy("What is wrong?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The 311 service checks the file really is an image (JPEG, PNG, GIF or WebP).
    photo = forms.FileField(
        label=gettext_lazy("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email (optional)"),
        required=False,
        help_text=gettext_lazy("Leave it empty to report anonymously"),
    )
    updates = forms.BooleanField(label=gettext_lazy("Email me when it changes"), required=False)

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        self.place: Place | None = None
        self.suggestions: list[Place] = []
        self.offer_as_written = False
        for attribute in service.attributes.all():
            self.fields[f"attribute_{attribute.code}"] = _field(attribute)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_point = data.get("lat") is not None and data.get("long") is not None
        typed = (data.get("address") or "").strip()
        if not has_point and not typed:
            self.add_error("address", _("Give an address, or choose the place on the map."))
        elif not has_point:
            self._place(typed, data)
        if data.get("updates") and not data.get("email"):
            self.add_error("email", _("Give an email address to get updates."))
        return data

    def _place(self, typed: str, data: dict[str, Any]) -> None:
        """The typed address matched with the city's list; suggestions when it does not match."""
        found = lookup(typed)
        chosen = data.get("choice")
        picked = [p for p in found.suggestions if p.address and p.address.pk == chosen]
        if found.place is not None or picked:
            self.place = found.place or picked[0]
            return
        if data.get("as_written"):
            return
        self.suggestions = found.suggestions
        self.offer_as_written = True
        if found.suggestions:
            message = _("“%(typed)s” is not on the city's address list. Did you mean one of these?")
        elif found.understood:
            message = _(
                "“%(typed)s” is not on the city's address list. Check the house number and "
                "street, choose the place on the map, or send it as written."
            )
        else:
            message = _(
                "Give a house number and street (for example 1200 Market St) or a corner "
                "(12th St and Market St), or choose the place on the map."
            )
        self.add_error("address", message % {"typed": typed})

    def attributes(self) -> dict[str, Any]:
        return {
            name.removeprefix("attribute_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("attribute_") and value not in (None, "", [])
        }


def _field(attribute: ServiceAttribute) -> forms.Field:
    choices = [(str(v["key"]), say(str(v["name"]))) for v in attribute.values]
    kinds = ServiceAttribute.Datatype
    common: dict[str, Any] = {
        "label": say(attribute.description),
        "required": attribute.required,
        "help_text": say(attribute.datatype_description),
    }
    if attribute.datatype == kinds.SINGLEVALUELIST:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if attribute.datatype == kinds.MULTIVALUELIST:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if attribute.datatype == kinds.NUMBER:
        return forms.DecimalField(**common)
    if attribute.datatype == kinds.DATETIME:
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common
        )
    if attribute.datatype == kinds.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, **common)
    return forms.CharField(max_length=300, **common)


def _where(form: ReportForm) -> dict[str, Any]:
    """Where the report is: the map point, the matched address or corner, or the words."""
    data, place = form.cleaned_data, form.place
    if data["lat"] is not None and data["long"] is not None:
        return {"lat": data["lat"], "long": data["long"], "address_string": data["address"] or ""}
    if place is not None and place.address is not None:
        return {"address_id": str(place.address.pk)}
    if place is not None:
        return {"lat": place.lat, "long": place.lon, "address_string": place.label}
    return {"address_string": data["address"] or ""}


def _value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def report(request: HttpRequest, service_code: str) -> HttpResponse:
    service = get_object_or_404(Service, service_code=service_code, active=True)
    posted = request.method == "POST"
    form = ReportForm(
        request.POST if posted else None, request.FILES if posted else None, service=service
    )
    status = 200
    if request.method == "POST":
        if rate_limited(request, "resident-web"):
            form.add_error(
                None, _("Too many reports from here in a minute. Please try again soon.")
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                created = request_create(
                    actor=WEB,
                    new=NewRequest(
                        service_code=service.service_code,
                        **_where(form),
                        attributes={k: _value(v) for k, v in form.attributes().items()},
                        description=data["description"],
                        email=data["email"] or "",
                        wants_email_updates=bool(data["updates"]),
                        language=translation.get_language() or "en",
                    ),
                    source=ServiceRequest.Source.WEB,
                    media=data["photo"],
                )
            except Open311Error as error:
                form.add_error(None, error.description)
            else:
                return redirect(reverse("service311:status", args=[created.token]) + "?new=1")
        status = 400 if status == 200 else status
    return render(
        request, "service311/report.html", {"service": service, "form": form}, status=status
    )


def _find(reference: str) -> ServiceRequest:
    found = ServiceRequest.objects.select_related(
        "service", "service__department", "nearest_address", "neighborhood"
    )
    number = plain_id(reference)
    if number is not None:
        return get_object_or_404(found, pk=number)
    try:
        return get_object_or_404(found, token=reference)
    except ValidationError:
        raise Http404("no such request") from None


def status(request: HttpRequest, token: str) -> HttpResponse:
    found = _find(token)
    notes = [n for n in found.notes.all() if n.public]
    return render(
        request,
        "service311/status.html",
        {
            "item": found,
            "notes": notes,
            "is_new": request.GET.get("new") == "1",
            # The photo is shown on the private link (the token), not on the page by number.
            "own_photo": bool(found.media) and str(found.token) == token,
        },
    )


def photo(request: HttpRequest, token: uuid.UUID) -> FileResponse:
    """The reporter's own photo, before and after review, for whoever holds the request's
    private link (its number alone shows only a published photo, in the Open311 feed)."""
    found = get_object_or_404(ServiceRequest, token=token)
    if not found.media:
        raise Http404("no photo")
    return image_response(str(found.media.name))


def find(request: HttpRequest) -> HttpResponse:
    reference = request.GET.get("reference", "").strip().lstrip("#")
    if reference:
        try:
            found = _find(reference)
        except Http404:
            return render(request, "service311/find.html", {"missing": reference}, status=404)
        return redirect(
            "service311:status", token=found.token if plain_id(reference) is None else found.pk
        )
    return render(request, "service311/find.html", {})


def neighborhoods_geojson(request: HttpRequest) -> JsonResponse:
    """The map's outline of the city: neighborhood names and shapes (public information)."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": n.name, "number": n.number},
            "geometry": n.geometry,
        }
        for n in Neighborhood.objects.all()
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def streets_geojson(request: HttpRequest) -> JsonResponse:
    """The map's streets when no tile source is configured: drawn from the address list."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": "LineString", "coordinates": line},
        }
        for name, line in street_lines()
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def nearest_json(request: HttpRequest) -> JsonResponse:
    """The address nearest a map point, so a resident hears where the point they set is."""
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
        finite(lat, "lat", -90, 90)
        finite(lon, "lon", -180, 180)
    except (KeyError, ValueError):
        return JsonResponse({"error": "lat and lon are required numbers"}, status=400)
    except InputRefused as refused:
        return JsonResponse({"error": str(refused)}, status=400)
    found = nearest(lat, lon)
    return JsonResponse({"address": str(found) if found else None})
