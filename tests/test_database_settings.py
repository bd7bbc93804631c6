"""The database connection settings that base.py (production) gives every process."""

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db


def _show_check_interval(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW client_connection_check_interval")
        return cursor.fetchone()[0]


def test_a_connection_with_the_database_settings_checks_that_its_client_is_still_there():
    # A new connection made from settings.DATABASES exactly as base.py builds it (the test settings change
    # only the connection lifetime and the test database's name).
    connection = connections.create_connection("default")
    try:
        assert _show_check_interval(connection) == "1s"
    finally:
        connection.close()


def test_the_check_interval_comes_from_the_environment(monkeypatch):
    import importlib

    from hospitallisten.settings import base

    monkeypatch.setenv("DB_CLIENT_CONNECTION_CHECK_INTERVAL", "2500")
    try:
        options = importlib.reload(base).DATABASES["default"]["OPTIONS"]["options"]
    finally:
        monkeypatch.delenv("DB_CLIENT_CONNECTION_CHECK_INTERVAL")
        importlib.reload(base)
    assert options == "-c client_connection_check_interval=2500"


def test_a_check_interval_given_in_the_database_url_wins(monkeypatch):
    import importlib

    from hospitallisten.settings import base

    monkeypatch.setenv(
        "DATABASE_URL",
        "postgres://postgres@127.0.0.1:5432/hospitallisten?options=-c%20client_connection_check_interval%3D200",
    )
    try:
        options = importlib.reload(base).DATABASES["default"]["OPTIONS"]["options"]
    finally:
        monkeypatch.undo()
        importlib.reload(base)
    assert options == "-c client_connection_check_interval=200"
