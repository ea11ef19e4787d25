"""Forms of the requests, bulletins and tips pages (staff) and of the public tip pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safercity.core.inputs import plain_id
from safercity.core.roles import Role
from safercity.intelligence.deconfliction import OperationIn
from safercity.intelligence.models import (
    Bulletin,
    ContentValidity,
    InfoRequest,
    IntelRecord,
    Operation,
    Partner,
    Priority,
    SourceReliability,
    Tip,
)
from safercity.intelligence.rfi import AnswerIn, BulletinIn, FeedbackIn, RequestIn
from safercity.intelligence.services import RecordIn
from safercity.intelligence.tips import ABOUT, TipIn, TriageIn

_TEXT = {"rows": 3}
_YES_NO = [("yes", "Yes"), ("no", "No")]


def _staff_with(*roles: Role) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name__in=[r.value for r in roles]).distinct()


class RequestForm(forms.Form):
    direction = forms.ChoiceField(choices=InfoRequest.Direction.choices, label="The request is")
    priority = forms.ChoiceField(choices=Priority.choices)
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.all(), required=False,
        help_text="the agency asked, or asking (not for a request inside the department)",
    )  # fmt: skip
    requested_by = forms.CharField(
        max_length=200, required=False, label="Asked by",
        help_text="for a partner's request: its desk or official; empty for you",
    )  # fmt: skip
    question = forms.CharField(widget=forms.Textarea(attrs=_TEXT), max_length=4000)
    purpose = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=2000,
        help_text="the law-enforcement purpose: the case or inquiry (the need to know)",
    )  # fmt: skip

    def entered(self) -> RequestIn:
        return RequestIn(**self.cleaned_data)


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(
        queryset=_staff_with(Role.INTEL_ANALYST, Role.INTEL_SUPERVISOR, Role.PARTNER_LIAISON),
        label="Assign to",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Evaluated per form, so someone given the role today is in the list today.
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = _staff_with(
            Role.INTEL_ANALYST, Role.INTEL_SUPERVISOR, Role.PARTNER_LIAISON
        ).order_by("username")


class AnswerForm(forms.Form):
    answer = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=8000,
        help_text="the answer; or, when declining, why",
    )  # fmt: skip
    decline = forms.BooleanField(required=False, label="Decline the request")
    records = forms.CharField(
        max_length=400, required=False, label="Records given with the answer",
        help_text="record numbers, separated by commas; each is logged as a dissemination",
    )  # fmt: skip

    def clean_records(self) -> list[IntelRecord]:
        numbers = []
        for part in self.cleaned_data["records"].replace(";", ",").split(","):
            if not part.strip():
                continue
            number = plain_id(part.strip().lstrip("#"))
            if number is None:
                raise forms.ValidationError(f"{part.strip()!r} is not a record number")
            numbers.append(number)
        found = {r.pk: r for r in IntelRecord.objects.filter(pk__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(f"no record {missing[0]}")
        return [found[n] for n in dict.fromkeys(numbers)]

    def given(self) -> AnswerIn:
        data = self.cleaned_data
        return AnswerIn(answer=data["answer"], decline=data["decline"], records=data["records"])


class FeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        choices=_YES_NO, coerce=lambda answer: answer == "yes", widget=forms.RadioSelect,
        label="Was it useful?",
    )  # fmt: skip
    led_to = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=2000, label="What it led to",
        help_text="an arrest, a new lead, a case closed, nothing yet...",
    )  # fmt: skip

    def given(self) -> FeedbackIn:
        return FeedbackIn(
            useful=bool(self.cleaned_data["useful"]), led_to=self.cleaned_data["led_to"]
        )


class BulletinForm(forms.Form):
    kind = forms.ChoiceField(choices=Bulletin.Kind.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=8000, label="Bulletin",
        help_text="no record's content: records go out one by one, logged",
    )  # fmt: skip
    desks = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, required=False,
        label="Desks here", help_text="one per line (for example District 4 patrol)",
    )  # fmt: skip
    partners = forms.ModelMultipleChoiceField(
        queryset=Partner.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def entered(self) -> BulletinIn:
        data = self.cleaned_data
        return BulletinIn(
            kind=data["kind"], title=data["title"], body=data["body"],
            desks=data["desks"].splitlines(), partners=list(data["partners"]),
        )  # fmt: skip


class TriageForm(forms.Form):
    """Where a tip goes; the fields of the submission or the request it becomes are filled
    only for that route."""

    route = forms.ChoiceField(choices=Tip.Route.choices, widget=forms.RadioSelect)
    referred_to = forms.CharField(
        max_length=200, required=False, label="Referred to", help_text="the case number or unit"
    )
    subject = forms.CharField(max_length=300, required=False, label="Submission: subject")
    criminal_activity = forms.CharField(
        max_length=300, required=False, label="Submission: criminal activity"
    )
    predicate = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, required=False,
        label="Submission: criminal predicate",
        help_text="why the tip gives reasonable suspicion (an anonymous tip alone rarely does)",
    )  # fmt: skip
    relevance = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, required=False,
        label="Submission: relevance",
    )  # fmt: skip
    source_reliability = forms.ChoiceField(
        choices=SourceReliability.choices, initial=SourceReliability.UNKNOWN,
        label="Submission: source",
    )  # fmt: skip
    content_validity = forms.ChoiceField(
        choices=ContentValidity.choices, initial=ContentValidity.UNKNOWN,
        label="Submission: content validity",
    )  # fmt: skip
    priority = forms.ChoiceField(
        choices=Priority.choices, initial=Priority.ROUTINE, label="Request: priority"
    )
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.all(), required=False, label="Request: to partner",
        help_text="empty for a request inside the department",
    )  # fmt: skip
    question = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, required=False,
        label="Request: question",
    )  # fmt: skip
    message = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, required=False,
        label="Message to the tipster", help_text="required when nothing will be done",
    )  # fmt: skip

    def given(self, tip: Tip) -> TriageIn:
        data = self.cleaned_data
        record = request = None
        if data["route"] == Tip.Route.SUBMISSION:
            record = RecordIn(
                subject=data["subject"], criminal_activity=data["criminal_activity"],
                predicate=data["predicate"], relevance=data["relevance"], content=tip.text,
                source_reliability=data["source_reliability"],
                content_validity=data["content_validity"], submitting_agency="",
            )  # fmt: skip
        elif data["route"] == Tip.Route.REQUEST:
            partner = data["partner"]
            request = RequestIn(
                direction="outgoing" if partner else "internal", priority=data["priority"],
                question=data["question"], purpose=f"Follow-up of public tip {tip.pk}",
                partner=partner,
            )  # fmt: skip
        return TriageIn(
            route=data["route"], record=record, request=request,
            referred_to=data["referred_to"], message=data["message"],
        )  # fmt: skip


class OperationForm(forms.Form):
    kind = forms.ChoiceField(choices=Operation.Kind.choices)
    reference = forms.CharField(max_length=100, help_text="the owner's case or plan number")
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.all(), required=False, label="Owner",
        empty_label="this department", help_text="for a partner's operation it phoned in",
    )  # fmt: skip
    place = forms.CharField(
        max_length=300, help_text="an address or a corner (12th and Market), or a name with the "
        "point below",
    )  # fmt: skip
    latitude = forms.FloatField(required=False, help_text="only outside the city's addresses")
    longitude = forms.FloatField(required=False)
    radius_m = forms.IntegerField(
        min_value=25, max_value=5000, initial=150, label="Radius (metres)"
    )
    starts_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Starts"
    )
    ends_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Ends"
    )
    contact = forms.CharField(max_length=200, help_text="who to call, day and night")

    def entered(self) -> OperationIn:
        return OperationIn(**self.cleaned_data)


class MessageForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, label="Message to the tipster"
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=Tip.Outcome.choices)
    message = forms.CharField(
        widget=forms.Textarea(attrs=_TEXT), max_length=4000, label="Last message to the tipster",
        help_text="the outcome in general terms: never a name, an address or a record",
    )  # fmt: skip


# The public pages: said in the reader's language.


class TipForm(forms.Form):
    about = forms.ChoiceField(
        choices=[(key, _(label)) for key, label in ABOUT.items()], label=_("What is it about?")
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=8000, label=_("What do you know?"),
        help_text=_("What happened, who was involved, vehicles, anything that helps."),
    )  # fmt: skip
    where = forms.CharField(
        max_length=300, required=False, label=_("Where (optional)"),
        help_text=_("An address, a corner or a place."),
    )  # fmt: skip
    when = forms.CharField(max_length=200, required=False, label=_("When (optional)"))
    # Left empty by people; filled by the scripts that fill every field.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"])
        if len(text.split()) < 3:
            raise forms.ValidationError(_("Say a little more: a few words at least."))
        return text

    def entered(self) -> TipIn:
        data = self.cleaned_data
        return TipIn(about=data["about"], text=data["text"], where=data["where"], when=data["when"])

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class TipKeyForm(forms.Form):
    key = forms.CharField(
        max_length=40, label=_("Your tip key"), help_text=_("The key you were given, like 7K2M-…")
    )

    def clean_key(self) -> str:
        from safercity.intelligence.tips import key_hash

        key = str(self.cleaned_data["key"])
        if key_hash(key) is None:
            raise forms.ValidationError(_("That is not a tip key: it has 16 letters and numbers."))
        return key


class TipReplyForm(TipKeyForm):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, label=_("Your answer")
    )
    key = forms.CharField(max_length=40, widget=forms.HiddenInput)
