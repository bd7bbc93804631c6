from pathlib import Path

from django import forms

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
