import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from tests.factories import UserFactory
from triage.models import AuditEntry, Case, Note, QueueItem, SlaTarget, Team

from .factories import QueueItemFactory


@pytest.fixture
def request_as_superuser(db):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return request


def test_the_audit_trail_and_queue_records_cannot_be_edited_in_the_admin(request_as_superuser):
    request = request_as_superuser
    for model in (AuditEntry, QueueItem, Note, Case):
        model_admin = site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert model_admin.has_view_permission(request)


def test_teams_and_sla_targets_are_configured_in_the_admin(request_as_superuser):
    for model in (Team, SlaTarget):
        assert site._registry[model].has_change_permission(request_as_superuser)


def test_the_queue_item_admin_page_renders(admin_client):
    item = QueueItemFactory()
    assert admin_client.get("/admin/triage/queueitem/").status_code == 200
    assert admin_client.get(f"/admin/triage/queueitem/{item.pk}/change/").status_code == 200
    assert admin_client.get("/admin/triage/auditentry/").status_code == 200
