"""Connectors by source kind."""

from collections.abc import Mapping
from typing import Any

from sources.connectors.base import Connector
from sources.connectors.bluesky import BlueskyConnector
from sources.connectors.brave import BraveSearchConnector
from sources.connectors.demo import DemoConnector
from sources.connectors.facebook import FacebookPageConnector
from sources.connectors.feeds import FeedConnector
from sources.connectors.google_reviews import GoogleReviewsConnector
from sources.connectors.instagram import InstagramConnector
from sources.connectors.linkedin import LinkedInConnector
from sources.connectors.reddit import RedditConnector
from sources.connectors.x import XConnector
from sources.connectors.youtube import YouTubeConnector

CONNECTORS: dict[str, type[Connector]] = {
    connector.kind: connector
    for connector in (
        DemoConnector,
        BraveSearchConnector,
        FeedConnector,
        XConnector,
        RedditConnector,
        GoogleReviewsConnector,
        BlueskyConnector,
        FacebookPageConnector,
        InstagramConnector,
        YouTubeConnector,
        LinkedInConnector,
    )
}


def connector_for(kind: str, config: Mapping[str, Any]) -> Connector:
    try:
        connector_class = CONNECTORS[kind]
    except KeyError:
        raise LookupError(f"no connector polls sources of kind {kind!r}") from None
    return connector_class(config)
