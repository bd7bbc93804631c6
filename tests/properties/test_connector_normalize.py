"""Every connector's normalize(), given arbitrary JSON shaped like its platform's items: a MentionData or
a NormalizationError, never another exception (which would fail the whole page)."""

import contextlib
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.connectors import connector_for
from sources.connectors.base import MentionData, NormalizationError

from .strategies import CONNECTOR_ITEMS, json_values, platform_items

# Each connector built with the settings its own tests use; normalize() calls no platform.
CONFIG_FROM_TESTS = {
    "bluesky": "test_bluesky",
    "facebook_page": "test_facebook",
    "google_reviews": "test_google_reviews",
    "instagram": "test_instagram",
    "linkedin": "test_linkedin",
    "reddit": "test_reddit",
    "x": "test_x",
    "youtube": "test_youtube",
}


def connector(kind: str):
    module = CONFIG_FROM_TESTS.get(kind)
    config = importlib.import_module(f"tests.sources.connectors.{module}").CONFIG if module else {}
    if kind == "brave_search":
        config = {"api_key": "BSA-test-key"}
    return connector_for(kind, config)


@pytest.mark.parametrize("kind", sorted(CONNECTOR_ITEMS))
def test_the_captured_items_normalize(kind):
    platform = connector(kind)
    for item in CONNECTOR_ITEMS[kind]:
        # Some recordings hold deliberately malformed items.
        with contextlib.suppress(NormalizationError):
            assert isinstance(platform.normalize(item), MentionData)


@pytest.mark.parametrize("kind", sorted(CONNECTOR_ITEMS))
def test_normalize_returns_a_mention_or_a_normalization_error_for_any_item_like_the_platforms(kind):
    platform = connector(kind)

    @given(
        item=st.one_of(platform_items(kind), st.dictionaries(st.text(max_size=12), json_values, max_size=6))
    )
    def check(item):
        try:
            data = platform.normalize(item)
        except NormalizationError:
            return
        assert isinstance(data, MentionData)
        assert isinstance(data.external_id, str) and data.external_id
        assert isinstance(data.text, str)
        assert data.posted_at.tzinfo is not None
        data.posted_at.astimezone()  # Representable once converted, as it is stored.

    check()
