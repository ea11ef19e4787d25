from django import forms

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class PlanForm(forms.Form):
    calls = forms.FileField(
        required=False,
        help_text="CSV with arrived_at and handle_s; wait_s and abandoned if you have them",
    )
    use_demo = forms.BooleanField(required=False, label="Use the demo city's 911 history")
    shrinkage = forms.FloatField(min_value=0, max_value=0.9, initial=0.3)
    aht_s = forms.FloatField(required=False, min_value=1, label="Average handle time (s)")
    patience_s = forms.FloatField(required=False, min_value=1, label="Callers' mean patience (s)")
    week_start = forms.DateField(required=False, help_text="A Monday; default: the next one")

    def clean_calls(self) -> object:
        upload = self.cleaned_data.get("calls")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is over 50 MB.")
        return upload

    def clean_week_start(self) -> object:
        day = self.cleaned_data.get("week_start")
        if day and day.weekday() != 0:
            raise forms.ValidationError("A plan starts on a Monday.")
        return day

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("calls") and not data.get("use_demo"):
            raise forms.ValidationError("Choose a call history file, or the demo history.")
        return data
