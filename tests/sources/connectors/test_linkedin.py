"""LinkedInConnector against recorded Community Management API exchanges (recordings/linkedin/)."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import responses
from responses import matchers

from mentions.models import Mention, RejectedPayload
from sources.connectors import linkedin
from sources.connectors.base import ConnectorError, SourceQuery, TransientConnectorError
from sources.connectors.linkedin import LinkedInConnector
from sources.models import CoverageGap, Source, SyncRun
from sources.services.sync import source_sync
from tests.factories import HospitalFactory, SourceFactory, TrackedTermFactory

RECORDINGS = Path(__file__).parent / "recordings" / "linkedin"
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
ORG = "urn:li:organization:2414183"
CONFIG = {
    "access_token": "AQXdSP_W41_UPs5ioT_t8HESyODB4FqbkJ8LrV_5mff4gPODzOYR",
    "organization_id": "2414183",
    "hospital_key": "hospital:riverside",
    # Name lookups have tests of their own below.
    "author_names": False,
}
TERMS = ('"Riverside General"', '"RGH"')
QUERY = SourceQuery(key="hospital:riverside#linkedin", terms=TERMS)
S1, U2 = "urn:li:share:7195001112223334445", "urn:li:ugcPost:7194000111222333444"
C1 = "urn:li:comment:(urn:li:activity:7195001112230000001,7195123456789012345)"
C3 = "urn:li:comment:(urn:li:activity:7195001112230000001,7195123456789012401)"
C4 = "urn:li:comment:(urn:li:ugcPost:7194000111222333444,7194555666777888999)"
C6 = "urn:li:comment:(urn:li:activity:7195001112230000001,7195123456789019999)"
R1 = "urn:li:comment:(urn:li:activity:7195001112230000001,7195123456789023456)"
R2 = "urn:li:comment:(urn:li:activity:7195001112230000001,7195123456789023499)"


def replay(http: responses.RequestsMock, name: str) -> None:
    """Serve one recorded exchange only to a request with the recorded method, URL, query and headers."""
    exchange = json.loads((RECORDINGS / name).read_text())
    request, response = exchange["request"], exchange["response"]
    match = [matchers.header_matcher(request["headers"])]
    if "params" in request:
        match.append(matchers.query_param_matcher(request["params"]))
    if "json" in request:
        match.append(matchers.json_params_matcher(request["json"]))
    http.add(
        request["method"],
        request["url"],
        status=response["status"],
        headers=response.get("headers", {}),
        json=response["json"],
        match=match,
    )


def urns(items: list[dict[str, Any]]) -> list[str]:
    return [item["commentUrn"] for item in items]


@pytest.fixture(autouse=True)
def two_per_page(monkeypatch):
    # Real pages hold 100 comments; the recordings page by two to show paging in a readable size.
    monkeypatch.setattr(linkedin, "COMMENT_PAGE_SIZE", 2)
    monkeypatch.setattr(linkedin, "utc_now", lambda: NOW)


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def test_plan_queries_gives_one_query_for_the_pages_hospital_and_none_for_others():
    connector = LinkedInConnector(CONFIG)
    assert connector.plan_queries(SourceQuery(key="hospital:riverside", terms=TERMS)) == [QUERY]
    assert connector.plan_queries(SourceQuery(key="hospital:mercy", terms=('"Mercy"',))) == []


def test_a_bad_organization_id_is_a_permanent_error_that_says_what_to_enter():
    with pytest.raises(ConnectorError) as raised:
        LinkedInConnector({**CONFIG, "organization_id": "riverside-general"})
    assert raised.value.permanent and "urn:li:organization" in raised.value.how_to_fix


def test_a_poll_lists_the_recent_posts_then_reads_each_posts_comments_page_by_page(http):
    connector = LinkedInConnector(CONFIG)
    replay(http, "posts_recent.json")
    listed = connector.fetch(QUERY, {})
    assert listed.items == [] and listed.has_more
    assert listed.next_cursor == {"seen": {}, "gap_reported": True, "posts": [S1, U2], "start": 0}
    (gap,) = listed.coverage_gaps
    assert gap.kind == "unsupported" and gap.end is None and "no keyword search" in gap.reason

    replay(http, "comments_share_page1.json")
    page1 = connector.fetch(QUERY, listed.next_cursor)
    assert urns(page1.items) == [C1], "the page's own comment is the hospital speaking, not a mention"
    assert page1.next_cursor["start"] == 2 and page1.next_cursor["seen"] == {}
    assert page1.coverage_gaps == (), "the unsupported gap is reported once, not every poll"

    replay(http, "comments_share_page2.json")
    page2 = connector.fetch(QUERY, page1.next_cursor)
    assert urns(page2.items) == [C3] and page2.has_more
    assert page2.next_cursor == {
        "seen": {S1: 1715592000000},
        "gap_reported": True,
        "posts": [U2],
        "start": 0,
        # C1's commentsSummary counts a reply: its replies are read before the next post.
        "threads": {C1: {"post": S1, "wanted": 1}},
        "replies_due": [C1],
        "threads_queued": 1,
    }

    mention = connector.normalize(page1.items[0])
    assert mention.platform == "linkedin" and mention.external_id == C1
    assert mention.text.startswith("Will the new ED fix the 8 hour waits")
    assert mention.title == "LinkedIn comment on Riverside General's post"
    assert mention.posted_at == datetime.fromtimestamp(1715590000, tz=UTC)
    assert (mention.likes, mention.replies, mention.author_handle) == (3, 1, "urn:li:person:Aq3xZ9kLmT")
    assert mention.url == (
        "https://www.linkedin.com/feed/update/urn:li:activity:7195001112230000001/?commentUrn="
        "urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A7195001112230000001%2C7195123456789012345%29"
    )
    assert mention.extra["post_urn"] == S1


def test_a_later_poll_passes_on_only_comments_newer_than_the_posts_marker(http, monkeypatch):
    monkeypatch.setattr(linkedin, "COMMENT_PAGE_SIZE", 4)
    replay(http, "comments_share_later.json")
    # C1's one reply was read at an earlier poll: LinkedIn still counts one, so it is not read again.
    threads = {C1: {"post": S1, "replies": 1, "newest": 1715595000000}}
    cursor = {"seen": {S1: 1715592000000}, "gap_reported": True, "posts": [S1], "start": 0}
    cursor["threads"] = threads
    result = LinkedInConnector(CONFIG).fetch(QUERY, cursor)
    assert urns(result.items) == [C6] and not result.has_more
    assert result.next_cursor == {
        "seen": {S1: 1715600000000},
        "gap_reported": True,
        "posts": [],
        "start": 0,
        "threads": threads,
    }


def test_a_page_without_posts_has_nothing_to_read(http):
    replay(http, "posts_empty.json")
    result = LinkedInConnector(CONFIG).fetch(QUERY, {"gap_reported": True, "seen": {}})
    assert result.items == [] and not result.has_more
    assert result.next_cursor["posts"] == []


@pytest.mark.parametrize(
    ("recording", "said", "fix"),
    [
        ("posts_expired_token.json", "401 EXPIRED_ACCESS_TOKEN", "60 days"),
        ("posts_forbidden.json", "403 ACCESS_DENIED", "r_organization_social"),
        ("posts_version_retired.json", "426 NONEXISTENT_VERSION", "api_version"),
    ],
)
def test_token_permission_and_version_failures_are_permanent_with_how_to_fix(http, recording, said, fix):
    replay(http, recording)
    with pytest.raises(ConnectorError) as raised:
        LinkedInConnector(CONFIG).fetch(QUERY, {"gap_reported": True})
    assert raised.value.permanent and said in str(raised.value) and fix in raised.value.how_to_fix


def test_a_daily_rate_limit_is_transient_until_midnight_utc(http):
    replay(http, "comments_share_rate_limited.json")
    cursor = {"seen": {}, "gap_reported": True, "posts": [S1], "start": 0}
    with pytest.raises(TransientConnectorError) as raised:
        LinkedInConnector(CONFIG).fetch(QUERY, cursor)
    assert "TOO_MANY_REQUESTS" in str(raised.value)
    assert raised.value.retry_after == 12 * 3600


def test_check_connection_reads_the_newest_post(http, monkeypatch):
    exchange = json.loads((RECORDINGS / "posts_recent.json").read_text())
    http.add(
        "GET",
        exchange["request"]["url"],
        json=exchange["response"]["json"],
        match=[matchers.query_param_matcher({**exchange["request"]["params"], "count": "1"})],
    )
    assert "newest post was read" in LinkedInConnector(CONFIG).check_connection(QUERY)


# Through the sync service


@pytest.fixture
def source(db):
    hospital = HospitalFactory(slug="riverside", name="Riverside General", is_own=True)
    TrackedTermFactory(hospital=hospital, text="Riverside General", query='"Riverside General"')
    return SourceFactory(name="LinkedIn", kind=Source.Kind.LINKEDIN, config=CONFIG)


def test_a_sync_stores_comments_once_keeps_the_malformed_one_and_reports_the_gap_once(http, source):
    for name in (
        "posts_recent.json",
        "comments_share_page1.json",
        "comments_share_page2.json",
        "comments_on_comment_page.json",
        "comments_ugcpost_malformed.json",
    ):
        replay(http, name)
    run = source_sync(source_id=source.pk)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.items_fetched, run.mentions_new, run.rejected) == (6, 5, 1)
    assert run.api_calls == 5, "the posts, three comment pages and one page of replies"
    stored = set(Mention.objects.filter(source=source).values_list("external_id", flat=True))
    assert stored == {C1, C3, C4, R1, R2}
    assert "message" in RejectedPayload.objects.get(source=source).error
    mention = Mention.objects.get(external_id=C1)
    assert mention.hospital.slug == "riverside", "the title names the page's hospital, so it is filed there"
    gap = CoverageGap.objects.get(source=source)
    assert gap.reason == CoverageGap.Reason.UNSUPPORTED and gap.end is None
    assert gap.query_key == QUERY.key

    # The next poll lists the posts again; nothing new is stored twice and the gap is not repeated.
    replay(http, "posts_empty.json")
    source_sync(source_id=source.pk)
    assert Mention.objects.filter(source=source).count() == 5
    assert CoverageGap.objects.filter(source=source).count() == 1


def test_an_expired_token_marks_the_source_broken_with_the_platforms_message(http, source):
    replay(http, "posts_expired_token.json")
    run = source_sync(source_id=source.pk)
    source.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert source.status == Source.Status.BROKEN
    assert "The token used in the request has expired" in source.last_error
    assert "60 days" in source.how_to_fix


# Replies to comments ("comments on comments") and the authors' names


NAMED = {**CONFIG, "author_names": True}
REPLIES_DUE = {
    "seen": {S1: 1715592000000},
    "gap_reported": True,
    "posts": [U2],
    "start": 0,
    "threads": {C1: {"post": S1, "wanted": 2}},
    "replies_due": [C1],
    "threads_queued": 1,
}


def refuse_people(http: responses.RequestsMock) -> None:
    """LinkedIn's answer to an app without the profile permission, whichever members are asked for."""
    exchange = json.loads((RECORDINGS / "people_names_forbidden.json").read_text())
    http.add("GET", exchange["request"]["url"], status=403, json=exchange["response"]["json"])


