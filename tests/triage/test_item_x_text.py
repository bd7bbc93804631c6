"""X's weighted character count, and over-long replies refused before they are sent."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import SourceFactory
from triage.models import Reply, Status
from triage.services import reply_submit
from triage.x_text import X_MAX_WEIGHTED_LENGTH, x_weighted_length

from .factories import ComplaintFactory, QueueItemFactory

# (text, weighted length). Checked against the twitter-text v3 rules; where twitter-text-parser 3.0.0
# (2019 emoji data) disagrees, the row says why.
TABLE = [
    ("", 0),
    ("hello", 5),
    ("Ward 4B, 3 hours", 16),
    ("émigré naïve façade", 19),  # Latin with accents: 1 each
    ("Привет мир", 10),  # Cyrillic is below U+10FF: 1 each
    ("مرحبا", 5),  # Arabic too
    ("“quotes” — dash … ellipsis", 27),  # General punctuation in the light ranges
    ("日本語のテキスト", 16),  # CJK: 2 each
    ("한국어 텍스트", 13),
    ("CJK ＡＢＣ fullwidth", 20),  # Full-width Latin weighs 2
    ("😷", 2),
    ("🙋🏽 hi", 5),  # Skin tone: one emoji
    ("👍🏻👍🏿", 4),
    ("👨‍👩‍👧‍👦 family", 9),  # A ZWJ family of seven code points is one emoji
    ("🧑🏽‍⚕️ nurse", 8),  # Emoji 12.1 ZWJ sequence (twitter-text-parser counts it by its parts: 11)
    ("🇬🇧🇺🇸", 4),  # Two flags
    ("🏴󠁧󠁢󠁥󠁮󠁧󠁿 England", 10),  # Subdivision flag with tag characters
    ("1️⃣ one", 6),  # Keycap
    ("❤️ love", 7),
    ("© 2026", 7),
    ("https://a.co https://b.co", 47),  # Every URL weighs 23, even a short one
    ("Visit https://www.riverside.org/er/wait-times?from=twitter&campaign=spring now", 33),
    ("see www.riverside.org.", 28),  # The final full stop is not part of the link
    ("riverside.org/er is down", 31),  # A bare domain is a link too
    ("Go to http://example.com).", 31),
    ("email me at pe@riverside.example", 32),  # An email address is not a link
    ("@RGH_Care thanks #hashtag", 25),
    ("a" * 280, 280),
    ("a" * 281, 281),
    ("日" * 140, 280),
    ("😀" * 141, 282),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_x_weighted_length_counts_as_x_does(text, expected):
    assert x_weighted_length(text) == expected


def test_text_is_normalized_before_counting():
    # "e" + combining acute is one character after NFC, as X counts it.
    assert x_weighted_length("cafe\u0301") == 4


@pytest.fixture
def x_item(db, alice):
    source = SourceFactory(name="X", kind="x")
    return QueueItemFactory(
        mention=ComplaintFactory(platform="x", source=source, external_id="2054894002762690577"),
        status=Status.ASSIGNED,
        assignee=alice,
    )


def test_a_reply_within_280_weighted_characters_is_submitted(x_item, alice, settings):
    settings.REPLY_APPROVAL_REQUIRED = True
    # 200 Latin characters and a long link: 223 weighted, though 290 characters long.
    text = "a" * 199 + " https://www.riverside.org/" + "x" * 64
    assert len(text) > X_MAX_WEIGHTED_LENGTH
    reply = Reply.objects.create(item=x_item, text=text, created_by=alice)
    assert reply_submit(reply=reply, user=alice).status == Reply.Status.PENDING_APPROVAL


def test_a_reply_over_x_weighted_limit_is_refused_with_a_clear_message(x_item, alice):
    # 141 CJK characters: under 280 characters, 282 as X counts them.
    reply = Reply.objects.create(item=x_item, text="日" * 141, created_by=alice)
    with pytest.raises(ValidationError) as refused:
        reply_submit(reply=reply, user=alice)
    message = refused.value.messages[0]
    assert "X allows 280 characters in a reply; this one has 282" in message
    assert "emoji and CJK characters 2" in message and "Shorten it by 2" in message
    reply.refresh_from_db()
    assert reply.status == Reply.Status.DRAFT


def test_the_reply_check_reports_the_weighted_length(client, user_with_role, x_item):
    from administration import roles

    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE))
    response = client.post(f"/queue/{x_item.pk}/reply-check/", {"text": "Sorry 😷 https://riverside.org/x"})
    assert response.json()["length"] == 6 + 2 + 1 + 23
    assert response.json()["limit"] == 280
