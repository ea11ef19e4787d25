"""The use-of-force forms: the officer's report (the incident, then one form for each subject
and each officer: extra blank ones are ignored), a stage's finding, an extension, and the
ledger's hand-offs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from safercity.useofforce import engine
from safercity.useofforce.complaints import AllegationIn, ComplaintIn
from safercity.useofforce.models import (
    ALLEGATION_CATEGORIES,
    CAMERA,
    COMPLAINT_SOURCES,
    CONTACT_REASONS,
    ETHNICITIES,
    FINDINGS,
    LOCATION_TYPES,
    OUTCOMES,
    RACES,
    SEXES,
    Handoff,
)
from safercity.useofforce.services import IncidentIn, OfficerIn, SubjectIn


def _choices(values: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def _several(values: tuple[str, ...], label: str, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=_choices(values),
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class IncidentForm(forms.Form):
    case_number = forms.CharField(max_length=20, help_text="the department's case number")
    occurred_at = forms.DateTimeField(
        label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    cad_number = forms.CharField(max_length=30, required=False, label="CAD incident number",
                                 help_text="the call or stop it came from, if any")  # fmt: skip
    address = forms.CharField(max_length=300, required=False, help_text="where it happened")
    district = forms.CharField(max_length=20, required=False, label="Police district",
                               help_text="left blank: the CAD incident's")  # fmt: skip
    location_type = forms.ChoiceField(choices=_choices(LOCATION_TYPES))
    contact_reason = forms.ChoiceField(
        choices=_choices(CONTACT_REASONS), label="Reason for the first contact"
    )
    officers_applying_force = forms.IntegerField(
        min_value=1,
        max_value=200,
        required=False,
        help_text="all agencies' officers who used force; left blank, the officers listed",
    )
    ambush = forms.BooleanField(required=False, label="The officers were ambushed")
    supervisor_present = forms.BooleanField(
        required=False, label="A supervisor was present or consulted"
    )
    de_escalation_attempted = forms.BooleanField(
        required=False, label="De-escalation was attempted"
    )
    de_escalation_methods = _several(engine.DE_ESCALATION, "How")
    body_camera = forms.ChoiceField(choices=_choices(CAMERA), label="Body-worn camera")
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="what happened, in the officer's words (restricted)",
    )

    def clean_occurred_at(self) -> Any:
        moment = self.cleaned_data["occurred_at"]
        if moment > timezone.now():
            raise forms.ValidationError("The incident cannot be in the future.")
        return moment


class PersonForm(forms.Form):
    age = forms.IntegerField(min_value=0, max_value=120, required=False)
    sex = forms.ChoiceField(choices=_choices(SEXES), initial="unknown")
    races = _several(RACES, "Race")
    force_types = _several(tuple(engine.FORCE_LEVELS), "Force used")
    injury = forms.ChoiceField(choices=_choices(engine.INJURIES), initial="none")


class SubjectForm(PersonForm):
    field_order = [
        "age",
        "sex",
        "races",
        "ethnicity",
        "impairments",
        "resistance",
        "weapons",
        "force_types",
        "firearm_at_subject",
        "injury",
    ]
    ethnicity = forms.ChoiceField(choices=_choices(ETHNICITIES), initial="unknown")
    impairments = _several(engine.IMPAIRMENTS, "Apparent impairment")
    resistance = _several(engine.RESISTANCE, "Resistance")
    weapons = _several(engine.WEAPONS, "Believed to have")
    firearm_at_subject = forms.BooleanField(
        required=False, label="A firearm was discharged at them"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force_types"].label = "Force used on them"
        self.fields["force_types"].help_text = "left blank: hand control or escort"


class OfficerForm(PersonForm):
    field_order = [
        "employee_number",
        "name",
        "age",
        "sex",
        "races",
        "years_of_service",
        "on_duty",
        "force_types",
        "injury",
    ]
    employee_number = forms.CharField(max_length=20, help_text="restricted")
    name = forms.CharField(max_length=150, required=False, help_text="restricted; never published")
    years_of_service = forms.IntegerField(min_value=0, max_value=60, required=False)
    on_duty = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force_types"].required = True
        self.fields["force_types"].label = "Force this officer used"


class _SubjectSet(forms.BaseFormSet):  # type: ignore[type-arg]
    default_error_messages = {
        "too_few_forms": "Enter at least one subject.",
        "too_many_forms": "At most %(num)d subjects.",
    }


class _OfficerSet(forms.BaseFormSet):  # type: ignore[type-arg]
    default_error_messages = {
        "too_few_forms": "Enter at least one officer.",
        "too_many_forms": "At most %(num)d officers.",
    }


SubjectForms = forms.formset_factory(
    SubjectForm, formset=_SubjectSet, extra=2, min_num=1, validate_min=True, max_num=20
)
OfficerForms = forms.formset_factory(
    OfficerForm, formset=_OfficerSet, extra=2, min_num=1, validate_min=True, max_num=20
)


def incident_in(incident: IncidentForm, subjects: Any, officers: Any) -> IncidentIn:
    """The report as the service takes it, from valid forms (blank extra forms left out)."""
    data = incident.cleaned_data
    people = [f.cleaned_data for f in subjects if f.cleaned_data]
    staff = [f.cleaned_data for f in officers if f.cleaned_data]
    return IncidentIn(
        case_number=data["case_number"],
        occurred_at=data["occurred_at"],
        location_type=data["location_type"],
        contact_reason=data["contact_reason"],
        address=data["address"],
        officers_applying_force=data["officers_applying_force"],
        ambush=data["ambush"],
        supervisor_present=data["supervisor_present"],
        de_escalation_attempted=data["de_escalation_attempted"],
        de_escalation_methods=data["de_escalation_methods"],
        body_camera=data["body_camera"],
        narrative=data["narrative"],
        cad_number=data["cad_number"],
        district=data["district"],
        subjects=[SubjectIn(**s) for s in people],
        officers=[OfficerIn(**o) for o in staff],
    )


class FindingForm(forms.Form):
    finding = forms.CharField(max_length=200, help_text="what this stage found or decided")
    holder_next = forms.CharField(
        max_length=150,
        required=False,
        label="Next holder",
        help_text="who takes the file for the next stage",
    )


class ExtensionForm(forms.Form):
    days = forms.FloatField(min_value=0.5, max_value=365, help_text="more days for this stage")
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class HandoffForm(forms.Form):
    body = forms.ChoiceField(choices=Handoff.Body.choices, label="Send the file to")
    reference = forms.CharField(max_length=60, required=False, help_text="their case number")


class HandoffRecordForm(forms.Form):
    handoff = forms.IntegerField(widget=forms.HiddenInput)
    received_on = forms.DateField(
        required=False, label="Acknowledged on", widget=forms.DateInput(attrs={"type": "date"})
    )
    determined_on = forms.DateField(
        required=False, label="Determined on", widget=forms.DateInput(attrs={"type": "date"})
    )
    determination = forms.CharField(max_length=300, required=False)
    returned_on = forms.DateField(
        required=False, label="File returned on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("received_on", "determined_on", "returned_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, "That date has not come yet.")
        return data


class ComplaintForm(forms.Form):
    number = forms.CharField(max_length=20, help_text="the complaint's number")
    received_at = forms.DateTimeField(
        label="Received", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    source = forms.ChoiceField(choices=_choices(COMPLAINT_SOURCES))
    incident_case = forms.CharField(
        max_length=20, required=False, label="Use-of-force case",
        help_text="the case number, when the complaint is about a use of force",
    )  # fmt: skip
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text="restricted; never published",
    )  # fmt: skip
    complainant_age = forms.IntegerField(min_value=0, max_value=120, required=False,
                                         help_text="optional")  # fmt: skip
    complainant_sex = forms.ChoiceField(choices=[("", "not given"), *_choices(SEXES)],
                                        required=False)  # fmt: skip
    complainant_races = _several(RACES, "Complainant's race (optional)")


class AllegationForm(forms.Form):
    employee_number = forms.CharField(max_length=20, label="Officer's employee number")
    officer_name = forms.CharField(max_length=150, required=False, help_text="restricted")
    category = forms.ChoiceField(choices=[("", "choose"), *_choices(ALLEGATION_CATEGORIES)])


class _AllegationSet(forms.BaseFormSet):  # type: ignore[type-arg]
    default_error_messages = {"too_few_forms": "Enter at least one allegation.",
                              "too_many_forms": "At most %(num)d allegations."}  # fmt: skip


AllegationForms = forms.formset_factory(AllegationForm, formset=_AllegationSet, extra=3,
                                        min_num=1, validate_min=True, max_num=40)  # fmt: skip


def complaint_in(complaint: ComplaintForm, allegations: Any) -> ComplaintIn:
    data = complaint.cleaned_data
    return ComplaintIn(
        number=data["number"], received_at=data["received_at"], source=data["source"],
        summary=data["summary"], incident_case=data["incident_case"],
        complainant_age=data["complainant_age"], complainant_sex=data["complainant_sex"],
        complainant_races=data["complainant_races"],
        allegations=[AllegationIn(**f.cleaned_data) for f in allegations if f.cleaned_data],
    )  # fmt: skip


class DecisionForm(forms.Form):
    allegation = forms.IntegerField(widget=forms.HiddenInput)
    finding = forms.ChoiceField(choices=_choices(FINDINGS[1:]))
    outcome = forms.ChoiceField(choices=_choices(OUTCOMES), initial="none")
    suspension_days = forms.IntegerField(min_value=0, max_value=365, initial=0, required=False)


class PolicyForm(forms.Form):
    version = forms.CharField(max_length=40, help_text="e.g. Special Order 1-01 (2025)")
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(max_length=500, required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False,
                           help_text="the policy as published")  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stage in engine.STAGES:
            self.fields[_days_field(stage)] = forms.FloatField(
                min_value=0.1, max_value=730, required=False, label=f"Days for the {stage}",
                help_text=f"left blank: {engine.DEFAULT_DAYS[stage]:g} (the default)",
            )  # fmt: skip

    def stage_days(self) -> dict[str, float]:
        data = self.cleaned_data
        return {s: data[_days_field(s)] for s in engine.STAGES
                if data.get(_days_field(s)) is not None}  # fmt: skip


def _days_field(stage: str) -> str:
    return "days_" + stage.replace(" ", "_")


class PopulationForm(forms.Form):
    source = forms.CharField(max_length=300, help_text="where the figures come from")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, race in enumerate(RACES):
            self.fields[f"share_{n}"] = forms.FloatField(
                min_value=0, max_value=100, required=False, label=f"{race} (% of residents)"
            )

    def shares(self) -> dict[str, float | None]:
        data = self.cleaned_data
        return {race: None if data.get(f"share_{n}") is None else data[f"share_{n}"] / 100
                for n, race in enumerate(RACES)}  # fmt: skip


class ExportForm(forms.Form):
    month = forms.RegexField(
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text="YYYY-MM",
        error_messages={"invalid": "A month: YYYY-MM."},
    )
    year = forms.IntegerField(min_value=2019, max_value=2100, required=False)
