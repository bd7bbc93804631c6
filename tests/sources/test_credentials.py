"""Source credentials are encrypted at rest, rotate with their keys, and fail clearly under a wrong key."""

import importlib

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from sources.connectors.base import ConnectorError
from sources.fields import UnreadableCredentials
from sources.models import CoverageGap, Source
from sources.services import sync
from sources.services.credentials import encrypted_fields_reencrypt, secret_display, source_settings
from sources.services.sync import source_sync
from tests.factories import SourceFactory

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SECRET = "BSA-live-key-0123456789abcdef-7f3c"


def raw_column(source: Source) -> tuple[str, str]:
    """The credentials and config columns as stored, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials, config::text FROM sources_source WHERE id = %s", [source.pk])
        return cursor.fetchone()


def brave_source() -> Source:
    return SourceFactory(
        name="Brave",
        kind=Source.Kind.BRAVE_SEARCH,
        config={"endpoints": ["web"]},
        credentials={"api_key": SECRET},
    )


def test_the_database_column_never_holds_the_plain_secret(db):
    source = brave_source()
    stored, config = raw_column(source)
    assert SECRET not in stored and SECRET[-12:] not in stored
    assert SECRET not in config
    assert stored.startswith("gAAAAA")  # A Fernet token.


def test_credentials_round_trip_and_merge_into_the_connector_settings(db):
    source = brave_source()
    loaded = Source.objects.get(pk=source.pk)
    assert loaded.credentials == {"api_key": SECRET}
    assert source_settings(loaded) == {"endpoints": ["web"], "api_key": SECRET}


def test_no_credentials_store_an_empty_column(db):
    source = SourceFactory(name="Feeds", kind=Source.Kind.FEEDS)
    assert raw_column(source)[0] == ""
    assert Source.objects.get(pk=source.pk).credentials == {}


def test_a_new_key_first_still_reads_secrets_saved_under_the_old_one_and_reencrypts_them(db):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        source = brave_source()
        under_old_key = raw_column(source)[0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert Source.objects.get(pk=source.pk).credentials == {"api_key": SECRET}
        result = encrypted_fields_reencrypt()
        assert result.reencrypted["sources"] == 1 and result.unreadable == []
    assert raw_column(source)[0] != under_old_key
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert Source.objects.get(pk=source.pk).credentials == {"api_key": SECRET}


def test_a_changed_key_loads_as_unreadable_and_saving_keeps_the_ciphertext(db):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        source = brave_source()
        stored = raw_column(source)[0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        loaded = Source.objects.get(pk=source.pk)
        assert isinstance(loaded.credentials, UnreadableCredentials)
        with pytest.raises(ConnectorError, match="credentials cannot be read: the encryption key changed"):
            source_settings(loaded)
        loaded.name = "Brave web"
        loaded.save()
        assert encrypted_fields_reencrypt().unreadable == ["source Brave web"]
    assert raw_column(source)[0] == stored


def test_a_poll_under_a_changed_key_marks_the_source_broken_with_how_to_fix(db):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        source = brave_source()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        run = source_sync(source_id=source.pk)
    source.refresh_from_db()
    assert run.status == "failed"
    assert source.status == Source.Status.BROKEN
    assert "the encryption key changed" in source.last_error
    assert "FIELD_ENCRYPTION_KEYS" in source.how_to_fix
    assert CoverageGap.objects.get(source=source).reason == CoverageGap.Reason.CREDENTIALS


def test_the_poll_hands_the_connector_the_decrypted_secrets(db, monkeypatch):
    source = brave_source()
    seen = {}

    def capture(kind, settings):
        seen.update(settings)
        raise ConnectorError("stop here")

    monkeypatch.setattr(sync, "connector_for", capture)
    source_sync(source_id=source.pk)
    assert seen == {"endpoints": ["web"], "api_key": SECRET}


def test_a_key_that_is_not_a_fernet_key_is_a_configuration_error_naming_its_position(db):
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, "not-a-key"]),
        pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key") as raised,
    ):
        brave_source()
    assert "not-a-key" not in str(raised.value)


def test_the_migration_moves_known_secrets_out_of_config_and_back(db):
    migration = importlib.import_module("sources.migrations.0004_source_credentials_move_secrets")
    x = SourceFactory(name="X", kind=Source.Kind.X, config={"bearer_token": "AAAA-plain-token", "lang": "en"})
    feeds = SourceFactory(name="Feeds", kind=Source.Kind.FEEDS, config={"google_news": True})
    migration.secrets_to_credentials(apps, None)
    x.refresh_from_db()
    assert x.config == {"lang": "en"}
    assert x.credentials == {"bearer_token": "AAAA-plain-token"}
    assert "AAAA-plain-token" not in "".join(raw_column(x))
    assert Source.objects.get(pk=feeds.pk).config == {"google_news": True}
    migration.credentials_to_secrets(apps, None)
    x.refresh_from_db()
    assert x.config == {"bearer_token": "AAAA-plain-token", "lang": "en"}
    assert x.credentials == {}


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("api_key", SECRET, "••••7f3c"),
        ("api_key", "short-key", "set"),
        ("app_password", "abcd-efgh-ijkl-mnop-qrst", "set"),
        ("bearer_token", "", "not set"),
        ("bearer_token", None, "not set"),
    ],
)
def test_a_secret_is_shown_as_its_last_four_set_or_not_set(key, value, shown):
    assert secret_display(key, value) == shown


def test_a_secret_is_labelled_for_what_it_does_on_each_kind_of_source():
    from sources.constants import secret_label

    assert secret_label("x", "access_token") == "Access token, for replies"
    assert secret_label("instagram", "access_token") == "Access token (Instagram Graph API)"
    assert secret_label("linkedin", "access_token") == "Access token (Community Management API)"
    assert secret_label("brave_search", "api_key") == "API key"
