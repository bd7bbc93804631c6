"""URLs from a chart element to the mentions behind it, keeping the page's other filters."""

from datetime import date
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

# Filters the overview shows that the mention list does not take.
PAGE_ONLY = ("period", "page")


class MentionLinks:
    """Builds one link per bar; a chart has hundreds, so the page's own filters and each series' fixed
    filters are encoded once, and a bar only appends its dates."""

    def __init__(
        self, data: QueryDict, *, url_name: str = "mentions:mention_list", keep: tuple[str, ...] = ()
    ):
        self._base = {
            key: value for key, value in data.items() if value and (key not in PAGE_ONLY or key in keep)
        }
        self._list_url = reverse(url_name)
        self._encoded: dict[frozenset[str], str] = {}
        self._period_prefixes: dict[tuple, str] = {}

    def _base_without(self, keys: frozenset[str]) -> str:
        if keys not in self._encoded:
            self._encoded[keys] = urlencode({k: v for k, v in self._base.items() if k not in keys})
        return self._encoded[keys]

    def url(self, **overrides: str) -> str:
        """The list with the page's filters, overridden by these (an empty value removes a filter)."""
        base = self._base_without(frozenset(overrides))
        extra = urlencode({key: value for key, value in overrides.items() if value})
        return f"{self._list_url}?{'&'.join(part for part in (base, extra) if part)}"

    def in_period(self, first: date, last: date, **fixed: str) -> str:
        """url(date_from=first, date_to=last, **fixed), encoding the rest once per set of fixed filters."""
        key = tuple(sorted(fixed.items()))
        prefix = self._period_prefixes.get(key)
        if prefix is None:
            without_dates = self.url(**fixed, date_from="", date_to="")
            prefix = without_dates + ("" if without_dates.endswith("?") else "&") + "date_from="
            self._period_prefixes[key] = prefix
        # ISO dates need no escaping.
        return f"{prefix}{first.isoformat()}&date_to={last.isoformat()}"

    def sentiment_in_period(self, label: str, first: date, last: date) -> str:
        return self.in_period(first, last, sentiment=label)

    def category_in_period(self, category: str, first: date, last: date) -> str:
        return self.in_period(first, last, complaint="true", category=category)

    def platform(self, platform: str, sentiment: str) -> str:
        return self.url(platform=platform, sentiment=sentiment)

    def hospital(self, slug: str, sentiment: str) -> str:
        if sentiment == "complaints":
            return self.url(hospital=slug, complaint="true")
        return self.url(hospital=slug, sentiment=sentiment)
