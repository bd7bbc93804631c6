"""Admin for the complaint queue. Queue items, notes, cases and the audit trail are read-only here: every
change goes through triage.services so it is audited; only configuration (teams, SLA targets, reply
templates) is edited. Replies are read-only too: they are drafted, approved and posted from the queue."""

from django.contrib import admin

from administration.models import ConfigChange
from administration.services import config_change_record
from triage.forms import OnCallContactForm
from triage.models import (
    AuditEntry,
    Case,
    Escalation,
    Note,
    OnCallContact,
    QueueItem,
    Reply,
    ReplyTemplate,
    SlaTarget,
    Team,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by admins; never added, changed or deleted here (that would bypass the audit trail)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NoteInline(admin.TabularInline):
    model = Note
    extra = 0
    fields = ["created_at", "author", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AuditEntryInline(admin.TabularInline):
    model = AuditEntry
    extra = 0
    fields = ["created_at", "actor", "action", "before", "after"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QueueItem)
class QueueItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "mention", "status", "priority", "assignee", "team", "routed_to_risk", "created_at"]
    list_filter = ["status", "routed_to_risk", "team", "harm_level"]
    list_select_related = ["mention", "assignee", "team"]
    search_fields = ["mention__text", "mention__author_handle"]
    raw_id_fields = ["mention", "case"]
    inlines = [NoteInline, AuditEntryInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["item", "actor"]
    date_hierarchy = "created_at"


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["title", "created_by", "created_at"]
    search_fields = ["title"]


@admin.register(Note)
class NoteAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item", "author"]
    list_select_related = ["item", "author"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]
    search_fields = ["name"]


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ["severity", "first_response_hours", "resolution_hours"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active", "updated_at"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "body"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ["id", "item", "status", "phi_blocked", "created_by", "approved_by", "sent_at", "attempts"]
    list_filter = ["status", "phi_blocked"]
    list_select_related = ["item", "created_by", "approved_by"]
    search_fields = ["platform_reply_id", "idempotency_key"]
    date_hierarchy = "created_at"


ONCALL_FIELDS = ["name", "email", "webhook_url", "on_call", "on_call_from", "on_call_until"]


@admin.register(OnCallContact)
class OnCallContactAdmin(admin.ModelAdmin):
    """The on-call rota. Changes go to the configuration history; the webhook address is kept as a secret
    (incoming-webhook URLs carry their token)."""

    form = OnCallContactForm
    list_display = ["name", "email", "on_call", "on_call_from", "on_call_until"]
    list_filter = ["on_call"]
    search_fields = ["name", "email"]

    def save_model(self, request, obj, form, change) -> None:
        before = {}
        if change:
            stored = OnCallContact.objects.get(pk=obj.pk)
            before = {name: str(getattr(stored, name) or "") for name in ONCALL_FIELDS}
        super().save_model(request, obj, form, change)
        config_change_record(
            actor=request.user,
            instance=obj,
            action=ConfigChange.Action.CHANGED if change else ConfigChange.Action.CREATED,
            before=before,
            after={name: str(getattr(obj, name) or "") for name in ONCALL_FIELDS},
            secret_fields=("webhook_url",),
        )

    def delete_model(self, request, obj) -> None:
        config_change_record(actor=request.user, instance=obj, action=ConfigChange.Action.DELETED)
        super().delete_model(request, obj)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "item",
        "contact",
        "automatic",
        "status",
        "email_sent_at",
        "webhook_sent_at",
    ]
    list_filter = ["status", "automatic"]
    list_select_related = ["item", "contact"]
