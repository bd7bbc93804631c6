"""Admin for the complaint queue. Queue items, notes, cases and the audit trail are read-only here: every
change goes through triage.services so it is audited; only configuration (teams, SLA targets, reply
templates) is edited. Replies are read-only too: they are drafted, approved and posted from the queue."""

from django.contrib import admin

from triage.models import AuditEntry, Case, Note, QueueItem, Reply, ReplyTemplate, SlaTarget, Team


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
