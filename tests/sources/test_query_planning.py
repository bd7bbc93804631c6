"""Planning a source's queries: a hospital's terms grouped by the language and region its platform can
search by (sources.services.sync.source_queries), and the cursors those queries keep."""

from collections.abc import Mapping
from typing import Any

import pytest

from sources.connectors.base import Connector, FetchResult, MentionData, SourceQuery
from sources.models import Source, SourceCursor
from sources.services import source_queries, source_sync, sync
from tests.factories import HospitalFactory, SourceFactory, TrackedTermFactory
from tracking.models import TrackedTerm


def planned(source: Source) -> dict[str, tuple[tuple[str, ...], str, str]]:
    return {
        item.query.key: (item.query.terms, item.query.language, item.query.region)
        for item in source_queries(source=source)
    }


@pytest.fixture
def riverside_terms(db):
    riverside = HospitalFactory(slug="riverside", name="Riverside General")
    TrackedTermFactory(hospital=riverside, text="Riverside General")
    TrackedTermFactory(hospital=riverside, text="Hospital Ribera", language="es", region="MX")
    TrackedTermFactory(hospital=riverside, text="Ribera Norte", language="es", region="MX")
    TrackedTermFactory(hospital=riverside, text="Clínica Ribera", language="es", region="ES")
    TrackedTermFactory(hospital=riverside, text="Riverside London", region="GB")
    mercy = HospitalFactory(slug="mercy", name="Mercy")
    TrackedTermFactory(hospital=mercy, text="Hospital Mercy", language="es")
    return riverside


def test_a_platform_searching_by_language_and_region_gets_one_query_per_group(riverside_terms):
    brave = SourceFactory(kind=Source.Kind.BRAVE_SEARCH, config={})
    assert planned(brave) == {
        "hospital:mercy#lang:es": (('"Hospital Mercy"',), "es", ""),
        "hospital:riverside": (('"Riverside General"',), "", ""),
        "hospital:riverside#region:GB": (('"Riverside London"',), "", "GB"),
        "hospital:riverside#lang:es,region:ES": (('"Clínica Ribera"',), "es", "ES"),
        "hospital:riverside#lang:es,region:MX": (('"Hospital Ribera"', '"Ribera Norte"'), "es", "MX"),
    }
    riverside = [item for item in source_queries(source=brave) if "riverside" in item.query.key]
    assert riverside[0].query.key == "hospital:riverside", "the unrestricted group comes first"
    assert {item.hospital_id for item in riverside} == {riverside_terms.pk}


def test_a_platform_searching_by_language_only_merges_regions_and_ignores_them(riverside_terms):
    x = SourceFactory(kind=Source.Kind.X, config={})
    assert planned(x) == {
        "hospital:mercy#lang:es": (('"Hospital Mercy"',), "es", ""),
        "hospital:riverside": (('"Riverside General"', '"Riverside London"'), "", ""),
        "hospital:riverside#lang:es": (('"Hospital Ribera"', '"Ribera Norte"', '"Clínica Ribera"'), "es", ""),
    }


def test_a_platform_without_language_or_region_search_keeps_one_query_per_hospital(riverside_terms):
    reddit = SourceFactory(kind=Source.Kind.REDDIT, config={})
    queries = planned(reddit)
    assert set(queries) == {"hospital:riverside", "hospital:mercy"}
    assert queries["hospital:riverside"][1:] == ("", "")
    assert len(queries["hospital:riverside"][0]) == 5


def test_a_stored_code_that_is_not_one_counts_as_none_and_a_regional_tag_as_its_language(db):
    riverside = HospitalFactory(slug="riverside")
    # Saved before the editor checked the codes.
    TrackedTerm.objects.create(hospital=riverside, text="Riverside General", language="spanish", region="XX")
    TrackedTerm.objects.create(hospital=riverside, text="Hospital Ribera", language="es-MX", region="mx")
    brave = SourceFactory(kind=Source.Kind.BRAVE_SEARCH, config={})
    assert planned(brave) == {
        "hospital:riverside": (('"Riverside General"',), "", ""),
        "hospital:riverside#lang:es,region:MX": (('"Hospital Ribera"',), "es", "MX"),
    }


class RecordingConnector(Connector):
    """Searches by language; records each fetch with the cursor it was given."""

    kind = "recording"
    query_filters = frozenset({"language"})
    fetched: list[tuple[str, str, dict]] = []

    def fetch(self, query: SourceQuery, cursor: Mapping[str, Any]) -> FetchResult:
        self.fetched.append((query.key, query.language, dict(cursor)))
        return FetchResult(items=[], next_cursor={"after": query.key})

    def normalize(self, raw: Mapping[str, Any]) -> MentionData:
        raise AssertionError("nothing to normalize")


def test_a_query_that_changes_language_starts_from_its_own_cursor_not_the_old_query(db, monkeypatch):
    source = SourceFactory()
    monkeypatch.setitem(sync.CONNECTORS, source.kind, RecordingConnector)
    monkeypatch.setattr(sync, "connector_for", lambda kind, config: RecordingConnector(config))
    monkeypatch.setattr(RecordingConnector, "fetched", [])
    riverside = HospitalFactory(slug="riverside")
    TrackedTermFactory(hospital=riverside, text="Riverside General")
    ribera = TrackedTermFactory(hospital=riverside, text="Hospital Ribera")
    source_sync(source_id=source.pk)
    assert RecordingConnector.fetched == [("hospital:riverside", "", {})]

    ribera.language = "es"
    ribera.save()
    RecordingConnector.fetched.clear()
    source_sync(source_id=source.pk)
    assert sorted(RecordingConnector.fetched) == [
        ("hospital:riverside", "", {"after": "hospital:riverside"}),
        ("hospital:riverside#lang:es", "es", {}),
    ]
    assert set(SourceCursor.objects.filter(source=source).values_list("query_key", flat=True)) >= {
        "hospital:riverside",
        "hospital:riverside#lang:es",
    }
