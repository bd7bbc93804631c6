from django import forms
from django.contrib.auth.models import Group

from administration.roles import ROLES
from administration.selectors import ROLE_DESCRIPTIONS
from api.models import IntegrationToken


class RoleField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        description = ROLE_DESCRIPTIONS.get(obj.name)
        return f"{obj.name}: {description}" if description else obj.name


class IntegrationTokenForm(forms.Form):
    name = forms.CharField(
        max_length=120, help_text="The system that will use the token, e.g. “Salesforce Health Cloud”."
    )
    role = RoleField(
        queryset=Group.objects.filter(name__in=ROLES).order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The token may read and do at most what this role may.",
    )
    scope = forms.ChoiceField(
        choices=IntegrationToken.Scope.choices,
        widget=forms.RadioSelect,
        initial=IntegrationToken.Scope.READ,
        help_text="Read only never changes anything, whatever the role.",
    )
