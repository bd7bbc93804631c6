from pathlib import Path

from django import forms

from enrichment.taxonomy import Category, Severity
from mentions.models import Platform

IMPORT_SUFFIXES = {".csv", ".jsonl", ".ndjson", ".json"}


class ImportFileForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with a header row, or JSON Lines (one object per line). Columns are listed below."
    )
    default_platform = forms.ChoiceField(
        choices=Platform.choices,
        initial=Platform.OTHER,
        help_text="Used for rows that do not name a platform.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in IMPORT_SUFFIXES:
            raise forms.ValidationError(
                "Choose a .csv or .jsonl file; other formats cannot be imported. "
                "Export from your other tool as CSV or JSON Lines."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


class MentionCorrectionForm(forms.Form):
    """A person's correction of the classifier's tags on one mention."""

    is_complaint = forms.TypedChoiceField(
        label="Is it a complaint?",
        choices=[("true", "Yes, a complaint"), ("false", "No")],
        coerce=lambda value: value == "true",
    )
    category = forms.ChoiceField(choices=[("", "—")] + list(Category.choices), required=False)
    severity = forms.ChoiceField(choices=[("", "—")] + list(Severity.choices), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_complaint"):
            if not cleaned.get("category"):
                self.add_error("category", "Choose what the complaint is about.")
            if not cleaned.get("severity"):
                self.add_error("severity", "Choose how serious the complaint is.")
        return cleaned
