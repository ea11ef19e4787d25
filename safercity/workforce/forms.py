from __future__ import annotations

from django import forms

from safercity.workforce.employment import FIELDS as RECORD_FIELDS
from safercity.workforce.models import DIMENSIONS, PROCESSES
from safercity.workforce.services import FIELDS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class _Mapped(forms.Form):
    """An uploaded export whose columns the person names: one field for each of `COLUMNS`
    (left blank, the column of the field's own name)."""

    COLUMNS: tuple[str, ...] = ()
    SPLIT_BY = "year"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in self.COLUMNS:
            self.fields[f"column_{name}"] = forms.CharField(
                max_length=80,
                required=False,
                label=f"Column for {name.replace('_', ' ')}",
                help_text=f"left blank: {name}",
            )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is over 20 MB: split it by {self.SPLIT_BY}.")
        return upload

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"column_{name}") or "" for name in self.COLUMNS}


class ImportForm(_Mapped):
    COLUMNS, SPLIT_BY = FIELDS, "cycle"
    file = forms.FileField(help_text="a CSV export from the HR system")
    cycle = forms.CharField(
        max_length=80, required=False, help_text="for a file of one cycle: e.g. 2025 recruit class"
    )
    process = forms.ChoiceField(
        choices=[("", "from the stage"), *[(p, p) for p in PROCESSES]], required=False
    )


class AnalysisForm(forms.Form):
    cycle = forms.ChoiceField(choices=[])
    dimension = forms.ChoiceField(
        choices=[(k, v[0]) for k, v in DIMENSIONS.items()],
        initial="race_ethnicity",
        label="Groups by",
    )

    def __init__(self, *args: object, cycles: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["cycle"].choices = [(c, c) for c in cycles]  # type: ignore[attr-defined]


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), help_text="what the step's result comes from"
    )
    actions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="what will be done, by whom and when"
    )


class RecordsImportForm(_Mapped):
    COLUMNS = RECORD_FIELDS
    file = forms.FileField(help_text="a CSV export from the HR or internal-affairs system")


class YearForm(forms.Form):
    year = forms.TypedChoiceField(choices=[], coerce=int)
    dimension = forms.ChoiceField(
        choices=[(k, v[0]) for k, v in DIMENSIONS.items()],
        initial="race_ethnicity",
        label="Groups by",
    )

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].choices = [(y, y) for y in years]  # type: ignore[attr-defined]


class DimensionForm(forms.Form):
    dimension = forms.ChoiceField(
        choices=[(k, v[0]) for k, v in DIMENSIONS.items()],
        initial="race_ethnicity",
        label="Groups by",
    )


class PopulationForm(forms.Form):
    """Residents by group, in per cent, for one dimension."""

    source = forms.CharField(max_length=300, help_text="e.g. U.S. Census Bureau, 2020 Census")

    def __init__(self, *args: object, dimension: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.groups = DIMENSIONS[dimension][1]
        for n, group in enumerate(self.groups):
            self.fields[f"share_{n}"] = forms.DecimalField(
                label=f"{group} (% of residents)",
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
            )

    def shares(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for n, group in enumerate(self.groups):
            value = self.cleaned_data.get(f"share_{n}")
            out[group] = None if value is None else float(value) / 100
        return out
