"""The source form of the sources page: plain settings as JSON, secrets as write-only inputs."""

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sources.constants import SECRET_SETTINGS, SETTINGS_EXAMPLES, secret_label
from sources.fields import UnreadableCredentials
from sources.models import Source
from sources.services.accounts import SourceEdit, source_credentials_after, source_settings_validate
from sources.services.credentials import secret_display

# Kinds an admin can add here; file imports are created by uploading a file.
CREATABLE_KINDS = [(value, label) for value, label in Source.Kind.choices if value != Source.Kind.FILE_IMPORT]


@dataclass(frozen=True, slots=True)
class SecretInput:
    """One secret setting in the form: its write-only input, its "clear" box and what is stored now."""

    key: str
    label: str
    field: forms.BoundField
    clear: forms.BoundField | None
    current: str


class SourceForm(forms.Form):
    """Create or change a source of one kind. Secret inputs never show the stored value: left blank they
    keep it, typed in they replace it, and "clear" removes it."""

    name = forms.CharField(max_length=120)
    is_enabled = forms.BooleanField(required=False, label="Enabled", help_text="Poll this source.")
    poll_interval_minutes = forms.IntegerField(
        min_value=1,
        max_value=7 * 24 * 60,
        label="Poll every (minutes)",
        help_text="Polls slow to a quarter of this rate at 80% of the monthly budget, and after a rate "
        "limit the platform's reset time decides.",
    )
    monthly_budget_usd = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        label="Monthly budget (USD)",
        help_text="Polling stops when this month's spend reaches it. Empty: no limit.",
    )
    config = forms.CharField(
        required=False,
        label="Settings (JSON)",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "mono"}),
        help_text="The kind's settings other than secrets, as a JSON object; its guide lists every key.",
    )

    def __init__(self, *args: Any, kind: str, source: Source | None = None, **kwargs: Any):
        self.kind = kind
        self.source = source
        if source is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": source.name,
                    "is_enabled": source.is_enabled,
                    "poll_interval_minutes": source.poll_interval_minutes,
                    "monthly_budget_usd": source.monthly_budget_usd,
                    "config": json.dumps(source.config, indent=2, sort_keys=True),
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {
                    "is_enabled": True,
                    "poll_interval_minutes": 15,
                    "config": json.dumps(SETTINGS_EXAMPLES.get(kind, {}), indent=2),
                },
            )
        super().__init__(*args, **kwargs)
        for key in self.secret_keys:
            self.fields[f"secret_{key}"] = forms.CharField(
                required=False,
                label=secret_label(self.kind, key),
                # render_value=False: a re-displayed form (after an error) never carries the secret back.
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                strip=True,
            )
            if source is not None:
                self.fields[f"clear_{key}"] = forms.BooleanField(required=False, label="Clear")

    @property
    def secret_keys(self) -> tuple[str, ...]:
        return SECRET_SETTINGS.get(self.kind, ())

    @property
    def credentials_unreadable(self) -> bool:
        return self.source is not None and isinstance(self.source.credentials, UnreadableCredentials)

    def secret_inputs(self) -> list[SecretInput]:
        stored = {} if self.source is None or self.credentials_unreadable else self.source.credentials
        return [
            SecretInput(
                key=key,
                label=secret_label(self.kind, key),
                field=self[f"secret_{key}"],
                clear=self[f"clear_{key}"] if f"clear_{key}" in self.fields else None,
                current=secret_display(key, stored.get(key)),
            )
            for key in self.secret_keys
        ]

    def plain_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "is_enabled", "poll_interval_minutes", "monthly_budget_usd")]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Source.objects.filter(name__iexact=name)
        if self.source is not None:
            taken = taken.exclude(pk=self.source.pk)
        if taken.exists():
            raise ValidationError(f"Another source is already called “{name}”; choose another name.")
        return name

    def clean_config(self) -> dict[str, Any]:
        text = self.cleaned_data["config"].strip() or "{}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"This is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
            ) from None
        if not isinstance(value, dict):
            raise ValidationError('The settings must be a JSON object, e.g. {"lang": "en"}.')
        secrets = sorted(set(value) & set(self.secret_keys))
        if secrets:
            raise ValidationError(
                f"{', '.join(secrets)} {'is a secret' if len(secrets) == 1 else 'are secrets'}: remove "
                f"{'it' if len(secrets) == 1 else 'them'} from the settings and use the secret fields below, "
                "which are stored encrypted."
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for key in self.secret_keys:
            if cleaned.get(f"secret_{key}") and cleaned.get(f"clear_{key}"):
                self.add_error(f"secret_{key}", "Enter a new value or tick “Clear”, not both.")
        if self.errors or not cleaned.get("is_enabled"):
            # A disabled source may be saved half set up; it is checked when it is turned on.
            return cleaned
        settings = {**cleaned["config"], **self._credentials_after()}
        try:
            source_settings_validate(kind=self.kind, settings=settings)
        except ValidationError as error:
            prefix = (
                "The stored secrets cannot be read (the encryption key changed): enter them all again. "
                if self.credentials_unreadable
                else ""
            )
            self.add_error(None, prefix + " ".join(error.messages))
        return cleaned

    def edit(self) -> SourceEdit:
        """The submitted change, for source_create or source_update. Call after is_valid()."""
        data = self.cleaned_data
        return SourceEdit(
            name=data["name"],
            is_enabled=data["is_enabled"],
            poll_interval_minutes=data["poll_interval_minutes"],
            monthly_budget_usd=data["monthly_budget_usd"],
            config=data["config"],
            secrets={key: data[f"secret_{key}"] for key in self.secret_keys if data.get(f"secret_{key}")},
            secrets_cleared=frozenset(key for key in self.secret_keys if data.get(f"clear_{key}")),
        )

    def _credentials_after(self) -> dict[str, str]:
        edit = self.edit()
        if self.source is None:
            return dict(edit.secrets)
        return source_credentials_after(self.source, edit)
