"""Reads for integration tokens and the permissions a token carries."""

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from api.models import IntegrationToken


def integration_token_list() -> QuerySet[IntegrationToken]:
    """Every token, active ones first, newest first, with who made and revoked it."""
    return IntegrationToken.objects.select_related("role", "created_by", "revoked_by")


def integration_token_permissions(*, integration: IntegrationToken) -> frozenset[str]:
    """The "app_label.codename" permissions of the token's role, read from the role on every request, so a
    role changed by an admin applies to its tokens at once. Kept on the instance for the request."""
    cached = getattr(integration, "_role_permissions", None)
    if cached is None:
        rows = Group.objects.filter(pk=integration.role_id).values_list(
            "permissions__content_type__app_label", "permissions__codename"
        )
        cached = frozenset(f"{app}.{codename}" for app, codename in rows if app and codename)
        integration._role_permissions = cached
    return cached
