from __future__ import annotations

from datetime import time

from django import forms

from safercity.equity.models import Organization, Referral, Service
from safercity.equity.services import DAYS


class ServiceForm(forms.ModelForm[Service]):
    url = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Service
        fields: tuple[str, ...] = (
            "name", "kind", "status", "description", "eligibility_description", "minimum_age",
            "maximum_age", "application_process", "fees_description", "languages", "phone",
            "email", "url",
        )  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
        }


class NewServiceForm(ServiceForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.all())

    class Meta(ServiceForm.Meta):
        fields = ("organization", *ServiceForm.Meta.fields)


class OrganizationForm(forms.ModelForm[Organization]):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Organization
        fields = ("name", "alternate_name", "description", "phone", "email", "website")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CapacityForm(forms.Form):
    unit = forms.CharField(max_length=40, help_text="bed, slot, appointment...")
    available = forms.IntegerField(min_value=0, max_value=1_000_000, help_text="free now")
    maximum = forms.IntegerField(min_value=0, max_value=1_000_000, required=False)
    description = forms.CharField(max_length=300, required=False,
                                  help_text="e.g. beds for men 18 and over")  # fmt: skip


class HoursForm(forms.Form):
    hours = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One opening a line: days, then hours. MO-FR 09:00-17:00 or SA,SU 10:00-14:00. "
        "Blank: no set hours.",
    )

    def clean_hours(self) -> list[tuple[list[str], time, time]]:
        found = []
        for n, line in enumerate(self.cleaned_data["hours"].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                days_text, span = line.split()
                opens_text, closes_text = span.split("-")
                opens, closes = time.fromisoformat(opens_text), time.fromisoformat(closes_text)
            except ValueError:
                raise forms.ValidationError(f"Line {n}: write it as MO-FR 09:00-17:00.") from None
            days = _days(days_text.upper())
            if days is None:
                raise forms.ValidationError(f"Line {n}: days are MO TU WE TH FR SA SU.")
            found.append((days, opens, closes))
        return found


def _days(text: str) -> list[str] | None:
    days: list[str] = []
    for part in text.split(","):
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in DAYS or last not in DAYS:
                return None
            days += DAYS[DAYS.index(first) : DAYS.index(last) + 1]
        elif part in DAYS:
            days.append(part)
        else:
            return None
    return days


class ImportForm(forms.Form):
    file = forms.FileField(help_text="HSDS 3.0 services as JSON (a list, an API page, or "
                           '{"services": [...]})')  # fmt: skip


class ProviderForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="an account holding the provider role")
    organization = forms.ModelChoiceField(queryset=Organization.objects.all())


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(status=Service.Status.ACTIVE).select_related(
            "organization"
        ),
        help_text="active services only",
    )
    source = forms.ChoiceField(choices=Referral.Source.choices)
    source_reference = forms.CharField(
        max_length=60, required=False, label="Reference",
        help_text="the 911 call's id, the 311 request's number, the program's case",
    )  # fmt: skip
    person_name = forms.CharField(max_length=120, label="Name",
                                  help_text="a first name will do")  # fmt: skip
    contact = forms.CharField(max_length=200, help_text="how the provider reaches them")
    needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
        help_text="only what the provider needs to know",
    )  # fmt: skip
    consent = forms.ChoiceField(
        choices=[("", "— the person has not consented —"), *Referral.Consent.choices],
        required=False,
        help_text="no referral is sent without it",
    )


class ReferralStepForm(forms.Form):
    status = forms.ChoiceField(choices=Referral.Status.choices, label="Record")
    note = forms.CharField(
        max_length=300,
        required=False,
        help_text="why, when declined or withdrawn (no personal details)",
    )