def test_replies_are_read_with_their_parent_and_authors_named_in_one_batched_call_each(http):
    for name in ("comments_on_comment_page.json", "people_names.json", "organizations_lookup.json"):
        replay(http, name)
    connector = LinkedInConnector(NAMED)
    result = connector.fetch(QUERY, REPLIES_DUE)

    assert urns(result.items) == [R1, R2]
    assert result.api_calls == 3, "the replies, then one lookup for members and one for organizations"
    assert result.has_more, "the next post's comments follow"
    assert "replies_due" not in result.next_cursor
    assert result.next_cursor["threads"] == {C1: {"post": S1, "replies": 2, "newest": 1715596000000}}
    member, organization = (connector.normalize(item) for item in result.items)
    assert (member.author_name, member.author_handle) == ("Priya Raman", "urn:li:person:Gt5hY7uJkL")
    assert member.extra["parent_id"] == C1 and member.extra["is_reply"] is True
    assert member.extra["post_urn"] == S1
    assert organization.author_name == "Valley Nurses Association"


def test_without_the_profile_permission_the_urn_stays_and_a_note_is_reported_once(http):
    for name in ("comments_on_comment_page.json", "organizations_lookup.json"):
        replay(http, name)
    refuse_people(http)
    connector = LinkedInConnector(NAMED)
    result = connector.fetch(QUERY, REPLIES_DUE)

    member = connector.normalize(result.items[0])
    assert (member.author_name, member.author_handle) == ("", "urn:li:person:Gt5hY7uJkL")
    assert connector.normalize(result.items[1]).author_name == "Valley Nurses Association"
    (note,) = result.coverage_gaps
    assert note.kind == "unsupported" and note.end is None and note.key_suffix == "#names"
    assert "ACCESS_DENIED" in note.reason and "Comments are still collected" in note.reason

    # Within the week the members' lookup rests: no call, no second note.
    http.reset()
    for name in ("comments_on_comment_page.json", "organizations_lookup.json"):
        replay(http, name)
    again = connector.fetch(
        QUERY, {**result.next_cursor, "replies_due": [C1], "threads": {C1: {"post": S1, "wanted": 3}}}
    )
    assert urns(again.items) == [R1, R2] and again.coverage_gaps == ()
    assert not [call for call in http.calls if "/people" in call.request.url]


