"""Security basics: sign-in throttling, sessions, CSRF on every form, headers, CSP, a clean deploy check."""

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = BASE_DIR / "templates"


@pytest.fixture
def nurse(db):
    return UserFactory(username="nurse")


def _sign_in(client, password: str, username: str = "nurse"):
    return client.post(reverse("login"), {"username": username, "password": password})


def _fail(client, times: int, username: str = "nurse") -> None:
    for _ in range(times):
        response = _sign_in(client, "wrong-password", username)
        assert response.status_code == 200, "a wrong password below the limit shows the form again"


def _lock_out(client, username: str = "nurse") -> None:
    _fail(client, settings.AXES_FAILURE_LIMIT - 1, username)
    assert _sign_in(client, "wrong-password", username).status_code == 429


def test_it_refuses_the_right_password_after_five_failures(client, nurse):
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    response = _sign_in(client, "wrong-password")
    assert response.status_code == 429
    assert b"Sign-in paused" in response.content
    assert b"Try again in 15 minutes" in response.content

    response = _sign_in(client, "secret-password")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_shows_why_a_sign_in_failed_and_what_the_limit_is(client, nurse):
    response = _sign_in(client, "wrong-password")
    assert b"Please enter a correct username and password" in response.content
    assert b"After 5 failed attempts in a row" in response.content


def test_it_allows_sign_in_again_after_the_cool_off(client, nurse):
    _lock_out(client)
    # The cool-off counts from the last failure: move it back past the cool-off time.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = _sign_in(client, "secret-password")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(nurse.pk)


def test_it_allows_sign_in_again_after_an_admin_reset(client, nurse):
    _lock_out(client)
    call_command("axes_reset_username", "nurse", verbosity=0)
    assert _sign_in(client, "secret-password").status_code == 302


def test_it_forgets_failures_after_a_successful_sign_in(client, nurse):
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert _sign_in(client, "secret-password").status_code == 302
    client.logout()
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert _sign_in(client, "secret-password").status_code == 302


def test_it_locks_the_username_and_address_pair_only(client, nurse):
    UserFactory(username="doctor")
    _lock_out(client)
    # Another user at the same address is not locked out by someone guessing the nurse's password...
    assert _sign_in(client, "secret-password", username="doctor").status_code == 302
    client.logout()
    # ...and the nurse can still sign in from another address.
    response = client.post(
        reverse("login"),
        {"username": "nurse", "password": "secret-password"},
        REMOTE_ADDR="10.0.0.7",
    )
    assert response.status_code == 302


def test_the_failure_limit_and_cool_off_are_configurable(client, nurse, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _fail(client, 1)
    assert _sign_in(client, "wrong-password").status_code == 429


def test_sessions_expire_after_a_shift_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_the_session_cookie_is_http_only_and_not_persistent(client, nurse):
    _sign_in(client, "secret-password")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"], "a browser-session cookie has no expiry"


def _template_files() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post\b[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)


def test_every_post_form_in_the_templates_carries_a_csrf_token():
    forms = [(path, body) for path in _template_files() for body in POST_FORM.findall(path.read_text())]
    assert len(forms) > 5, "the scan found the templates' forms"
    missing = [str(path.relative_to(BASE_DIR)) for path, body in forms if "{% csrf_token %}" not in body]
    assert missing == []


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)


def test_every_inline_script_in_the_templates_carries_the_csp_nonce():
    """Data blocks (json_script, type="application/json") never run: the policy need not allow them."""
    missing = []
    for path in _template_files():
        for attributes in INLINE_SCRIPT.findall(path.read_text()):
            if "application/json" in attributes:
                continue
            if 'nonce="{{ request.csp_nonce }}"' not in attributes:
                missing.append(str(path.relative_to(BASE_DIR)))
    assert missing == []


def test_pages_send_the_security_headers(client, nurse):
    client.force_login(nurse)
    response = client.get(reverse("dashboards:overview"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self'")
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"


def test_the_sign_in_page_sends_the_policy_too(client, db):
    response = client.get(reverse("login"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def _environment_without_overrides() -> dict[str, str]:
    """This process's environment without what the suite sets for itself (the browser tests' async
    override, test settings, http-only), so a subprocess sees the settings' own defaults."""
    dropped = {"DEBUG", "HTTPS", "SECURE_HSTS_SECONDS", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS"}
    return {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith("DJANGO_")
    }


def test_the_deploy_check_is_clean_under_production_settings(tmp_path):
    """The production defaults as a real start sees them: base settings, DEBUG off, only the required env."""
    environment = _environment_without_overrides()
    environment.update(
        DJANGO_SETTINGS_MODULE="hospitallisten.settings.base",
        SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="listen.example.org",
        DEBUG="false",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_turn_https_on_and_the_local_run_turns_it_off():
    script = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )

    def effective(**env) -> str:
        environment = _environment_without_overrides()
        environment.update(
            DJANGO_SETTINGS_MODULE="hospitallisten.settings.base",
            SECRET_KEY="x" * 60,
            FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
            **env,
        )
        command = [sys.executable, "-c", f"import django; django.setup(); {script}"]
        return subprocess.run(command, cwd=BASE_DIR, env=environment, capture_output=True, text=True).stdout

    assert effective(DEBUG="false").split() == ["True", "True", "True", "31536000"]
    assert effective(DEBUG="false", HTTPS="false").split() == ["False", "False", "False", "0"]
    assert effective(DEBUG="true").split() == ["False", "False", "False", "0"]
