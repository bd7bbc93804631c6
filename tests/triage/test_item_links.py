"""The post in context, link suggestions with their reasons, confirm / reject, and linking items by hand."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import HospitalFactory, MentionFactory, SourceFactory
from triage.models import AuditEntry, LinkDecision, QueueItem
from triage.selectors import queue_item_author_mentions, queue_item_thread_parent
from triage.services.links import (
    handle_key,
    link_suggestion_confirm,
    link_suggestion_reject,
    queue_item_case_add,
    queue_item_case_remove,
    queue_item_link_suggestions,
)

from .factories import ComplaintFactory, QueueItemFactory

pytestmark = pytest.mark.django_db

INCIDENT_X = (
    "Spent 3 hours on ward 4B at Riverside General last night waiting for someone to check my dad's drip. "
    "Call button ignored the whole time. Unacceptable."
)
INCIDENT_REDDIT = (
    "My father was on ward 4B at Riverside General on Tuesday night. The drip ran dry and nobody answered "
    "the call button for 3 hours. Has anyone complained to patient relations?"
)
# Same hospital and days, ordinary complaints that share only the common words.
BACKGROUND = [
    "Riverside General ER wait was awful again, 5 hours before anyone saw my son.",
    "Parking at Riverside General is a rip-off now, $20 for two hours in the new garage.",
    "Billing at Riverside General sent me a surprise invoice, still waiting for an itemized bill.",
    "The food at Riverside General was cold and the night nurse was rude to my mum.",
    "Riverside General front desk lost my referral paperwork again. Third time this year.",
    "Called Riverside General pharmacy three times, nobody picks up the phone.",
]


@pytest.fixture
def riverside(db):
    return HospitalFactory(slug="riverside", name="Riverside General Hospital", is_own=True)


def _post(riverside, text, *, platform="x", handle="", hours_ago=2.0, queued=True, **fields):
    mention = ComplaintFactory(
        platform=platform,
        text=text,
        author_handle=handle,
        hospital=riverside,
        posted_at=timezone.now() - timedelta(hours=hours_ago),
        **fields,
    )
    return QueueItemFactory(mention=mention) if queued else mention


@pytest.fixture
def incident(riverside):
    """One incident told on X and on Reddit by the same person, among the week's other complaints."""
    item = _post(riverside, INCIDENT_X, handle="jdoe_rgh", hours_ago=20)
    reddit = _post(
        riverside, INCIDENT_REDDIT, platform="reddit", handle="JDoe-RGH", hours_ago=2, queued=False
    )
    for number, text in enumerate(BACKGROUND):
        _post(riverside, text, handle=f"someone{number}", hours_ago=5 + 7 * number)
    return item, reddit


def test_handle_keys_match_across_platforms():
    assert (
        handle_key("@JDoe_RGH") == handle_key("u/jdoe-rgh") == handle_key("jdoe-rgh.bsky.social") == "jdoergh"
    )


def test_the_same_incident_on_another_platform_is_suggested_first_with_its_reasons(incident):
    item, reddit = incident

    suggestions = queue_item_link_suggestions(item=item)

    assert suggestions and suggestions[0].mention == reddit
    best = suggestions[0]
    assert best.score >= 0.8
    reasons = " | ".join(best.reasons)
    assert "same handle @jdoe_rgh on X and u/JDoe-RGH on Reddit" in reasons
    assert "ward 4b" in reasons and "3 hours" in reasons
    assert "posted 18 hours apart" in reasons
    # Ordinary complaints about the same hospital are not offered as the same incident.
    assert all(s.score < best.score for s in suggestions[1:])
    assert all("ward 4b" not in " ".join(s.reasons) for s in suggestions[1:])


def test_shared_distinctive_wording_alone_suggests_a_post_by_someone_else(riverside):
    item = _post(riverside, INCIDENT_X, handle="jdoe_rgh", hours_ago=20)
    witness = _post(
        riverside,
        "Visiting my aunt on ward 4B at Riverside General: a man's drip ran dry and the call button went "
        "unanswered for 3 hours.",
        handle="bystander77",
        hours_ago=6,
    )
    for number, text in enumerate(BACKGROUND):
        _post(riverside, text, handle=f"someone{number}", hours_ago=5 + 7 * number)

    suggestions = queue_item_link_suggestions(item=item)

    assert suggestions[0].mention == witness.mention
    assert not any("handle" in reason for reason in suggestions[0].reasons)
    assert any("ward 4b" in reason for reason in suggestions[0].reasons)