def test_a_sync_without_the_profile_permission_keeps_the_source_healthy_with_a_note(http, source):
    source.config = NAMED
    source.save(update_fields=["config"])
    for name in (
        "posts_recent.json",
        "comments_share_page1.json",
        "comments_share_page2.json",
        "comments_on_comment_page.json",
        "organizations_lookup.json",
        "comments_ugcpost_malformed.json",
    ):
        replay(http, name)
    refuse_people(http)
    run = source_sync(source_id=source.pk)

    source.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED and source.status == Source.Status.OK
    assert run.mentions_new == 5
    people_calls = [call for call in http.calls if "/people" in call.request.url]
    assert len(people_calls) == 1, "refused once, then left alone for the poll"
    note = CoverageGap.objects.get(source=source, query_key=f"{QUERY.key}#names")
    assert note.reason == CoverageGap.Reason.UNSUPPORTED and note.end is None
    assert Mention.objects.get(external_id=C1).author_handle == "urn:li:person:Aq3xZ9kLmT"
    assert Mention.objects.get(external_id=R2).author_name == "Valley Nurses Association"
    assert Mention.objects.get(external_id=R1).raw["parentComment"] == C1


def test_a_reply_to_a_stored_reply_goes_under_its_threads_top_level_comment():
    connector = LinkedInConnector(CONFIG)
    assert connector.reply_parent(external_id=R1, raw={"commentUrn": R1, "parentComment": C1}) == C1
    assert connector.reply_parent(external_id=C1, raw={"commentUrn": C1}) == C1
