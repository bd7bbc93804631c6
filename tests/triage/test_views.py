"""The queue pages: who may see and act, the list order and filters, actions and the reply check."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from administration import roles
from tests.triage.factories import ComplaintFactory
from triage.models import AuditEntry, QueueItem
from triage.services import queue_item_ensure


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def manager_client(client, alice, user_with_role):
    client.force_login(user_with_role(roles.PATIENT_EXPERIENCE, user=alice))
    return client


@pytest.fixture
def items(db):
    parking = queue_item_ensure(mention=ComplaintFactory(category="facilities_environment", severity="low"))
    safety = queue_item_ensure(
        mention=ComplaintFactory(category="safety", severity="critical", text="Wrong drug")
    )
    return {"parking": parking, "safety": safety}


def test_the_queue_needs_permission(client, charlie, items):
    client.force_login(charlie)
    assert client.get(reverse("triage:queue_list")).status_code == 403
    assert client.get(reverse("triage:queue_item", args=[items["safety"].pk])).status_code == 403


def test_the_queue_lists_safety_before_parking(manager_client, items):
    response = manager_client.get(reverse("triage:queue_list"))
    assert [item.pk for item in response.context["page"].object_list] == [
        items["safety"].pk,
        items["parking"].pk,
    ]
    assert b"Critical" in response.content


def test_the_queue_filters_by_category_and_saved_view(manager_client, items, alice):
    listed = (
        manager_client.get(reverse("triage:queue_list"), {"category": "safety"}).context["page"].object_list
    )
    assert [item.pk for item in listed] == [items["safety"].pk]
    listed = (
        manager_client.get(reverse("triage:queue_list"), {"view": "critical"}).context["page"].object_list
    )
    assert [item.pk for item in listed] == [items["safety"].pk]


def test_the_queue_empty_state(manager_client):
    assert b"Nothing in this view" in manager_client.get(reverse("triage:queue_list")).content


def test_assigning_and_moving_an_item_is_audited(manager_client, items, alice):
    item = items["parking"]
    url = reverse("triage:queue_item_action", args=[item.pk, "assign"])
    manager_client.post(url, {"assignee": alice.pk})
    manager_client.post(
        reverse("triage:queue_item_action", args=[item.pk, "transition"]), {"status": "in_progress"}
    )
    item.refresh_from_db()
    assert (item.assignee, item.status) == (alice, QueueItem.Status.IN_PROGRESS)
    actions = list(AuditEntry.objects.filter(item=item, actor=alice).values_list("action", flat=True))
    assert {"assigned", "status_changed"} <= set(actions)
    page = manager_client.get(reverse("triage:queue_item", args=[item.pk]))
    assert b"History" in page.content and b"Assigned" in page.content


def test_an_illegal_move_is_refused_with_a_clear_message(manager_client, items):
    item = items["parking"]
    response = manager_client.post(
        reverse("triage:queue_item_action", args=[item.pk, "transition"]), {"status": "replied"}, follow=True
    )
    assert "Cannot move a queue item from" in response.content.decode()
    item.refresh_from_db()
    assert item.status == QueueItem.Status.NEW


def test_dismissing_needs_a_reason(manager_client, items):
    item = items["parking"]
    url = reverse("triage:queue_item_action", args=[item.pk, "transition"])
    manager_client.post(url, {"status": "dismissed"})
    item.refresh_from_db()
    assert item.status == QueueItem.Status.NEW
    manager_client.post(url, {"status": "dismissed", "reason": "spam"})
    item.refresh_from_db()
    assert (item.status, item.dismiss_reason) == (QueueItem.Status.DISMISSED, "spam")


def test_notes_and_bulk_dismiss(manager_client, items):
    item = items["parking"]
    manager_client.post(
        reverse("triage:queue_item_action", args=[item.pk, "note"]), {"text": "Called facilities"}
    )
    assert item.notes.get().text == "Called facilities"
    response = manager_client.post(
        reverse("triage:queue_bulk"),
        {"action": "dismiss", "reason": "duplicate", "items": [items["parking"].pk, items["safety"].pk]},
        follow=True,
    )
    assert b"Updated 2 items." in response.content
    assert QueueItem.objects.filter(status=QueueItem.Status.DISMISSED).count() == 2


def test_a_bulk_action_without_its_value_says_what_to_choose(manager_client, items):
    response = manager_client.post(
        reverse("triage:queue_bulk"), {"action": "assign", "items": [items["parking"].pk]}, follow=True
    )
    assert b"Choose a value for this bulk action." in response.content


def test_the_reply_check_blocks_phi_and_passes_a_safe_reply(manager_client, items):
    url = reverse("triage:reply_check", args=[items["safety"].pk])
    blocked = manager_client.post(url, {"text": "We reviewed your chart and your surgery went well."}).json()
    assert blocked["blocked"] is True and blocked["findings"]
    safe = manager_client.post(
        url, {"text": "We're sorry to hear this. Please contact our Patient Experience team so we can help."}
    ).json()
    assert safe == {"blocked": False, "findings": [], "suggestion": "", "length": 84, "limit": 280}


def test_people_without_change_permission_cannot_act(client, bob, items):
    grant(bob, "view_queueitem")
    client.force_login(bob)
    response = client.post(
        reverse("triage:queue_item_action", args=[items["parking"].pk, "note"]), {"text": "x"}
    )
    assert response.status_code == 403


def test_a_reply_goes_from_draft_through_approval_and_needs_an_account_to_post(
    client, manager_client, items, bob, settings, user_with_role
):
    from triage.models import Reply

    settings.REPLY_APPROVAL_REQUIRED = True
    item = items["parking"]
    act = lambda c, action, **data: c.post(  # noqa: E731
        reverse("triage:queue_item_action", args=[item.pk, action]), data, follow=True
    )

    blocked = act(
        manager_client, "reply-save", text="Mrs. Smith's surgery went well, we reviewed your chart."
    )
    assert b"Blocked by the reply check" in blocked.content
    act(
        manager_client, "reply-save", text="We're sorry to hear this. Please contact our team so we can help."
    )
    reply = Reply.objects.get(item=item)
    assert reply.status == Reply.Status.DRAFT and not reply.phi_blocked
    act(manager_client, "reply-submit", reply=reply.pk)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PENDING_APPROVAL

    own_approval = act(manager_client, "reply-approve", reply=reply.pk)
    assert reply.status == Reply.Status.PENDING_APPROVAL
    assert b"approve" in own_approval.content.lower()

    user_with_role(roles.PATIENT_EXPERIENCE, user=bob)
    user_with_role(roles.REPLY_APPROVER, user=bob)
    client.force_login(bob)
    act(client, "reply-approve", reply=reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.approved_by) == (Reply.Status.APPROVED, bob)

    # The mention came from the demo source, which has no X account to post with.
    refused = act(client, "reply-send", reply=reply.pk)
    assert "handled elsewhere" in refused.content.decode()
    reply.refresh_from_db()
    assert reply.status == Reply.Status.APPROVED


def test_marking_an_item_as_handled_elsewhere_moves_it_to_replied(manager_client, items):
    item = items["parking"]
    url = reverse("triage:queue_item_action", args=[item.pk, "reply-elsewhere"])
    refused = manager_client.post(url, {}, follow=True)
    assert b"Give a link to the reply or a note" in refused.content
    manager_client.post(url, {"url": "https://reviews.example/riverside/1#reply"})
    item.refresh_from_db()
    assert item.status == QueueItem.Status.REPLIED
    assert item.first_response_at is not None


def test_the_response_report_shows_times_and_changes_made(manager_client, items, alice):
    from triage.services import queue_item_close

    queue_item_close(
        item=items["parking"],
        user=alice,
        outcome="followed_up_privately",
        action_taken="Validation for ICU visitors' parking",
        action_department="Facilities",
    )
    response = manager_client.get(reverse("triage:queue_report"), {"days": "30"})
    assert response.status_code == 200
    [change] = response.context["changes"]
    assert (change.category, change.changes, change.departments) == (
        "facilities_environment",
        1,
        ["Facilities"],
    )
    assert {row.label for row in response.context["by_category"]} >= {"Safety"}
    assert b"You said, we did" in response.content


def test_the_response_report_needs_permission(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("triage:queue_report")).status_code == 403
