from django.contrib import admin

from sources.models import Source, SourceCursor, SyncRun


class SourceCursorInline(admin.TabularInline):
    model = SourceCursor
    extra = 0
    readonly_fields = ["query_key", "position", "updated_at"]
    can_delete = False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "is_enabled",
        "status",
        "poll_interval_minutes",
        "last_run_at",
        "next_poll_at",
    ]
    list_filter = ["kind", "status", "is_enabled"]
    readonly_fields = ["status", "last_error", "last_run_at", "created_at"]
    inlines = [SourceCursorInline]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "status",
        "started_at",
        "finished_at",
        "items_fetched",
        "mentions_new",
        "duplicates",
        "rejected",
        "has_more",
    ]
    list_filter = ["status", "source"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
