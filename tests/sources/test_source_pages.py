"""The sources page for admins: list, detail, edit with write-only secrets, create, test connection."""

import json

import pytest
import responses
from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse

from administration import roles
from administration.models import ConfigChange
from sources.models import Source, SyncRun
from tests.factories import SourceFactory, UserFactory

SECRET = "BSA-live-key-0123456789abcdef-7f3c"
NEW_SECRET = "BSA-rotated-key-fedcba9876543210-91ab"
BRAVE_WEB = "https://api.search.brave.com/res/v1/web/search"


@pytest.fixture
def admin(user_with_role):
    return user_with_role(roles.ADMIN, username="ada", first_name="Ada")


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def brave(db):
    return SourceFactory(
        name="Brave web",
        kind=Source.Kind.BRAVE_SEARCH,
        config={"endpoints": ["web"], "fetch_pages": 0},
        credentials={"api_key": SECRET},
        poll_interval_minutes=60,
    )


def edit_data(**changes) -> dict:
    data = {
        "name": "Brave web",
        "is_enabled": "on",
        "poll_interval_minutes": "60",
        "monthly_budget_usd": "",
        "config": json.dumps({"endpoints": ["web"], "fetch_pages": 0}),
        "secret_api_key": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_list_shows_each_source_with_schedule_last_run_and_rate_limit(admin_client, brave):
    SyncRun.objects.create(
        source=brave,
        status=SyncRun.Status.FAILED,
        items_fetched=40,
        mentions_new=7,
        rate_limit_wait_seconds=900,
    )
    SyncRun.objects.filter(source=brave).update(finished_at=SyncRun.objects.get(source=brave).started_at)
    content = admin_client.get(reverse("sources:source_list")).content.decode()
    assert "Brave web" in content
    assert "Every 60 min" in content
    assert "40 fetched, 7 new" in content
    assert "Rate limited" in content
    assert SECRET not in content


def test_the_detail_page_shows_the_secret_masked_and_never_in_full(admin_client, brave):
    content = admin_client.get(reverse("sources:source_detail", args=[brave.pk])).content.decode()
    assert "••••7f3c" in content
    assert SECRET not in content
    assert "Test connection" in content
    assert 'name="secret_api_key"' in content


def test_a_broken_source_shows_the_reason_and_how_to_fix_first(admin_client, brave):
    Source.objects.filter(pk=brave.pk).update(
        status=Source.Status.BROKEN,
        last_error="Brave answered 422: SUBSCRIPTION_TOKEN_INVALID",
        how_to_fix="Create a new API key in the Brave Search API dashboard.",
    )
    content = admin_client.get(reverse("sources:source_detail", args=[brave.pk])).content.decode()
    assert "This source is broken and is not being polled" in content
    assert "Create a new API key" in content


def test_an_edit_saves_and_records_history_without_the_secret(admin_client, admin, brave):
    response = admin_client.post(
        reverse("sources:source_edit", args=[brave.pk]),
        edit_data(poll_interval_minutes="30", secret_api_key=NEW_SECRET, monthly_budget_usd="25"),
    )
    assert response.status_code == 302
    brave.refresh_from_db()
    assert brave.poll_interval_minutes == 30
    assert brave.credentials == {"api_key": NEW_SECRET}
    change = ConfigChange.objects.get(action="changed", object_id=str(brave.pk))
    assert change.actor == admin
    assert change.changes["poll_interval_minutes"] == [60, 30]
    assert change.changes["credentials.api_key"] == ["(changed)", "(changed)"]
    stored = json.dumps(change.changes)
    assert SECRET not in stored and NEW_SECRET not in stored


def test_a_blank_secret_keeps_the_stored_one_and_clear_removes_it(admin_client, brave):
    admin_client.post(reverse("sources:source_edit", args=[brave.pk]), edit_data(poll_interval_minutes="45"))
    brave.refresh_from_db()
    assert brave.credentials == {"api_key": SECRET}
    response = admin_client.post(
        reverse("sources:source_edit", args=[brave.pk]), edit_data(is_enabled=None, clear_api_key="on")
    )
    assert response.status_code == 302
    brave.refresh_from_db()
    assert brave.credentials == {}
    assert not brave.is_enabled


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"config": '{"endpoints": ["web"'}, "This is not valid JSON"),
        ({"config": '["web"]'}, "must be a JSON object"),
        ({"config": json.dumps({"api_key": "x"})}, "api_key is a secret"),
        ({"config": json.dumps({"max_pages": 99})}, "max_pages must be a whole number from 1 to 10"),
        ({"poll_interval_minutes": "0"}, "greater than or equal to 1"),
        ({"secret_api_key": "new", "clear_api_key": "on"}, "not both"),
    ],
)
def test_form_errors_say_what_to_fix_and_never_echo_a_secret(admin_client, brave, changes, message):
    data = edit_data(**{"secret_api_key": NEW_SECRET, **changes})
    response = admin_client.post(reverse("sources:source_edit", args=[brave.pk]), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert NEW_SECRET not in content and SECRET not in content
    brave.refresh_from_db()
    assert brave.credentials == {"api_key": SECRET}
    assert not ConfigChange.objects.exists()


def test_an_enabled_source_needs_the_secrets_its_connector_requires(admin_client, brave):
    response = admin_client.post(
        reverse("sources:source_edit", args=[brave.pk]), edit_data(clear_api_key="on")
    )
    assert "has no API key" in response.content.decode()


def test_fixing_a_broken_source_puts_it_back_on_the_schedule(admin_client, brave):
    Source.objects.filter(pk=brave.pk).update(
        status=Source.Status.BROKEN, last_error="401", how_to_fix="New key"
    )
    admin_client.post(reverse("sources:source_edit", args=[brave.pk]), edit_data(secret_api_key=NEW_SECRET))
    brave.refresh_from_db()
    assert (brave.status, brave.last_error, brave.next_poll_at) == (Source.Status.NEW, "", None)


def test_create_picks_a_kind_then_saves_the_source_and_its_history(admin_client, admin):
    assert b"Web search (Brave)" in admin_client.get(reverse("sources:source_create")).content
    url = reverse("sources:source_create") + "?kind=brave_search"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, edit_data(name="Brave news", secret_api_key=SECRET))
    source = Source.objects.get(name="Brave news")
    assert response.status_code == 302 and response.url == reverse("sources:source_detail", args=[source.pk])
    assert source.kind == "brave_search" and source.credentials == {"api_key": SECRET}
    change = ConfigChange.objects.get(action="created")
    assert change.changes["credentials.api_key"] == ["(changed)", "(changed)"]
    assert SECRET not in json.dumps(change.changes)


