from celery.schedules import crontab
from django import forms
from django.core.exceptions import ValidationError
from django_celery_beat import validators

# Field -> (label, what it accepts, django-celery-beat's validator of the same field).
CRONTAB_FIELD_RULES = {
    "minute": ("Minute", "a number from 0 to 59", validators.minute_validator),
    "hour": ("Hour", "a number from 0 to 23", validators.hour_validator),
    "day_of_month": ("Day of the month", "a number from 1 to 31", validators.day_of_month_validator),
    "month_of_year": (
        "Month",
        "a number from 1 (January) to 12 (December)",
        validators.month_of_year_validator,
    ),
    "day_of_week": (
        "Day of the week",
        "a number from 0 (Sunday) to 6 (Saturday) or a name such as mon",
        validators.day_of_week_validator,
    ),
}
SYNTAX_HINT = "* for every one, a list (1,15), a range (1-5) or a step (*/10)"


class PeriodicTaskForm(forms.Form):
    """A task's crontab, field by field as in a cron expression, and whether it runs at all."""

    minute = forms.CharField(max_length=240)
    hour = forms.CharField(max_length=96)
    day_of_month = forms.CharField(max_length=124)
    month_of_year = forms.CharField(max_length=64)
    day_of_week = forms.CharField(max_length=64)
    enabled = forms.BooleanField(
        required=False,
        help_text="When off, the scheduler stops sending this task until it is turned back on.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, accepts, _) in CRONTAB_FIELD_RULES.items():
            self.fields[name].label = label
            self.fields[name].help_text = f"{accepts[0].upper()}{accepts[1:]}, or {SYNTAX_HINT}."

    def _clean_crontab_field(self, name: str) -> str:
        value = self.cleaned_data[name]
        label, accepts, validate = CRONTAB_FIELD_RULES[name]
        problem = any(character.isspace() for character in value)
        if not problem:
            try:
                validate(value)
                crontab(**{name: value})
            except (ValidationError, ValueError):
                problem = True
        if problem:
            raise ValidationError(
                f"“{value}” is not a valid {label.lower()}. Use {accepts}, or {SYNTAX_HINT}, with no spaces.",
                code="invalid",
            )
        return value

    def clean_minute(self) -> str:
        return self._clean_crontab_field("minute")

    def clean_hour(self) -> str:
        return self._clean_crontab_field("hour")

    def clean_day_of_month(self) -> str:
        return self._clean_crontab_field("day_of_month")

    def clean_month_of_year(self) -> str:
        return self._clean_crontab_field("month_of_year")

    def clean_day_of_week(self) -> str:
        return self._clean_crontab_field("day_of_week")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            crontab(**{name: cleaned[name] for name in CRONTAB_FIELD_RULES})
        except ValueError:
            # Celery refuses a day of the month that none of the chosen months has (31 in February).
            raise ValidationError(
                "This schedule would never run: none of the chosen months has the chosen day of the month. "
                "Choose a day that exists in those months (February has 28 or 29 days; April, June, "
                "September and November have 30).",
                code="never_runs",
            ) from None
        return cleaned
