"""The group audit's forms: what staff type, checked before a service sees it (the services
check again: a command or a test calls them directly)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone

from safercity.core.models import Neighborhood
from safercity.violence.areas import neighborhoods_area
from safercity.violence.models import (
    Confidence,
    Group,
    GroupRelation,
    IncidentReview,
    Intervention,
)
from safercity.violence.services import PARTICIPANT_ROLES, Basis


class BasisForm(forms.Form):
    """Where a statement came from: every alias, area and relation form has these fields."""

    source = forms.CharField(max_length=300, help_text="a report, a meeting, a role: not a name")
    asserted_on = forms.DateField(label="Said on", widget=forms.DateInput(attrs={"type": "date"}))
    confidence = forms.ChoiceField(choices=Confidence.choices)

    def basis(self) -> Basis:
        data = self.cleaned_data
        return Basis(data["source"], data["asserted_on"], data["confidence"])

    def clean_asserted_on(self) -> Any:
        said = self.cleaned_data["asserted_on"]
        if said > timezone.localdate():
            raise forms.ValidationError("It cannot have been said in the future.")
        return said


class SessionForm(forms.Form):
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.CharField(max_length=200, help_text="the area or groups the session covered")
    participant_roles = forms.MultipleChoiceField(
        choices=[(r, r) for r in PARTICIPANT_ROLES],
        widget=forms.CheckboxSelectMultiple,
        label="Who took part (by role, never by name)",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GroupForm(forms.Form):
    name = forms.CharField(max_length=120)
    status = forms.ChoiceField(choices=Group.Status.choices, initial=Group.Status.ACTIVE)


class AliasForm(BasisForm):
    alias = forms.CharField(max_length=120)


class RelationForm(BasisForm):
    kind = forms.ChoiceField(choices=GroupRelation.Kind.choices)
    relation_basis = forms.CharField(
        max_length=300, label="What shows it", help_text="a dispute, an incident, a truce"
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"] = forms.ModelChoiceField(
            queryset=Group.objects.exclude(pk=group.pk), label="With group"
        )
        self.order_fields(["other", "kind", "relation_basis", "since", "until"])


class AreaForm(BasisForm):
    label = forms.CharField(max_length=120, help_text="blocks or a landmark, in words")
    geometry = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Outline (GeoJSON Polygon)",
        help_text='draw it on the map above, or paste {"type": "Polygon", "coordinates": ...}',
        max_length=200_000,
        required=False,
    )
    neighborhoods = forms.ModelMultipleChoiceField(
        queryset=Neighborhood.objects.all(),
        required=False,
        label="Or whole neighborhoods",
        help_text="the area is all of them together (hold Ctrl or Shift to choose several)",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def clean_geometry(self) -> Any:
        text = self.cleaned_data["geometry"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"This is not GeoJSON: {error.msg}.") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drawn, chosen = data.get("geometry"), data.get("neighborhoods")
        if "geometry" in self.errors:
            return data
        if drawn and chosen:
            raise forms.ValidationError("Draw an outline or choose neighborhoods, not both.")
        if not drawn and not chosen:
            raise forms.ValidationError("Draw the area on the map, or choose its neighborhoods.")
        if chosen:
            data["geometry"] = neighborhoods_area(list(chosen))
        return data


class ReviewForm(forms.Form):
    shooting = forms.TypedChoiceField(
        choices=[("yes", "yes: someone was shot"), ("no", "no: a gun was used or shown")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Was anyone shot?",
    )
    involvement = forms.ChoiceField(
        choices=[c for c in IncidentReview.Involvement.choices if c[0] != "pending"],
        widget=forms.RadioSelect,
        label="Group-member involvement",
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="only when group members were involved",
    )  # fmt: skip
    motive = forms.ChoiceField(choices=IncidentReview.Motive.choices)
    confidence = forms.ChoiceField(choices=Confidence.choices)


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(choices=Intervention.Kind.choices)
    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.ChoiceField(choices=Intervention.Outcome.choices)
    by_roles = forms.MultipleChoiceField(
        choices=[(r, r) for r in PARTICIPANT_ROLES], widget=forms.CheckboxSelectMultiple,
        label="Partner roles taking part",
    )  # fmt: skip
    attended = forms.IntegerField(required=False, min_value=0, help_text="call-ins only")
    services_offered = forms.CharField(required=False, max_length=300)
    referrals = forms.IntegerField(min_value=0, initial=0, label="Referrals made (a count)")
    notice = forms.ModelChoiceField(
        queryset=Intervention.objects.filter(kind__in=Intervention.NOTICES), required=False,
        label="Prior notice (enforcement only)",
    )  # fmt: skip
    trigger = forms.ModelChoiceField(
        queryset=IncidentReview.objects.exclude(involvement__in=["pending", "none", "unknown"]),
        required=False, label="Triggering incident (enforcement only)",
    )  # fmt: skip
    legal_basis = forms.CharField(required=False, max_length=300, help_text="enforcement only")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, kinds: set[str], services: bool, enforcement: bool,
                 **kwargs: Any) -> None:  # fmt: skip
        """Only the kinds this partner records, and only its side's fields."""
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101 - declared just above
        kind.choices = [(k, label) for k, label in Intervention.Kind.choices if k in kinds]
        if not services:
            for name in ("services_offered", "referrals"):
                del self.fields[name]
        if not enforcement:
            for name in ("notice", "trigger", "legal_basis"):
                del self.fields[name]


class ShootingReviewForm(forms.Form):
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    participant_roles = forms.MultipleChoiceField(
        choices=[(r, r) for r in PARTICIPANT_ROLES], widget=forms.CheckboxSelectMultiple,
        label="Who took part (by role)",
    )  # fmt: skip


class ActionForm(forms.Form):
    description = forms.CharField(max_length=300, label="Action")
    owner_role = forms.ChoiceField(choices=[(r, r) for r in PARTICIPANT_ROLES], label="Owner")
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    incident = forms.ModelChoiceField(
        queryset=IncidentReview.objects.all(), required=False, label="For the incident"
    )

    def __init__(self, *args: Any, agenda: list[IncidentReview], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["incident"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = IncidentReview.objects.filter(pk__in=[i.pk for i in agenda])


class PeerFileForm(forms.Form):
    file = forms.FileField(
        label="Peer cities' homicides (CSV)",
        help_text="city, state and a column per year (like 2015_murders), or city, state, year, "
        "homicides",
    )
    source = forms.CharField(
        max_length=300, help_text="Who published the figures, and where (e.g. FBI UCR)"
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is over 5 MB: a table of cities is far smaller.")
        return upload
