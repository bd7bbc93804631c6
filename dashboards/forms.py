from django import forms

from tracking.models import Hospital


class WeeklySummaryForm(forms.Form):
    week_ending = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last day of the week as a date, like 2026-11-22."},
    )
    hospital = forms.ModelChoiceField(
        queryset=Hospital.objects.all(), to_field_name="slug", required=False, empty_label="All hospitals"
    )
