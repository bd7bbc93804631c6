from django import forms
from django.contrib.auth import get_user_model

from clusters.models import Cluster
from enrichment.taxonomy import Category, Severity
from mentions.filters import UPDATED_SINCE_HELP, UPDATED_SINCE_INVALID
from mentions.models import Mention, Platform
from tracking.models import Hospital, Location
from triage.models import OnCallContact, QueueItem, Reply, Team
from triage.selectors import SavedView, SlaState
from webhooks.destinations import UnsafeDestination, endpoint_url_check

OPEN_OR_CLOSED = [("open", "Open"), ("closed", "Closed"), ("all", "Any status")] + list(
    QueueItem.Status.choices
)


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "username")


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(choices=[("", "All")] + list(SavedView.choices), required=False)
    status = forms.ChoiceField(choices=OPEN_OR_CLOSED, required=False, initial="open")
    category = forms.ChoiceField(choices=[("", "Any category")] + list(Category.choices), required=False)
    hospital = forms.ModelChoiceField(
        queryset=Hospital.objects.all(), required=False, empty_label="Any hospital"
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.select_related("hospital"), required=False, empty_label="Any location"
    )
    platform = forms.ChoiceField(
        choices=[("", "All sources")] + list(Platform.choices), required=False, label="Source"
    )
    # Set by the link on a cluster's page; the page names the cluster and offers to clear it.
    cluster = forms.ModelChoiceField(queryset=Cluster.objects.all(), required=False, widget=forms.HiddenInput)
    sla_state = forms.ChoiceField(
        choices=[("", "Any SLA state")] + list(SlaState.choices), required=False, label="SLA"
    )
    assignee = forms.ModelChoiceField(queryset=_people(), required=False, empty_label="Anyone")
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, empty_label="Any team")
    # For integrations syncing incrementally (the API); hidden on the page.
    updated_since = forms.DateTimeField(
        required=False,
        widget=forms.HiddenInput,
        label="Updated since",
        help_text=UPDATED_SINCE_HELP,
        error_messages={"invalid": UPDATED_SINCE_INVALID},
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=_people(), required=False, empty_label="Nobody")
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False, empty_label="No team")


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=QueueItem.Status.choices)
    reason = forms.ChoiceField(choices=[("", "—")] + list(QueueItem.DismissReason.choices), required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=QueueItem.Outcome.choices)
    action_taken = forms.CharField(
        required=False, max_length=500, help_text="What changed because of it, if anything."
    )
    action_department = forms.CharField(
        required=False, max_length=200, label="Department that owns the change"
    )


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Internal note")


class HarmLevelForm(forms.Form):
    harm_level = forms.ChoiceField(choices=QueueItem.HarmLevel.choices, label="Harm level (set by a person)")


class CorrectForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices)
    severity = forms.ChoiceField(choices=Severity.choices)


class ReplyDraftForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, label="Reply draft")


class BulkForm(forms.Form):
    ACTIONS = [("assign", "Assign to"), ("dismiss", "Dismiss as"), ("category", "Change category to")]
    action = forms.ChoiceField(choices=ACTIONS)
    items = forms.ModelMultipleChoiceField(queryset=QueueItem.objects.all())
    assignee = forms.ModelChoiceField(queryset=_people(), required=False)
    reason = forms.ChoiceField(choices=[("", "—")] + list(QueueItem.DismissReason.choices), required=False)
    category = forms.ChoiceField(choices=[("", "—")] + list(Category.choices), required=False)

    def clean(self):
        cleaned = super().clean()
        needed = {"assign": "assignee", "dismiss": "reason", "category": "category"}.get(
            cleaned.get("action")
        )
        if needed and not cleaned.get(needed):
            self.add_error(needed, "Choose a value for this bulk action.")
        return cleaned


class ReplyPickForm(forms.Form):
    """Picks one of the item's own replies, so a form cannot act on another item's reply."""

    reply = forms.ModelChoiceField(queryset=Reply.objects.none())

    def __init__(self, *args, item: QueueItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].queryset = item.replies.all()


class ReplyElsewhereForm(forms.Form):
    url = forms.URLField(required=False, label="Link to the reply", assume_scheme="https")
    note = forms.CharField(required=False, max_length=1000, label="Or a note (e.g. called them privately)")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("note"):
            raise forms.ValidationError("Give a link to the reply or a note saying how it was handled.")
        return cleaned


class CaseLinkForm(forms.Form):
    other = forms.IntegerField(
        min_value=1,
        label="Queue item number",
        help_text="The number in the item's address, /queue/<number>/.",
    )

    def __init__(self, *args, item: QueueItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def clean_other(self):
        number = self.cleaned_data["other"]
        if number == self.item.pk:
            raise forms.ValidationError("That is this item; give the number of another one.")
        other = QueueItem.objects.select_related("mention").filter(pk=number).first()
        if other is None:
            raise forms.ValidationError(f"There is no queue item {number}.")
        return other


class ReasonsField(forms.Field):
    """The reasons shown with a suggestion, one hidden input each, kept with the decision."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> tuple[str, ...]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return tuple(str(reason).strip()[:300] for reason in values if str(reason).strip())[:6]


class LinkDecisionForm(forms.Form):
    """A suggested link a person confirms or rejects; score and reasons are kept with the decision."""

    mention = forms.ModelChoiceField(queryset=Mention.objects.defer("raw", "search_vector"))
    score = forms.FloatField(required=False, min_value=0, max_value=1)
    reasons = ReasonsField(required=False)


class EscalateForm(forms.Form):
    contact = forms.ModelChoiceField(queryset=OnCallContact.objects.all(), empty_label=None)
    note = forms.CharField(required=False, max_length=1000, label="Note for the contact")


class OnCallContactForm(forms.ModelForm):
    """The on-call rota's admin form: the webhook URL is refused, as a form error, wherever a webhook
    endpoint's would be (webhooks/destinations.py: loopback, private and metadata addresses)."""

    webhook_url = forms.URLField(
        max_length=500,
        required=False,
        assume_scheme="https",
        label="Webhook URL",
        help_text=OnCallContact._meta.get_field("webhook_url").help_text,
    )

    class Meta:
        model = OnCallContact
        fields = ["name", "email", "webhook_url", "on_call", "on_call_from", "on_call_until"]

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"]
        if url:
            try:
                endpoint_url_check(url)
            except UnsafeDestination as error:
                raise forms.ValidationError(str(error), code="unsafe_destination") from None
        return url