def test_create_refuses_a_name_in_use(admin_client, brave):
    url = reverse("sources:source_create") + "?kind=brave_search"
    response = admin_client.post(url, edit_data(name="brave WEB", secret_api_key=SECRET))
    assert "already called" in response.content.decode()


@responses.activate
def test_test_connection_shows_ok(admin_client, brave):
    responses.get(BRAVE_WEB, json={"type": "search", "web": {"results": [{"url": "https://a.example"}]}})
    content = admin_client.post(reverse("sources:source_test", args=[brave.pk])).content.decode()
    assert "Connection OK." in content
    assert "1 result(s)" in content
    assert SECRET not in content


@responses.activate
def test_test_connection_shows_the_error_and_how_to_fix(admin_client, brave):
    responses.get(
        BRAVE_WEB,
        status=422,
        json={"type": "ErrorResponse", "error": {"status": 422, "code": "SUBSCRIPTION_TOKEN_INVALID"}},
    )
    content = admin_client.post(reverse("sources:source_test", args=[brave.pk])).content.decode()
    assert "Connection failed." in content
    assert "How to fix:" in content and "API key" in content


@responses.activate
def test_test_connection_shows_a_rate_limit(admin_client, brave):
    responses.get(
        BRAVE_WEB, status=429, headers={"X-RateLimit-Reset": "30, 100"}, json={"type": "ErrorResponse"}
    )
    content = admin_client.post(reverse("sources:source_test", args=[brave.pk])).content.decode()
    assert "Connection failed." in content
    assert "Rate limited" in content


@responses.activate
def test_a_passing_test_puts_a_broken_source_back_on_the_schedule(admin_client, brave):
    Source.objects.filter(pk=brave.pk).update(status=Source.Status.BROKEN, last_error="401")
    responses.get(BRAVE_WEB, json={"type": "search", "web": {"results": []}})
    content = admin_client.post(reverse("sources:source_test", args=[brave.pk])).content.decode()
    assert "polling resumes" in content
    brave.refresh_from_db()
    assert brave.status == Source.Status.NEW


def test_under_a_changed_key_the_pages_say_so_instead_of_crashing(admin_client, brave):
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        listing = admin_client.get(reverse("sources:source_list")).content.decode()
        detail = admin_client.get(reverse("sources:source_detail", args=[brave.pk])).content.decode()
        check = admin_client.post(reverse("sources:source_test", args=[brave.pk])).content.decode()
    assert "Credentials cannot be read: the encryption key changed" in listing
    assert "the encryption key changed" in detail
    assert "credentials cannot be read: the encryption key changed" in check


def test_a_marketer_gets_403_on_the_sources_pages_but_sees_coverage(marketer_client, brave):
    assert marketer_client.get(reverse("sources:source_list")).status_code == 403
    assert marketer_client.get(reverse("sources:source_detail", args=[brave.pk])).status_code == 403
    assert marketer_client.get(reverse("sources:source_create")).status_code == 403
    assert (
        marketer_client.post(reverse("sources:source_edit", args=[brave.pk]), edit_data()).status_code == 403
    )
    assert marketer_client.post(reverse("sources:source_test", args=[brave.pk])).status_code == 403
    assert marketer_client.get(reverse("sources:coverage")).status_code == 200


def test_a_viewer_without_change_permission_sees_no_form_and_cannot_edit(client, brave):
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(viewer)
    content = client.get(reverse("sources:source_detail", args=[brave.pk])).content.decode()
    assert "Test connection" not in content and 'name="secret_api_key"' not in content
    assert client.post(reverse("sources:source_edit", args=[brave.pk]), edit_data()).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, brave):
    for url in (reverse("sources:source_list"), reverse("sources:source_detail", args=[brave.pk])):
        assert client.get(url).status_code == 302
    assert client.post(reverse("sources:source_edit", args=[brave.pk])).status_code == 302
