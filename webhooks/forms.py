from django import forms

from enrichment.taxonomy import Category, Severity
from tracking.models import Hospital
from webhooks.destinations import UnsafeDestination, endpoint_url_check
from webhooks.models import Event


class EndpointForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="Which system receives these, e.g. “Salesforce cases”.")
    url = forms.URLField(
        max_length=1000,
        label="URL",
        assume_scheme="https",
        help_text="Deliveries are POSTed here as JSON. Redirects are not followed.",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )
    hospital = forms.ModelChoiceField(
        queryset=Hospital.objects.order_by("name"), required=False, empty_label="Every hospital"
    )
    category = forms.ChoiceField(choices=[("", "Any category")] + list(Category.choices), required=False)
    min_severity = forms.ChoiceField(
        choices=[("", "Any severity")] + list(Severity.choices),
        required=False,
        label="Minimum severity",
        help_text="Cluster events have no severity and are not held back by it.",
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            endpoint_url_check(url)
        except UnsafeDestination as error:
            raise forms.ValidationError(str(error), code="unsafe_destination") from None
        return url
