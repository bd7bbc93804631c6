from django import forms
from django.db.models.functions import Lower

from tracking.locales import language_code, region_code
from tracking.models import Clinician, Department, HealthSystem, Hospital, Location, TrackedTerm
from tracking.query import QuerySyntaxError, term_query

QUERY_HELP = (
    'One query language for every source. Phrases in double quotes ("St. Brigid\'s"), a single word may '
    "go bare; AND (or just a space), OR, NOT (or a leading -) and parentheses. Examples: "
    '"Mercy" AND (hospital OR ER OR clinic) NOT "have mercy" · "Riverside General" OR RGH · '
    '"Dr. Patel" AND (Riverside OR RGH). Empty: the name as a phrase.'
)


class HealthSystemForm(forms.ModelForm):
    class Meta:
        model = HealthSystem
        fields = ["name", "slug"]
        help_texts = {"slug": "Letters, digits and hyphens; used in addresses and exports."}


class HospitalForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Hospital
        fields = ["name", "slug", "system", "is_own", "website", "monthly_budget_usd"]
        labels = {"is_own": "Our own hospital", "monthly_budget_usd": "Monthly budget (USD)"}
        help_texts = {
            "slug": "Letters, digits and hyphens. Changing it makes every source fetch its history again."
        }


class _HospitalPartForm(forms.ModelForm):
    """A form for something that belongs to a hospital: its place choices are that hospital's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving it to another hospital would silently re-attribute its terms' history; add a new one.
            self.fields["hospital"].disabled = True
        hospital_id = self._hospital_id()
        for name, model in (("location", Location), ("department", Department), ("clinician", Clinician)):
            if name in self.fields:
                queryset = (
                    model.objects.all()
                    if hospital_id is None
                    else model.objects.filter(hospital_id=hospital_id)
                )
                self.fields[name].queryset = queryset

    def _hospital_id(self) -> int | None:
        if self.instance.pk:
            return self.instance.hospital_id
        if self.is_bound:
            value = self.data.get(self.add_prefix("hospital"))
            return int(value) if value and str(value).isdigit() else None
        if self.instance.hospital_id:
            return self.instance.hospital_id
        initial = self.initial.get("hospital")
        return getattr(initial, "pk", initial)

    def clean(self):
        cleaned = super().clean()
        hospital = cleaned.get("hospital") or getattr(self.instance, "hospital", None)
        for name in ("location", "department", "clinician"):
            value = cleaned.get(name)
            if value is not None and hospital is not None and value.hospital_id != hospital.pk:
                self.add_error(name, f"This {name} belongs to another hospital.")
        return cleaned


class LocationForm(_HospitalPartForm):
    class Meta:
        model = Location
        fields = ["hospital", "name", "city"]


class DepartmentForm(_HospitalPartForm):
    class Meta:
        model = Department
        fields = ["hospital", "location", "name", "kind"]
        labels = {"kind": "Department or service line"}


class ClinicianForm(_HospitalPartForm):
    class Meta:
        model = Clinician
        fields = ["hospital", "department", "name", "specialty"]


class TrackedTermForm(_HospitalPartForm):
    """A term: its hospital is chosen when it is created and stays; it can move between that hospital's
    places."""

    query_pointer = ""

    class Meta:
        model = TrackedTerm
        fields = [
            "hospital",
            "location",
            "department",
            "clinician",
            "kind",
            "text",
            "query",
            "language",
            "region",
            "is_active",
        ]
        labels = {"text": "Name", "is_active": "Active"}
        widgets = {
            "query": forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": "false"}),
            "language": forms.TextInput(attrs={"size": 4}),
            "region": forms.TextInput(attrs={"size": 4}),
        }
        help_texts = {"query": QUERY_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("location", "department", "clinician"):
            self.fields[name].empty_label = "— the whole hospital —"

    def clean_language(self) -> str:
        value = self.cleaned_data["language"].strip()
        code = language_code(value)
        if value and (not code or len(value) != 2):
            raise forms.ValidationError(
                f"“{value}” is not an ISO 639-1 language code: use two letters, such as en or es, and put "
                "the country in Region."
            )
        return code

    def clean_region(self) -> str:
        value = self.cleaned_data["region"].strip()
        code = region_code(value)
        if value and not code:
            hint = " (the United Kingdom is GB)" if value.upper() == "UK" else ""
            raise forms.ValidationError(
                f"“{value}” is not an ISO 3166-1 country code: use two letters, such as US or MX{hint}."
            )
        return code

    def clean(self):
        cleaned = super().clean()
        text, query = cleaned.get("text"), cleaned.get("query", "")
        hospital = cleaned.get("hospital")
        if text is None:
            return cleaned
        try:
            term_query(text, query)
        except QuerySyntaxError as error:
            self.add_error("query" if query.strip() else "text", str(error))
            self.query_pointer = error.pointer()
        if hospital is not None:
            same_name = TrackedTerm.objects.annotate(lower=Lower("text")).filter(
                hospital=hospital, lower=text.lower()
            )
            if same_name.exclude(pk=self.instance.pk).exists():
                self.add_error("text", f"{hospital} already has a term named “{text}”.")
        return cleaned


class TermPreviewForm(forms.Form):
    """The draft a preview runs: the term form's name and query, unsaved."""

    text = forms.CharField(max_length=200)
    query = forms.CharField(required=False, max_length=1000)