def test_posts_outside_the_window_are_not_suggested(riverside):
    item = _post(riverside, INCIDENT_X, handle="jdoe_rgh", hours_ago=2)
    _post(riverside, INCIDENT_REDDIT, platform="reddit", handle="jdoe_rgh", hours_ago=24 * 5, queued=False)
    assert queue_item_link_suggestions(item=item) == []


def test_confirming_links_both_into_one_case_and_is_remembered(incident, alice):
    item, reddit = incident
    best = queue_item_link_suggestions(item=item)[0]

    case = link_suggestion_confirm(
        item=item, other=reddit, user=alice, score=best.score, reasons=best.reasons
    )

    item.refresh_from_db()
    reddit_item = QueueItem.objects.get(mention=reddit)
    assert item.case == case and reddit_item.case == case
    assert reddit_item.flagged_by == alice, "the other post joined the queue, added by the person"
    decision = LinkDecision.objects.get()
    assert decision.decision == LinkDecision.Decision.CONFIRMED and decision.decided_by == alice
    assert decision.reasons == list(best.reasons)
    for linked in (item, reddit_item):
        entry = AuditEntry.objects.get(item=linked, action=AuditEntry.Action.CASE_LINKED)
        assert entry.actor == alice and entry.after == {"case_id": case.pk}
    assert reddit not in [s.mention for s in queue_item_link_suggestions(item=item)]


def test_a_rejected_suggestion_is_not_suggested_again_either_way_round(incident, alice):
    item, reddit = incident

    link_suggestion_reject(item=item, other=reddit, user=alice, score=0.9, reasons=("same handle",))

    assert reddit not in [s.mention for s in queue_item_link_suggestions(item=item)]
    reddit_item = QueueItemFactory(mention=reddit)
    assert item.mention not in [s.mention for s in queue_item_link_suggestions(item=reddit_item)]
    entry = AuditEntry.objects.get(item=item, action=AuditEntry.Action.LINK_REJECTED)
    assert entry.actor == alice and entry.after["mention_id"] == reddit.pk
    assert item.case_id is None


def test_linking_by_hand_joins_the_existing_case_and_unlinking_is_audited(riverside, alice, bob):
    first, second, third = (_post(riverside, text) for text in BACKGROUND[:3])
    case = queue_item_case_add(item=first, other=second, user=alice)
    assert queue_item_case_add(item=third, other=first, user=bob) == case
    assert set(case.items.all()) == {first, second, third}

    queue_item_case_remove(item=second, user=bob)

    second.refresh_from_db()
    assert second.case is None and set(case.items.all()) == {first, third}
    entry = AuditEntry.objects.get(item=second, action=AuditEntry.Action.CASE_UNLINKED)
    assert entry.actor == bob and entry.before == {"case_id": case.pk} and entry.after == {"case_id": None}
    assert AuditEntry.objects.filter(item=third, action=AuditEntry.Action.CASE_LINKED, actor=bob).exists()
    with pytest.raises(ValidationError, match="not in a case"):
        queue_item_case_remove(item=second, user=bob)
    with pytest.raises(ValidationError, match="itself"):
        queue_item_case_add(item=first, other=first, user=bob)


# The post in context


def test_an_x_reply_shows_its_stored_parent(riverside):
    parent = MentionFactory(platform="x", external_id="2054890000000000001", text="RGH wait times are long")
    item = _post(
        riverside,
        "@someone Same here, 6 hours",
        external_id="2054890000000000002",
        raw={
            "id": "2054890000000000002",
            "conversation_id": "2054890000000000001",
            "referenced_tweets": [{"type": "replied_to", "id": "2054890000000000001"}],
        },
    )
    found = queue_item_thread_parent(item=item)
    assert found.mention == parent and found.description == "a reply to an X post"


def test_an_x_reply_whose_parent_is_not_stored_links_to_it_on_x(riverside):
    item = _post(
        riverside,
        "@someone Same here",
        raw={
            "id": "77",
            "referenced_tweets": [{"type": "quoted", "id": "5"}, {"type": "replied_to", "id": "6"}],
        },
    )
    found = queue_item_thread_parent(item=item)
    assert found.mention is None and found.url == "https://x.com/i/web/status/6"


