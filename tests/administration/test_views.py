import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from administration.models import ConfigChange
from tests.factories import UserFactory
from tests.triage.factories import NoteFactory, TeamFactory


def _urls(user_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("administration:user_list")),
        ("get", reverse("administration:user_invite")),
        ("post", reverse("administration:user_invite")),
        ("get", reverse("administration:user_edit", args=[user_id])),
        ("post", reverse("administration:user_edit", args=[user_id])),
        ("post", reverse("administration:user_deactivate", args=[user_id])),
        ("post", reverse("administration:user_reactivate", args=[user_id])),
        ("post", reverse("administration:user_invite_resend", args=[user_id])),
        ("get", reverse("administration:history")),
    ]


def test_every_page_is_forbidden_to_marketing(client, mo, ada):
    client.force_login(mo)
    for method, url in _urls(ada.pk):
        assert getattr(client, method)(url).status_code == 403, url
    ada.refresh_from_db()
    assert ada.is_active


def test_every_page_sends_anonymous_visitors_to_sign_in(client, ada):
    for method, url in _urls(ada.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_user_list_shows_names_roles_teams_state_and_last_sign_in(ada_client, ada, mo, roles):
    TeamFactory(name="Risk Management").members.add(mo)
    UserFactory(username="gone", first_name="Gone", is_active=False)
    response = ada_client.get(reverse("administration:user_list"))
    assert response.status_code == 200
    rows = {person.username: person for person in response.context["page"].object_list}
    assert rows["ada"].state == "active"
    assert rows["gone"].state == "deactivated"
    content = response.content.decode()
    assert "Mo" in content and "mo@example.org" in content
    assert "Risk Management" in content and "Marketing" in content
    assert "Deactivated" in content and "Never" in content


def test_user_list_search_and_state_filter(ada_client, ada, mo):
    nia = UserFactory(username="nia@example.org", email="nia@example.org", first_name="Nia")
    nia.set_unusable_password()
    nia.save()
    response = ada_client.get(reverse("administration:user_list"), {"q": "nia"})
    assert [p.username for p in response.context["page"].object_list] == ["nia@example.org"]
    response = ada_client.get(reverse("administration:user_list"), {"state": "invited"})
    assert [p.username for p in response.context["page"].object_list] == ["nia@example.org"]
    assert b"Invited" in response.content
    response = ada_client.get(reverse("administration:user_list"), {"q": "Ada Admin"})
    assert [p.username for p in response.context["page"].object_list] == ["ada"]


def test_user_list_shows_an_empty_state_when_nobody_matches(ada_client):
    response = ada_client.get(reverse("administration:user_list"), {"q": "nobody-like-this"})
    assert b"Nobody matches" in response.content


def test_user_list_paginates(ada_client):
    UserFactory.create_batch(55)
    response = ada_client.get(reverse("administration:user_list"), {"q": "user", "page": 2})
    page = response.context["page"]
    assert page.number == 2 and page.paginator.num_pages == 2
    assert b"Page 2 of 2" in response.content
    assert b"q=user&amp;page=1" in response.content


def test_user_list_does_not_query_per_user(ada_client, django_assert_max_num_queries, roles):
    team = TeamFactory(name="Billing")
    for number in range(20):
        person = UserFactory(username=f"p{number}")
        person.groups.add(roles["Marketing"])
        team.members.add(person)
    with django_assert_max_num_queries(12):
        ada_client.get(reverse("administration:user_list"))


def _signs_in(client_class, username: str, password: str) -> bool:
    """Through the sign-in page, as a person would (and as the sign-in throttling expects)."""
    response = client_class().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _invitation_path(message) -> str:
    return re.search(r"http://testserver(/settings/invitation/\S+/)", message.body).group(1)


def test_an_invitation_lets_the_new_user_set_a_password_and_sign_in(client, ada_client, roles):
    team = TeamFactory(name="Patient Experience")
    response = ada_client.post(
        reverse("administration:user_invite"),
        {
            "email": "nia@example.org",
            "first_name": "Nia",
            "last_name": "Nurse",
            "roles": [roles["Patient experience"].pk],
            "teams": [team.pk],
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Nia" in mail.outbox[0].body and "nia@example.org" in mail.outbox[0].body
    nia = get_user_model().objects.get(email="nia@example.org")
    assert list(nia.triage_teams.all()) == [team]
    assert ConfigChange.objects.filter(
        object_id=str(nia.pk), action="created", actor__username="ada"
    ).exists()

    invitee = client.__class__()
    link = _invitation_path(mail.outbox[0])
    # Django's view swaps the token for a session key and redirects, so the token never leaks as a Referer.
    response = invitee.get(link, follow=True)
    assert response.status_code == 200 and response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    response = invitee.post(form_url, {"new_password1": "sunny-lobby-41", "new_password2": "sunny-lobby-41"})
    assert response.status_code == 302 and response["Location"] == reverse("login")

    response = invitee.post(reverse("login"), {"username": "nia@example.org", "password": "sunny-lobby-41"})
    assert response.status_code == 302
    assert invitee.get(reverse("administration:user_list")).status_code == 403  # signed in, not an admin
    # A link works once.
    response = client.__class__().get(link, follow=True)
    assert not response.context["validlink"]
    assert b"This link no longer works" in response.content


def test_an_invitation_link_stops_working_when_the_user_is_deactivated(client, ada_client, ada):
    ada_client.post(reverse("administration:user_invite"), {"email": "nia@example.org", "first_name": "Nia"})
    nia = get_user_model().objects.get(email="nia@example.org")
    ada_client.post(reverse("administration:user_deactivate", args=[nia.pk]))
    response = client.__class__().get(_invitation_path(mail.outbox[0]), follow=True)
    assert not response.context["validlink"]


def test_inviting_an_email_in_use_shows_a_form_error(ada_client, mo):
    response = ada_client.post(
        reverse("administration:user_invite"), {"email": "MO@example.org", "first_name": "Mo again"}
    )
    assert response.status_code == 200
    assert "already has an account" in response.context["form"].errors["email"][0]
    assert b"already has an account" in response.content
    assert mail.outbox == []


def test_resending_an_invitation_sends_a_new_link(ada_client):
    ada_client.post(reverse("administration:user_invite"), {"email": "nia@example.org", "first_name": "Nia"})
    nia = get_user_model().objects.get(email="nia@example.org")
    assert b"Resend invitation" in ada_client.get(reverse("administration:user_edit", args=[nia.pk])).content
    response = ada_client.post(reverse("administration:user_invite_resend", args=[nia.pk]), follow=True)
    assert b"Invitation sent again" in response.content
    assert len(mail.outbox) == 2


def test_resending_to_someone_with_a_password_is_refused(ada_client, mo):
    response = ada_client.post(reverse("administration:user_invite_resend", args=[mo.pk]), follow=True)
    assert b"already set a password" in response.content
    assert mail.outbox == []


def test_editing_roles_and_teams_records_a_config_change(ada_client, ada, mo, roles):
    team = TeamFactory(name="Billing")
    response = ada_client.post(
        reverse("administration:user_edit", args=[mo.pk]),
        {"roles": [roles["Patient experience"].pk, roles["Reply approver"].pk], "teams": [team.pk]},
    )
    assert response.status_code == 302
    change = ConfigChange.objects.get(object_id=str(mo.pk))
    assert change.actor == ada
    assert change.changes == {
        "groups": [["Marketing"], ["Patient experience", "Reply approver"]],
        "teams": [[], ["Billing"]],
    }
    page = ada_client.get(reverse("administration:user_edit", args=[mo.pk]))
    assert b"Marketing \xe2\x86\x92 Patient experience, Reply approver" in page.content


def test_admins_see_an_error_when_removing_their_own_admin_role(ada_client, ada, roles):
    response = ada_client.post(reverse("administration:user_edit", args=[ada.pk]), {"roles": []})
    assert response.status_code == 200
    assert b"You cannot remove your own Admin role" in response.content
    assert ada.groups.filter(name="Admin").exists()


def test_admins_cannot_deactivate_themselves(ada_client, ada):
    page = ada_client.get(reverse("administration:user_edit", args=[ada.pk]))
    assert reverse("administration:user_deactivate", args=[ada.pk]).encode() not in page.content
    response = ada_client.post(reverse("administration:user_deactivate", args=[ada.pk]), follow=True)
    assert b"You cannot deactivate yourself" in response.content
    ada.refresh_from_db()
    assert ada.is_active


def test_a_deactivated_user_cannot_sign_in_but_keeps_their_name_on_notes(client, ada_client, ada, roles):
    bob = UserFactory(username="bob", first_name="Bob")
    note = NoteFactory(author=bob, text="Called the family back.")
    bob_client = client.__class__()
    bob_client.force_login(bob)

    ada_client.post(reverse("administration:user_deactivate", args=[bob.pk]))

    bob.refresh_from_db()
    assert not bob.is_active
    assert not _signs_in(client.__class__, "bob", "secret-password")
    # A session opened before stops working at once.
    assert bob_client.get(reverse("dashboards:overview")).status_code == 302
    page = ada_client.get(reverse("triage:queue_item", args=[note.item_id]))
    assert page.status_code == 200
    assert b"Called the family back." in page.content
    assert b"bob," in page.content
    assert ConfigChange.objects.get(object_id=str(bob.pk)).changes == {"is_active": [True, False]}


def test_a_reactivated_user_can_sign_in_again(client, ada_client):
    bob = UserFactory(username="bob", is_active=False)
    response = ada_client.post(reverse("administration:user_reactivate", args=[bob.pk]), follow=True)
    assert b"can sign in again" in response.content
    assert _signs_in(client.__class__, "bob", "secret-password")
