import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError

from administration.models import ConfigChange
from administration.services import (
    user_access_update,
    user_deactivate,
    user_invitation_send,
    user_invite,
    user_reactivate,
)
from tests.factories import UserFactory
from tests.triage.factories import TeamFactory

SITE = "http://testserver/"


def _user_changes(user) -> list[ConfigChange]:
    return list(
        ConfigChange.objects.filter(
            content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
        ).order_by("id")
    )


def test_user_invite_creates_an_account_nobody_can_sign_in_to_yet(ada, roles):
    team = TeamFactory(name="Billing")
    user = user_invite(
        actor=ada,
        email="Nia.Nurse@Example.org",
        first_name="Nia",
        last_name="Nurse",
        roles=[roles["Patient experience"]],
        teams=[team],
        site_url=SITE,
    )
    assert user.username == "nia.nurse@example.org"
    assert user.email == "Nia.Nurse@example.org"
    assert not user.has_usable_password()
    assert user.is_active and not user.is_staff
    assert list(user.groups.all()) == [roles["Patient experience"]]
    assert list(user.triage_teams.all()) == [team]
    [created] = _user_changes(user)
    assert created.actor == ada
    assert created.action == ConfigChange.Action.CREATED
    assert created.changes["groups"] == [None, ["Patient experience"]]
    assert created.changes["teams"] == [None, ["Billing"]]
    assert "password" not in created.changes
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Nia.Nurse@example.org"]


def test_user_invite_gives_django_admin_access_only_to_admins(ada, roles):
    admin = user_invite(actor=ada, email="a@example.org", roles=[roles["Admin"]], site_url=SITE)
    marketer = user_invite(actor=ada, email="m@example.org", roles=[roles["Marketing"]], site_url=SITE)
    assert admin.is_staff
    assert not marketer.is_staff


def test_user_invite_refuses_an_email_in_use_in_any_case(ada):
    with pytest.raises(ValidationError) as error:
        user_invite(actor=ada, email="ADA@example.org", site_url=SITE)
    assert "already has an account" in str(error.value)
    assert get_user_model().objects.filter(email__iexact="ada@example.org").count() == 1
    assert mail.outbox == []


def test_user_invitation_send_refuses_someone_who_already_has_a_password(ada):
    with pytest.raises(ValidationError, match="already set a password"):
        user_invitation_send(user=ada, site_url=SITE)
    assert mail.outbox == []


def test_user_access_update_records_roles_and_teams_before_and_after(ada, mo, roles):
    team = TeamFactory(name="Patient Experience")
    change = user_access_update(actor=ada, user=mo, roles=[roles["Patient experience"]], teams=[team])
    assert change.actor == ada
    assert change.changes == {
        "groups": [["Marketing"], ["Patient experience"]],
        "teams": [[], ["Patient Experience"]],
    }
    mo.refresh_from_db()
    assert list(mo.groups.all()) == [roles["Patient experience"]]


def test_user_access_update_that_changes_nothing_records_nothing(ada, mo, roles):
    assert user_access_update(actor=ada, user=mo, roles=[roles["Marketing"]], teams=[]) is None
    assert _user_changes(mo) == []


def test_user_access_update_follows_the_admin_role_with_staff_access(ada, mo, roles):
    change = user_access_update(actor=ada, user=mo, roles=[roles["Admin"]], teams=[])
    mo.refresh_from_db()
    assert mo.is_staff
    assert change.changes["is_staff"] == [False, True]


def test_admins_cannot_remove_their_own_admin_role(ada, roles):
    with pytest.raises(ValidationError, match="own Admin role"):
        user_access_update(actor=ada, user=ada, roles=[roles["Marketing"]], teams=[])
    assert ada.groups.filter(name="Admin").exists()


def test_admins_cannot_deactivate_themselves(ada):
    with pytest.raises(ValidationError, match="cannot deactivate yourself"):
        user_deactivate(actor=ada, user=ada)
    ada.refresh_from_db()
    assert ada.is_active


def test_user_deactivate_and_reactivate_are_recorded(ada, mo):
    user_deactivate(actor=ada, user=mo)
    mo.refresh_from_db()
    assert not mo.is_active
    user_reactivate(actor=ada, user=mo)
    mo.refresh_from_db()
    assert mo.is_active
    assert [c.changes for c in _user_changes(mo)] == [
        {"is_active": [True, False]},
        {"is_active": [False, True]},
    ]


def test_only_a_superuser_can_change_a_superuser(ada, roles):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError, match="superuser"):
        user_deactivate(actor=ada, user=root)
    with pytest.raises(ValidationError, match="superuser"):
        user_access_update(actor=ada, user=root, roles=[roles["Marketing"]], teams=[])
    other_root = UserFactory(username="other-root", is_superuser=True)
    user_deactivate(actor=other_root, user=root)
    root.refresh_from_db()
    assert not root.is_active


def test_integrations_accounts_stay_off_the_users_list(ada, mo, roles):
    from administration.selectors import user_list
    from api.services import integration_token_create

    integration_token_create(actor=ada, name="Patient relations CRM", role=roles["Marketing"], scope="read")

    assert sorted(user.username for user in user_list()) == ["ada", "mo"]
