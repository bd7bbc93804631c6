from tracking.matching import TermMatcher, TermSpec
from tracking.models import TrackedTerm


def term_matcher_build() -> TermMatcher:
    """A matcher over every active tracked term."""
    terms = TrackedTerm.objects.filter(is_active=True).only("id", "hospital_id", "text", "exclusions")
    return TermMatcher(
        TermSpec(id=t.id, hospital_id=t.hospital_id, text=t.text, exclusions=tuple(t.exclusion_list))
        for t in terms
    )


def hospital_search_terms() -> dict[tuple[int, str], list[str]]:
    """Active term texts by (hospital id, slug): what connectors search each platform for."""
    terms: dict[tuple[int, str], list[str]] = {}
    rows = TrackedTerm.objects.filter(is_active=True).order_by("hospital__slug", "id")
    for hospital_id, slug, text in rows.values_list("hospital_id", "hospital__slug", "text"):
        terms.setdefault((hospital_id, slug), []).append(text)
    return terms
