"""URLs from a chart element to the mentions behind it, keeping the page's other filters."""

from datetime import date

from django.http import QueryDict
from django.urls import reverse

# Filters the overview shows that the mention list does not take.
PAGE_ONLY = ("period", "page")


class MentionLinks:
    def __init__(self, data: QueryDict):
        self._base = QueryDict(mutable=True)
        for key, value in data.items():
            if value and key not in PAGE_ONLY:
                self._base[key] = value
        self._list_url = reverse("mentions:mention_list")

    def url(self, **overrides: str) -> str:
        query = self._base.copy()
        for key, value in overrides.items():
            if value:
                query[key] = value
            else:
                query.pop(key, None)
        return f"{self._list_url}?{query.urlencode()}"

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
