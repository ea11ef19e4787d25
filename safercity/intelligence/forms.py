from __future__ import annotations

from typing import Any

from django import forms

from safercity.intelligence.models import ContentValidity, Partner, SourceReliability
from safercity.intelligence.services import (
    CHECKLIST,
    MAX_RETENTION_DAYS,
    DisseminationIn,
    PartnerIn,
    RecordIn,
)

_TEXT = {"rows": 3}


class RecordForm(forms.Form):
    subject = forms.CharField(max_length=300, help_text="who or what the record is about")
    criminal_activity = forms.CharField(
        max_length=300, help_text="the definable criminal conduct or activity"
    )
    predicate = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, label="Criminal predicate",
        help_text="why there is reasonable suspicion that the subject is involved in it",
    )  # fmt: skip
    relevance = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000,
        help_text="how this information is relevant to that activity",
    )  # fmt: skip
    content = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    source_reliability = forms.ChoiceField(choices=SourceReliability.choices)
    content_validity = forms.ChoiceField(choices=ContentValidity.choices)
    submitting_agency = forms.CharField(
        max_length=200, required=False, help_text="leave empty for this department"
    )

    def entered(self) -> RecordIn:
        return RecordIn(**self.cleaned_data)


class ReviewForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=2000, required=False,
        label="Reviewer's note", help_text="said on a rejection, beside the criteria not met",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in CHECKLIST.items():
            self.fields[key] = forms.TypedChoiceField(
                label=question, choices=[("yes", "Yes"), ("no", "No")],
                coerce=lambda answer: answer == "yes", widget=forms.RadioSelect,
            )  # fmt: skip

    def answers(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data[key]) for key in CHECKLIST}


class DisseminationForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.all(), required=False,
        help_text="only partners with an agreement in force can receive a record",
    )  # fmt: skip
    recipient = forms.CharField(max_length=200, help_text="the desk or official it goes to")
    need_to_know = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=2000,
        help_text="the law-enforcement activity that needs it",
    )  # fmt: skip
    right_to_know = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=2000,
        help_text="the recipient's authority to have it",
    )  # fmt: skip
    imminent_danger = forms.BooleanField(
        required=False, label="To avert imminent danger to life or property (an assessment only)"
    )
    assessment = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, required=False,
        help_text="for imminent danger: what is said, instead of the record",
    )  # fmt: skip

    def given(self) -> DisseminationIn:
        return DisseminationIn(**self.cleaned_data)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs=_TEXT), max_length=2000)


class ValidateForm(ReasonForm):
    days = forms.IntegerField(
        min_value=1, max_value=MAX_RETENTION_DAYS, required=False, label="New period (days)",
        help_text="at most five years (1,826 days); empty for the city's period",
    )  # fmt: skip


class SearchForm(forms.Form):
    terms = forms.CharField(max_length=300, label="Search for")
    purpose = forms.CharField(
        max_length=300, label="Why", help_text="the case or inquiry this search is for (logged)"
    )


class PartnerForm(forms.Form):
    name = forms.CharField(max_length=200, label="Agency")
    jurisdiction = forms.CharField(max_length=200, required=False)
    agreement_reference = forms.CharField(max_length=200, required=False, label="Agreement")
    agreement_signed_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Signed on"
    )
    agreement_until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="In force until"
    )
    binds_to_part_23 = forms.BooleanField(
        required=False, label="The agreement binds the agency to 28 CFR Part 23's rules"
    )
    contact = forms.CharField(max_length=200, required=False, help_text="a desk, not a person")
    exchange_url = forms.CharField(
        max_length=200, required=False, label="Its installation's address",
        help_text="for the exchange API: where its SaferCity answers (https://...)",
    )  # fmt: skip
    exchange_key_id = forms.CharField(max_length=100, required=False, label="Its key id")
    exchange_public_key = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False,
        label="Its public key", help_text="the PEM block from its exchange page",
    )  # fmt: skip

    def entered(self) -> PartnerIn:
        return PartnerIn(**self.cleaned_data)
