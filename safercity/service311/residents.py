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
from safercity.core.inputs import plain_id
from safercity.core.models import Neighborhood
from safercity.core.uploads import image_response
from safercity.service311.models import Service, ServiceAttribute, ServiceRequest
from safercity.service311.services import NewRequest, Open311Error, rate_limited, request_create

WEB = PublicActor("web")


def start(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list[Service]] = {}
    for service in Service.objects.filter(active=True).order_by("group", "service_name"):
        groups.setdefault(service.group or _("Other"), []).append(service)
    return render(request, "service311/start.html", {"groups": groups})


class ReportForm(forms.Form):
    address = forms.CharField(
        label=gettext_lazy("Address"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("House number and street, or the nearest corner"),
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
        for attribute in service.attributes.all():
            self.fields[f"attribute_{attribute.code}"] = _field(attribute)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_point = data.get("lat") is not None and data.get("long") is not None
        if not has_point and not (data.get("address") or "").strip():
            raise ValidationError(_("Give an address, or choose the place on the map."))
        if data.get("updates") and not data.get("email"):
            self.add_error("email", _("Give an email address to get updates."))
        return data

    def attributes(self) -> dict[str, Any]:
        return {
            name.removeprefix("attribute_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("attribute_") and value not in (None, "", [])
        }


def _field(attribute: ServiceAttribute) -> forms.Field:
    choices = [(str(v["key"]), str(v["name"])) for v in attribute.values]
    kinds = ServiceAttribute.Datatype
    common: dict[str, Any] = {
        "label": attribute.description,
        "required": attribute.required,
        "help_text": attribute.datatype_description,
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
                        lat=data["lat"],
                        long=data["long"],
                        address_string=data["address"] or "",
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
    found = ServiceRequest.objects.select_related("service", "service__department")
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
