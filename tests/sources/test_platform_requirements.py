"""The sources page says what each platform needs and does not allow (sources/platforms.py), and never shows
a secret while doing so."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from sources.constants import SECRET_SETTINGS
from sources.forms import CREATABLE_KINDS
from sources.models import Source
from sources.platforms import REQUIREMENTS, platform_requirements
from tests.factories import SourceFactory

SECRETS = {
    "access_token": "EAAGm0PX4ZCpsBA-ig-token-VALUE-9f3a",
    "app_secret": "6f1c0d2e9a8b7c6d5e4f3a2b1c0d9e8f",
    "webhook_verify_token": "vt-Qm9vZ2xlLXNheXMtaGk-riverside-2026",
}


def test_every_kind_an_admin_can_add_has_its_requirements():
    assert sorted(REQUIREMENTS) == sorted(kind for kind, _ in CREATABLE_KINDS)
    for requirements in REQUIREMENTS.values():
        assert requirements.needs and requirements.permissions and requirements.steps
        assert requirements.not_allowed


@pytest.mark.parametrize("kind", [kind for kind, _ in CREATABLE_KINDS])
def test_the_add_page_shows_what_the_platform_needs_and_does_not_allow(admin_client, kind):
    requirements = platform_requirements(kind)
    page = admin_client.get(reverse("sources:source_create"), {"kind": kind}).content.decode()
    for text in (
        *requirements.needs,
        *requirements.permissions,
        *requirements.steps,
        *requirements.not_allowed,
    ):
        assert escape(text) in page, text
    for link in requirements.links:
        assert f'href="{link.url}"' in page
    assert ("Webhook for @mentions" in page) == requirements.webhook


def test_meta_kinds_name_their_permissions_and_limits():
    facebook = platform_requirements("facebook_page")
    assert {
        "pages_read_engagement",
        "pages_read_user_content (comments, visitor posts, recommendations)",
    } <= set(facebook.permissions)
    assert any(p.startswith("pages_manage_engagement") for p in facebook.permissions)
    assert any("No keyword search" in limit for limit in facebook.not_allowed)
    instagram = platform_requirements("instagram")
    assert {"instagram_basic", "pages_read_engagement", "pages_show_list"} <= set(instagram.permissions)
    assert any("30 unique hashtags" in limit for limit in instagram.not_allowed)
    assert any("No keyword search" in limit for limit in platform_requirements("linkedin").not_allowed)


def test_the_instagram_page_shows_the_callback_url_without_any_secret(admin_client, db):
    source = SourceFactory(
        name="Riverside Instagram",
        kind=Source.Kind.INSTAGRAM,
        config={"ig_user_id": "17841400008460056", "hospital_key": "hospital:riverside"},
        credentials=SECRETS,
    )
    page = admin_client.get(reverse("sources:source_detail", args=[source.pk])).content.decode()
    assert "http://testserver/sources/webhooks/meta/" in page
    assert "<strong>Ready:</strong>" in page
    assert "<code>mentions</code>" in page
    for key, value in SECRETS.items():
        assert value not in page, f"{key} is shown"
        assert value[:-4] not in page, f"more than the last four characters of {key} are shown"
    assert set(SECRETS) == set(SECRET_SETTINGS["instagram"])


def test_an_instagram_source_without_webhook_secrets_says_so(admin_client, db):
    source = SourceFactory(
        name="Riverside Instagram",
        kind=Source.Kind.INSTAGRAM,
        config={"ig_user_id": "17841400008460056", "hospital_key": "hospital:riverside"},
        credentials={"access_token": SECRETS["access_token"]},
    )
    page = admin_client.get(reverse("sources:source_detail", args=[source.pk])).content.decode()
    assert "<strong>Not set up:</strong>" in page


def test_the_create_page_for_instagram_offers_the_webhook_secrets(admin_client, db):
    page = admin_client.get(reverse("sources:source_create"), {"kind": "instagram"}).content.decode()
    assert "Webhook verify token (for @mentions)" in page
    assert "App secret (checks webhook signatures; adds appsecret_proof)" in page
    assert "Not set up" not in page and "Ready:" not in page, "a new source has no stored state to report"


def test_other_kinds_show_no_webhook(admin_client, db):
    source = SourceFactory(name="Riverside feed", kind=Source.Kind.FEEDS, config={"feeds": []})
    page = admin_client.get(reverse("sources:source_detail", args=[source.pk])).content.decode()
    assert "What News and alert feeds needs" in page
    assert "/sources/webhooks/meta/" not in page
