"""Token authentication for integrations: `Authorization: Bearer hl_…`."""

from rest_framework import authentication, exceptions

from api.services import integration_token_authenticate

KEYWORD = "Bearer"


class IntegrationTokenAuthentication(authentication.BaseAuthentication):
    """Signs the request in as the token's integration account; request.auth is the IntegrationToken."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as “Authorization: Bearer <token>”.")
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The token has characters a token never has.") from None
        integration = integration_token_authenticate(token=token)
        if integration is None:
            raise exceptions.AuthenticationFailed("This token is unknown or has been revoked.")
        return integration.account, integration

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when no token is sent.
        return f'{KEYWORD} realm="api"'
