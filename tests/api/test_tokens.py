"""Integration tokens: only a hash is kept, revoked tokens are refused, and use is noted."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from administration import roles
from administration.models import ConfigChange
from api.models import IntegrationToken
from api.services import integration_token_authenticate, integration_token_create, integration_token_revoke
from tests.api.conftest import role_group

pytestmark = pytest.mark.django_db
MENTIONS = "/api/v1/mentions/"


def test_it_stores_only_a_hash_of_the_token(db):
    created = integration_token_create(actor=None, name="CRM", role=role_group(roles.MARKETING), scope="read")
    row = IntegrationToken.objects.get()
    assert created.token.startswith("hl_") and len(created.token) > 40
    assert row.key_hash == hashlib.sha256(created.token.encode()).hexdigest()
    stored = [str(value) for value in IntegrationToken.objects.values().get().values()]
    assert not any(created.token in value for value in stored)
    assert created.token.startswith(row.prefix) and len(row.prefix) < 12


def test_the_token_acts_as_an_account_that_cannot_sign_in(db):
    created = integration_token_create(
        actor=None, name="CRM", role=role_group(roles.PATIENT_EXPERIENCE), scope="read"
    )
    account = created.integration.account
    assert not account.is_active and not account.has_usable_password()
    # It holds no role itself: what the token may do comes from the token's role alone.
    assert not account.groups.exists()


def test_a_revoked_token_is_refused(make_token, api_client):
    token = make_token(roles.MARKETING)
    client = api_client(token)
    assert client.get(MENTIONS).status_code == 200

    assert integration_token_revoke(actor=None, integration=IntegrationToken.objects.get())
    response = client.get(MENTIONS)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert not integration_token_revoke(actor=None, integration=IntegrationToken.objects.get())


@pytest.mark.parametrize(
    "header",
    ["Bearer hl_not-a-real-token", "Bearer", "Bearer two words", "Bearer not-our-prefix"],
)
def test_a_wrong_token_is_refused(api_client, header):
    client = api_client(None)
    response = client.get(MENTIONS, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_notes_when_a_token_was_last_used_at_most_once_a_minute(make_token):
    token = make_token(roles.MARKETING)
    start = timezone.now()
    assert integration_token_authenticate(token=token, now=start).last_used_at == start
    integration_token_authenticate(token=token, now=start + timedelta(seconds=30))
    assert IntegrationToken.objects.get().last_used_at == start
    later = start + timedelta(minutes=2)
    integration_token_authenticate(token=token, now=later)
    assert IntegrationToken.objects.get().last_used_at == later


def test_creating_and_revoking_is_in_the_configuration_history(db):
    created = integration_token_create(actor=None, name="CRM", role=role_group(roles.MARKETING), scope="read")
    integration_token_revoke(actor=None, integration=created.integration)
    changes = list(ConfigChange.objects.order_by("at", "id").values_list("action", "changes"))
    assert [action for action, _ in changes] == ["created", "changed"]
    assert "key_hash" not in changes[0][1] and created.token not in str(changes)
    assert list(changes[1][1]) == ["revoked_at"]


# --- The settings page ---------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, user_with_role):
    client.force_login(user_with_role(roles.ADMIN, username="root"))
    return client


def test_an_admin_creates_a_token_and_sees_it_once(admin_client):
    marketing = Group.objects.get(name=roles.MARKETING)
    response = admin_client.post(
        reverse("integrations:token_create"), {"name": "Salesforce", "role": marketing.pk, "scope": "read"}
    )
    assert response.status_code == 200
    token = response.context["created"].token
    assert token in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    listing = admin_client.get(reverse("integrations:token_list")).content.decode()
    assert "Salesforce" in listing and token not in listing
    row = IntegrationToken.objects.get()
    assert (row.name, row.role, row.scope, row.created_by.username) == (
        "Salesforce",
        marketing,
        "read",
        "root",
    )


def test_the_create_form_says_what_to_fix(admin_client):
    response = admin_client.post(reverse("integrations:token_create"), {"name": "", "scope": "admin"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "role", "scope"}
    assert not IntegrationToken.objects.exists()


def test_an_admin_revokes_a_token_from_the_page(admin_client, make_token, api_client):
    token = make_token(roles.MARKETING)
    row = IntegrationToken.objects.get()
    response = admin_client.post(reverse("integrations:token_revoke", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by.username == "root"
    assert api_client(token).get(MENTIONS).status_code == 401
    assert "Revoked" in admin_client.get(reverse("integrations:token_list")).content.decode()


def test_only_admins_hold_the_integrations_permission():
    holders = [role for role in roles.ROLES if "api.manage_integrations" in roles.ROLE_PERMISSIONS[role]]
    assert holders == [roles.ADMIN]