def test_a_reddit_comment_links_to_its_post_and_parent_comment(riverside):
    raw = {
        "kind": "t1",
        "name": "t1_mt1aaaa",
        "parent_id": "t1_mt0zzzz",
        "link_id": "t3_1kp6m2c",
        "subreddit": "AskDocs",
    }
    item = _post(riverside, "Same thing happened to me", platform="reddit", raw=raw)
    found = queue_item_thread_parent(item=item)
    assert found.url == "https://www.reddit.com/r/AskDocs/comments/1kp6m2c/_/mt0zzzz/"
    assert found.description == "a reply to a Reddit comment"

    stored_post = MentionFactory(platform="reddit", external_id="t3_1kp6m2c", text="Discharged from RGH")
    top_level = _post(
        riverside,
        "Awful",
        platform="reddit",
        raw=raw | {"parent_id": "t3_1kp6m2c", "link_title": "Discharged from RGH"},
    )
    found = queue_item_thread_parent(item=top_level)
    assert found.mention == stored_post and "Discharged from RGH" in found.description


def test_a_linkedin_reply_links_to_its_parent_comment_and_a_top_level_comment_to_the_post(riverside):
    post = "urn:li:share:7195001112223334445"
    parent_urn = "urn:li:comment:(urn:li:activity:7195001112230000001,7195123456789012345)"
    parent = MentionFactory(platform="linkedin", external_id=parent_urn, text="8 hour waits")
    reply = _post(
        riverside,
        "Same for my father",
        platform="linkedin",
        raw={"parentComment": parent_urn, "post_urn": post},
    )
    found = queue_item_thread_parent(item=reply)
    assert found.mention == parent and found.description == "a reply to a LinkedIn comment"
    assert found.url.startswith("https://www.linkedin.com/feed/update/urn:li:activity:7195001112230000001/")

    top_level = _post(riverside, "8 hour waits", platform="linkedin", raw={"post_urn": post})
    found = queue_item_thread_parent(item=top_level)
    assert found.url == f"https://www.linkedin.com/feed/update/{post}/" and found.mention is None


def test_a_youtube_comment_links_to_the_video_found_by_search_and_a_reply_to_its_comment(riverside):
    video = MentionFactory(platform="youtube", external_id="video:dQ4wR8tY2uI", text="My 14 hour ER visit")
    snippet = {"videoId": "dQ4wR8tY2uI", "textOriginal": "Same here"}
    comment = _post(
        riverside,
        "Same here",
        platform="youtube",
        raw={"kind": "youtube#comment", "snippet": snippet, "video_title": "My 14 hour ER visit"},
    )
    found = queue_item_thread_parent(item=comment)
    assert found.mention == video and found.description == "a comment on the video “My 14 hour ER visit”"

    reply = _post(
        riverside,
        "Me too",
        platform="youtube",
        raw={"kind": "youtube#comment", "snippet": snippet | {"parentId": "UgzK3vN8pQ2rT5wY7bA4AaABAg"}},
    )
    found = queue_item_thread_parent(item=reply)
    assert found.url == "https://www.youtube.com/watch?v=dQ4wR8tY2uI&lc=UgzK3vN8pQ2rT5wY7bA4AaABAg"
    assert found.description == "a reply to a YouTube comment"


def test_a_post_that_starts_its_thread_has_no_parent(riverside):
    item = _post(riverside, "RGH ER is slow", raw={"id": "9", "conversation_id": "9"})
    assert queue_item_thread_parent(item=item) is None


def test_the_authors_other_mentions_are_listed_newest_first_with_their_status(riverside):
    item = _post(riverside, "Third complaint", handle="jdoe_rgh", hours_ago=1)
    older = _post(riverside, "First complaint", handle="jdoe_rgh", hours_ago=72)
    newer = _post(riverside, "Second complaint", handle="jdoe_rgh", hours_ago=24)
    MentionFactory(platform="reddit", author_handle="jdoe_rgh")  # Another platform: another person, maybe.
    MentionFactory(platform="x", author_handle="someone_else")

    listed = list(queue_item_author_mentions(item=item))

    assert listed == [newer.mention, older.mention]
    assert listed[0].queue_item == newer


def test_the_suggestion_query_count_is_fixed(incident, django_assert_max_num_queries):
    item, _ = incident
    with django_assert_max_num_queries(4):
        queue_item_link_suggestions(item=item)


def test_a_source_of_another_kind_does_not_matter_for_suggestions(riverside):
    other_source = SourceFactory(name="Import", kind="demo")
    item = _post(riverside, INCIDENT_X, handle="jdoe_rgh")
    _post(riverside, INCIDENT_REDDIT, platform="reddit", handle="jdoe_rgh", source=other_source, queued=False)
    assert len(queue_item_link_suggestions(item=item)) == 1
