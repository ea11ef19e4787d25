from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from safercity.staffing.forms import MAX_UPLOAD_BYTES
from safercity.staffing.models import DepartmentUnit, PatrolModel
from safercity.staffing.scenarios import STEP_KINDS


class WorkloadForm(forms.Form):
    start = forms.DateField(help_text="the first day counted")
    end = forms.DateField(help_text="the last day counted")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["start"].initial = today - timedelta(days=365)
        self.fields["end"].initial = today - timedelta(days=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The last day comes before the first.")
            data["end"] = end + timedelta(days=1)  # the services count [start, end)
        return data


class ModelForm(forms.ModelForm[PatrolModel]):
    class Meta:
        model = PatrolModel
        fields = ["target_share", "minimum_on_duty", "scheduled_hours", "vacation_hours",
                  "holiday_hours", "training_hours", "sick_hours", "other_hours",
                  "shift_starts"]  # fmt: skip
        labels = {"target_share": "Target share of time on workload"}

    def clean_shift_starts(self) -> str:
        text = self.cleaned_data["shift_starts"]
        try:
            hours = sorted({int(h) for h in text.replace(" ", "").split(",") if h})
        except ValueError:
            raise forms.ValidationError("Hours of the day, 0 to 23, with commas.") from None
        if not hours or not all(0 <= h <= 23 for h in hours):
            raise forms.ValidationError("Hours of the day, 0 to 23, with commas.")
        return ",".join(str(h) for h in hours)

    def clean_target_share(self) -> float:
        share = self.cleaned_data["target_share"]
        if not 0.2 <= share <= 0.95:
            raise forms.ValidationError("Between 0.20 and 0.95 (0.60 is the rule of 60).")
        return float(share)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.Meta.fields[2:-1]:
            value = data.get(name)
            if value is not None and not 0 <= value <= 8784:
                self.add_error(name, "Hours in a year: 0 to 8,784.")
        return data


class CallTypeForm(forms.Form):
    call_type = forms.CharField(max_length=20)
    extra_minutes = forms.FloatField(
        min_value=0, max_value=1440, label="Report and booking minutes", initial=0
    )
    civilian_suitable = forms.BooleanField(
        required=False, label="Civilian responders could take it"
    )
    note = forms.CharField(max_length=200, required=False)


class RosterUploadForm(forms.Form):
    roster = forms.FileField(
        help_text="CSV: district, start, end (date and time), and officers or post; or "
        "district, date, start and end times"
    )

    def clean_roster(self) -> Any:
        upload = self.cleaned_data["roster"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is over 50 MB.")
        return upload


class RosterShiftForm(forms.Form):
    district = forms.CharField(max_length=20)
    starts_at = forms.DateTimeField(label="On duty from", help_text="e.g. 2026-03-01 07:00")
    ends_at = forms.DateTimeField(label="Off duty at")
    officers = forms.IntegerField(min_value=1, max_value=500, initial=1)
    post = forms.CharField(max_length=40, required=False, help_text="car or beat (no names)")


class UnitForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=DepartmentUnit.Kind.choices)
    sworn = forms.IntegerField(min_value=0, max_value=20_000, label="Sworn positions")
    functions = forms.CharField(max_length=300, required=False, help_text="comma-separated")
    source = forms.CharField(max_length=300, required=False, help_text="where the figure is from")


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    target_share = forms.FloatField(
        required=False, min_value=0.2, max_value=0.95, label="Target share of time on workload",
        help_text="blank: the model's; 0.55 keeps 45% of patrol time proactive",
    )  # fmt: skip


class StepForm(forms.Form):
    kind = forms.ChoiceField(choices=list(STEP_KINDS.items()), label="Step")
    units = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Units (merge or eliminate)"
    )
    kept = forms.IntegerField(
        required=False, min_value=1, label="Sworn positions the merged unit keeps"
    )
    officers = forms.IntegerField(required=False, min_value=1, label="Officers to move")
    to = forms.ChoiceField(
        required=False, label="Move them to",
        choices=[("", "—"), ("patrol", "patrol"), ("investigations", "investigations")],
    )  # fmt: skip
    call_types = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Call types for civilians"
    )

    def __init__(self, *args: Any, units: list[str], call_types: list[tuple[str, str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u, u) for u in units]  # type: ignore[attr-defined]
        self.fields["call_types"].choices = call_types  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        units = data.get("units") or []
        if kind == "merge" and (len(units) < 2 or not data.get("kept")):
            raise forms.ValidationError("A merger needs two units or more and the positions kept.")
        if kind == "eliminate" and not units:
            raise forms.ValidationError("Choose the units to eliminate.")
        if kind == "move" and (not data.get("officers") or not data.get("to")):
            raise forms.ValidationError("Say how many officers move, and where to.")
        if kind == "civilianize" and not data.get("call_types"):
            raise forms.ValidationError("Choose the call types civilian responders take.")
        return data

    def step(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        step: dict[str, Any] = {"kind": kind}
        if kind in ("merge", "eliminate"):
            step["units"] = list(data["units"])
        if kind == "merge":
            step["kept"] = data["kept"]
        if kind == "move":
            step["officers"], step["to"] = data["officers"], data["to"]
        if kind == "civilianize":
            step["call_types"] = list(data["call_types"])
        return step
