from django import forms
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from administration.selectors import (
    ROLE_DESCRIPTIONS,
    UserState,
    config_change_actors,
    config_change_object_types,
)
from administration.services import user_display_name, user_email_taken
from triage.models import Team


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """Roles as checkboxes, each labelled with what it allows."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Group) -> str:
        description = ROLE_DESCRIPTIONS.get(obj.name)
        return f"{obj.name}: {description}" if description else obj.name


class UserAccessForm(forms.Form):
    roles = RoleChoiceField(queryset=Group.objects.order_by("name"), required=False)
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Complaints can be routed to a team in the queue.",
    )


class UserInviteForm(UserAccessForm):
    # The email is also the username, which holds 150 characters.
    email = forms.EmailField(
        max_length=150,
        help_text="The invitation goes here; it is also what they sign in with.",
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)

    field_order = ["email", "first_name", "last_name", "roles", "teams"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if user_email_taken(email=email):
            raise forms.ValidationError(
                f"{email} already has an account. Find them in the user list to change their roles or "
                "resend their invitation.",
                code="duplicate",
            )
        return email


class UserSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or email"}),
    )
    state = forms.ChoiceField(choices=[("", "Anyone")] + list(UserState.choices), required=False)
    role = forms.ModelChoiceField(
        queryset=Group.objects.order_by("name"), required=False, empty_label="Any role"
    )


class ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_display_name(obj)


class ContentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ContentType) -> str:
        model = obj.model_class()
        return str(model._meta.verbose_name).capitalize() if model else obj.name


class ConfigChangeFilterForm(forms.Form):
    object_type = ContentTypeChoiceField(
        queryset=ContentType.objects.none(), required=False, empty_label="Anything"
    )
    actor = ActorChoiceField(queryset=None, required=False, empty_label="Anyone", label="Changed by")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the history holds, so every choice finds something.
        self.fields["object_type"].queryset = config_change_object_types()
        self.fields["actor"].queryset = config_change_actors()

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned
