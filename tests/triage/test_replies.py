"""Reply templates, drafts and the PHI check, approval, mark-as-handled-elsewhere (no network here; posting
through recorded platform answers is in test_reply_sending.py)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from enrichment.taxonomy import Category
from tests.factories import HospitalFactory, SourceFactory, UserFactory
from triage.models import AuditEntry, Reply, ReplyTemplate, Status
from triage.phi import check_reply_draft
from triage.services import (
    reply_approve,
    reply_draft_save,
    reply_mark_elsewhere,
    reply_send_enqueue,
    reply_submit,
    reply_template_render,
)
from triage.tasks import reply_send_task

from .factories import ComplaintFactory, QueueItemFactory

PHONE = "555-0100"
EMAIL = "patientexperience@riverside.example"
SAFE = f"Hi Dana, we're sorry to hear about this experience. Please contact us at {PHONE} or {EMAIL}."


@pytest.fixture(autouse=True)
def hospital_settings(settings):
    settings.HOSPITAL_CONTACT_PHONE = PHONE
    settings.HOSPITAL_CONTACT_EMAIL = EMAIL
    settings.HOSPITAL_DOMAINS = ["riverside.example"]
    settings.REPLY_APPROVAL_REQUIRED = True
    return settings


@pytest.fixture
def item(db):
    mention = ComplaintFactory(
        platform="x",
        external_id="2054894002762690577",
        author_name="Dana Whitfield",
        source=SourceFactory(name="X", kind="x", config={"bearer_token": "t"}),
        hospital=HospitalFactory(slug="riverside", name="Riverside General Hospital", is_own=True),
    )
    return QueueItemFactory(mention=mention, status=Status.IN_PROGRESS)


@pytest.fixture
def approver(db):
    """Dan, the Patient Experience lead, who may approve replies."""
    dan = UserFactory(username="dan", first_name="Dan")
    dan.user_permissions.add(Permission.objects.get(codename="approve_reply"))
    return type(dan).objects.get(pk=dan.pk)  # A fresh instance: permissions are cached per instance.


def actions(item) -> list[str]:
    return list(AuditEntry.objects.filter(item=item).values_list("action", flat=True))


# Templates


def test_a_template_fills_in_hospital_contacts_and_the_posters_first_name(item):
    template = ReplyTemplate(
        name="t", body="Hi {first_name}, {hospital} is listening: {contact_phone} / {contact_email}."
    )
    assert reply_template_render(template=template, item=item) == (
        f"Hi Dana, Riverside General Hospital is listening: {PHONE} / {EMAIL}."
    )


@pytest.mark.parametrize("author_name", ["", "riverside_watch", "👋 Dana", "12345"])
def test_a_display_name_that_is_not_a_plain_name_is_greeted_as_there(item, author_name):
    item.mention.author_name = author_name
    template = ReplyTemplate(name="t", body="Hi {first_name},")
    assert reply_template_render(template=template, item=item) == "Hi there,"


def test_rendering_names_the_missing_setting_instead_of_leaving_a_gap(item, hospital_settings):
    hospital_settings.HOSPITAL_CONTACT_PHONE = ""
    template = ReplyTemplate(name="t", body="Call {contact_phone}.")
    with pytest.raises(ValidationError, match="HOSPITAL_CONTACT_PHONE"):
        reply_template_render(template=template, item=item)


def test_a_template_with_an_unknown_placeholder_is_refused_in_the_admin_and_when_rendered(item):
    template = ReplyTemplate(name="t", body="Hi {patient_name}")
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        template.full_clean()
    with pytest.raises(ValidationError, match="unknown placeholder"):
        reply_template_render(template=template, item=item)


def test_every_default_template_renders_phi_clean_and_fits_in_a_post(item):
    ReplyTemplate.objects.all().delete()
    import_module("triage.migrations.0004_default_reply_templates").create_defaults(apps, None)
    templates = list(ReplyTemplate.objects.all())
    assert {t.category for t in templates} == {"", *Category.values}
    for template in templates:
        template.full_clean()
        text = reply_template_render(template=template, item=item)
        findings = check_reply_draft(
            text, hospital_phones=[PHONE], hospital_emails=[EMAIL], hospital_domains=["riverside.example"]
        )
        assert findings == [], (template.name, findings)
        assert len(text) <= 280, (template.name, len(text))


# Drafts and the PHI check


def test_saving_a_draft_records_the_check_with_the_hospitals_contacts_allowed(item, alice):
    reply = reply_draft_save(item=item, user=alice, text=SAFE)
    assert reply.status == Reply.Status.DRAFT
    assert reply.phi_findings == [] and reply.phi_blocked is False
    assert reply.idempotency_key is not None
    assert actions(item) == [AuditEntry.Action.REPLY_DRAFTED]


def test_a_draft_with_phi_is_saved_but_flagged_and_cannot_be_submitted(item, alice):
    reply = reply_draft_save(
        item=item, user=alice, text="Sorry, during your stay Dr. Lee saw it. Call him at 555-867-5309"
    )
    assert reply.phi_blocked is True
    assert {f["kind"] for f in reply.phi_findings} >= {"phone", "patient_status"}
    with pytest.raises(ValidationError, match="PHI check blocks"):
        reply_submit(reply=reply, user=alice)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.DRAFT


def test_the_audit_trail_keeps_the_finding_kinds_but_never_the_draft_text(item, alice):
    reply_draft_save(item=item, user=alice, text="Your MRN 00482913 shows a visit")
    entry = AuditEntry.objects.get(item=item)
    assert "00482913" not in str(entry.after)
    assert "record_number" in entry.after["phi_findings"]


def test_editing_an_approved_reply_withdraws_the_approval(item, alice, approver):
    reply = reply_submit(reply=reply_draft_save(item=item, user=alice, text=SAFE), user=alice)
    reply_approve(reply=reply, user=approver)
    edited = reply_draft_save(item=item, user=alice, text=SAFE + " Thank you.")
    assert edited.pk == reply.pk
    assert (edited.status, edited.approved_by, edited.approved_at) == (Reply.Status.DRAFT, None, None)


def test_a_phi_blocked_reply_cannot_be_approved_or_sent_even_if_it_got_past_submission(item, alice, approver):
    reply = reply_submit(reply=reply_draft_save(item=item, user=alice, text=SAFE), user=alice)
    # The hospital's number was taken off the allow-list after submission.
    Reply.objects.filter(pk=reply.pk).update(text=SAFE.replace(PHONE, "555-867-5309"))
    reply.refresh_from_db()
    with pytest.raises(ValidationError, match="PHI check blocks"):
        reply_approve(reply=reply, user=approver)
    Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.APPROVED, approved_at=reply.created_at)
    reply.refresh_from_db()
    with pytest.raises(ValidationError, match="PHI check blocks"):
        reply_send_enqueue(reply=reply, user=alice)


# Approval


def test_submitting_waits_for_approval_when_approval_is_required(item, alice):
    reply = reply_submit(reply=reply_draft_save(item=item, user=alice, text=SAFE), user=alice)
    assert reply.status == Reply.Status.PENDING_APPROVAL
    assert reply.approved_by is None


def test_submitting_approves_at_once_when_approval_is_not_required(item, alice, hospital_settings):
    hospital_settings.REPLY_APPROVAL_REQUIRED = False
    reply = reply_submit(reply=reply_draft_save(item=item, user=alice, text=SAFE), user=alice)
    assert (reply.status, reply.approved_by) == (Reply.Status.APPROVED, alice)
    assert actions(item)[-1] == AuditEntry.Action.REPLY_APPROVED


def test_an_approver_with_the_permission_approves_someone_elses_reply(item, alice, approver):
    reply = reply_submit(reply=reply_draft_save(item=item, user=alice, text=SAFE), user=alice)
    reply = reply_approve(reply=reply, user=approver)
    assert (reply.status, reply.approved_by) == (Reply.Status.APPROVED, approver)
    assert reply.approved_at is not None
    assert actions(item) == [
        AuditEntry.Action.REPLY_DRAFTED,
        AuditEntry.Action.REPLY_SUBMITTED,
        AuditEntry.Action.REPLY_APPROVED,
    ]


def test_the_author_cannot_approve_their_own_reply_even_with_the_permission(item, approver):
    reply = reply_submit(reply=reply_draft_save(item=item, user=approver, text=SAFE), user=approver)
    with pytest.raises(PermissionDenied, match="someone else"):
        reply_approve(reply=reply, user=approver)


def test_approving_needs_the_permission(item, alice, bob):
    reply = reply_submit(reply=reply_draft_save(item=item, user=alice, text=SAFE), user=alice)
    with pytest.raises(PermissionDenied, match="permission"):
        reply_approve(reply=reply, user=bob)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PENDING_APPROVAL


def test_a_reply_cannot_be_sent_before_it_is_approved(item, alice):
    reply = reply_submit(reply=reply_draft_save(item=item, user=alice, text=SAFE), user=alice)
    with pytest.raises(ValidationError, match="Only an approved reply"):
        reply_send_enqueue(reply=reply, user=alice)


def test_a_reply_over_xs_length_limit_cannot_be_submitted(item, alice):
    reply = reply_draft_save(item=item, user=alice, text=SAFE + " We care." * 30)
    with pytest.raises(ValidationError, match="280 characters"):
        reply_submit(reply=reply, user=alice)


# Sending: what is refused before anything reaches a platform


def approved(item, author, approver, text=SAFE) -> Reply:
    return reply_approve(
        reply=reply_submit(reply=reply_draft_save(item=item, user=author, text=text), user=author),
        user=approver,
    )


def test_sending_enqueues_the_task_once_after_commit_however_often_it_is_clicked(
    item, alice, bob, approver, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(reply_send_task, "delay", lambda reply_id: enqueued.append(reply_id))
    reply = approved(item, alice, approver)
    with django_capture_on_commit_callbacks(execute=True):
        reply_send_enqueue(reply=reply, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        reply_send_enqueue(reply=Reply.objects.get(pk=reply.pk), user=bob)
    assert enqueued == [reply.pk]
    reply.refresh_from_db()
    assert (reply.status, reply.sent_by) == (Reply.Status.SENDING, alice)
    assert actions(item).count(AuditEntry.Action.REPLY_QUEUED) == 1


def test_a_second_reply_to_the_same_item_cannot_be_sent_while_one_is_out(
    item, alice, approver, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(reply_send_task, "delay", lambda reply_id: None)
    first = approved(item, alice, approver)
    with django_capture_on_commit_callbacks(execute=True):
        reply_send_enqueue(reply=first, user=alice)
    second = Reply.objects.create(
        item=item, text=SAFE, status=Reply.Status.APPROVED, created_by=alice, approved_at=first.approved_at
    )
    with pytest.raises(ValidationError, match="already"):
        reply_send_enqueue(reply=second, user=alice)


@pytest.mark.parametrize("platform", ["news", "web", "review", "bluesky", "google_reviews"])
def test_platforms_without_a_reply_api_offer_mark_as_handled_elsewhere(item, alice, approver, platform):
    item.mention.platform = platform
    item.mention.save(update_fields=["platform"])
    reply = approved(item, alice, approver)
    with pytest.raises(ValidationError, match="mark the item as handled elsewhere") as raised:
        reply_send_enqueue(reply=reply, user=alice)
    assert raised.value.code == "unsupported_platform"


def test_a_mention_from_demo_data_has_no_account_to_reply_with(item, alice, approver):
    item.mention.source = SourceFactory(name="Demo data", kind="demo")
    item.mention.save(update_fields=["source"])
    with pytest.raises(ValidationError, match="no X account"):
        reply_send_enqueue(reply=approved(item, alice, approver), user=alice)


# Handled elsewhere


def test_marking_as_handled_elsewhere_records_the_link_and_the_first_response(item, alice):
    reply = reply_mark_elsewhere(
        item=item, user=alice, url="https://www.yelp.com/biz/riverside#r123", note="Owner response on Yelp"
    )
    item.refresh_from_db()
    assert reply.status == Reply.Status.REPLIED_ELSEWHERE
    assert reply.elsewhere_url == "https://www.yelp.com/biz/riverside#r123"
    assert item.status == Status.REPLIED and item.first_response_at == reply.sent_at
    assert item.mention.triage_status == Status.REPLIED
    assert actions(item) == [AuditEntry.Action.REPLY_ELSEWHERE, AuditEntry.Action.STATUS_CHANGED]


def test_a_private_follow_up_needs_only_a_note_and_moves_a_new_item_through_in_progress(db, alice):
    item = QueueItemFactory(status=Status.NEW)
    reply_mark_elsewhere(item=item, user=alice, note="Called the poster back privately")
    item.refresh_from_db()
    assert item.status == Status.REPLIED
    assert item.first_response_at is not None


@pytest.mark.parametrize(
    ("url", "note", "message"), [("", "", "Give the link"), ("not a url", "", "web address")]
)
def test_marking_as_handled_elsewhere_needs_a_link_or_a_note(item, alice, url, note, message):
    with pytest.raises(ValidationError, match=message):
        reply_mark_elsewhere(item=item, user=alice, url=url, note=note)
    assert not Reply.objects.exists()
