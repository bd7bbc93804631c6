"""Template context every page needs."""

from django.http import HttpRequest

# Pages that share the mention filters (date range, hospital, source, sentiment, category...).
FILTERED_PAGES = {"overview", "mention_list", "cluster_list", "structure"}
# Parameters that belong to one page only and must not follow the user to the next.
PAGE_ONLY = {"page", "period"}


def shared_filters(request: HttpRequest) -> dict:
    """The current filters as a query string, so the navigation keeps them from page to page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in FILTERED_PAGES:
        return {"shared_filters": ""}
    query = request.GET.copy()
    for key in list(query):
        if key in PAGE_ONLY or not query.get(key):
            query.pop(key)
    return {"shared_filters": query.urlencode()}
