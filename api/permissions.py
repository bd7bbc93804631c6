"""What a token may do: never more than its role, and only reads when it is read-only."""

from rest_framework import exceptions, permissions

from administration import roles
from api.models import IntegrationToken
from api.selectors import integration_token_permissions


class TokenRolePermission(permissions.BasePermission):
    """Checks the view's `required_permissions` (action name -> permissions; "*" for every action) against
    the token's role, and refuses writes to read-only tokens."""

    def has_permission(self, request, view) -> bool:
        integration = request.auth
        if not isinstance(integration, IntegrationToken):
            raise exceptions.NotAuthenticated("Send an integration token: “Authorization: Bearer <token>”.")
        if request.method not in permissions.SAFE_METHODS and not integration.can_write:
            raise exceptions.PermissionDenied("This token is read-only; ask an admin for a read-write token.")
        required = getattr(view, "required_permissions", {})
        action = getattr(view, "action", None) or request.method.lower()
        needed = required.get(action, required.get("*", ()))
        held = integration_token_permissions(integration=integration)
        missing = [name for name in needed if name not in held]
        if missing:
            raise exceptions.PermissionDenied(
                f"This token's role ({integration.role.name}) may not do this. "
                + roles.access_denied_message(missing[0])
            )
        return True
