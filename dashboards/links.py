"""URLs from a chart element to the mentions behind it, keeping the page's other filters."""

from datetime import date
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

# Filters the overview shows that the mention list does not take.
PAGE_ONLY = ("period", "page")


class MentionLinks:
    """Builds one link per bar; a chart has hundreds, so the page's own filters are encoded once per set
    of overridden keys rather than for every bar."""

    def __init__(self, data: QueryDict):
        self._base = {key: value for key, value in data.items() if value and key not in PAGE_ONLY}
        self._list_url = reverse("mentions:mention_list")
        self._encoded: dict[frozenset[str], str] = {}

    def _base_without(self, keys: frozenset[str]) -> str:
        if keys not in self._encoded:
            self._encoded[keys] = urlencode({k: v for k, v in self._base.items() if k not in keys})
        return self._encoded[keys]

    def url(self, **overrides: str) -> str:
        base = self._base_without(frozenset(overrides))
        extra = urlencode({key: value for key, value in overrides.items() if value})
        return f"{self._list_url}?{'&'.join(part for part in (base, extra) if part)}"

    def sentiment_in_period(self, label: str, first: date, last: date) -> str:
        return self.url(sentiment=label, date_from=first.isoformat(), date_to=last.isoformat())

    def category_in_period(self, category: str, first: date, last: date) -> str:
        return self.url(
            complaint="true", category=category, date_from=first.isoformat(), date_to=last.isoformat()
        )

    def platform(self, platform: str, sentiment: str) -> str:
        return self.url(platform=platform, sentiment=sentiment)

    def hospital(self, slug: str, sentiment: str) -> str:
        if sentiment == "complaints":
            return self.url(hospital=slug, complaint="true")
        return self.url(hospital=slug, sentiment=sentiment)
