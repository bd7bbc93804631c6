"""Rate limiting per token, counted in Redis so every web worker shares one count."""

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import IntegrationToken


class IntegrationTokenRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per token (e.g. "120/min"); over it, 429 with Retry-After."""

    scope = "integration"

    @property
    def cache(self):
        # Looked up per request rather than at import, so settings (and tests) choose the cache.
        return caches["api"]

    def get_rate(self) -> str | None:
        # Read per request: DRF copies the rates into the class at import, which a changed setting misses.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, IntegrationToken):
            return None  # Not signed in: refused by authentication, nothing to count.
        # The hash rather than the id: ids restart with a new database, hashes never repeat.
        return f"throttle:{self.scope}:{request.auth.key_hash[:32]}"
