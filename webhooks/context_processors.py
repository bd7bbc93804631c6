"""The notice every page shows the people who manage webhooks while an endpoint is paused."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from webhooks.selectors import endpoints_paused

VIEW_ENDPOINT = "webhooks.view_endpoint"


def paused_webhooks(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(VIEW_ENDPOINT):
        return {"paused_webhooks": []}
    # Lazy: the query runs only on pages that render the notice.
    return {"paused_webhooks": SimpleLazyObject(lambda: list(endpoints_paused()))}
