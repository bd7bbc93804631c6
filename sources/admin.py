from django import forms
from django.contrib import admin, messages

from sources.constants import SECRET_SETTINGS
from sources.models import Source, SourceCursor, SyncRun, WebhookNotification
from sources.services.credentials import credentials_readable, source_secret_states
from sources.services.webhooks import webhook_notifications_retry


class SourceCursorInline(admin.TabularInline):
    model = SourceCursor
    extra = 0
    readonly_fields = ["query_key", "position", "updated_at"]
    can_delete = False


class SourceAdminForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "name",
            "kind",
            "is_enabled",
            "poll_interval_minutes",
            "next_poll_at",
            "config",
            "how_to_fix",
            "monthly_budget_usd",
        ]

    def clean(self):
        cleaned = super().clean()
        secrets = sorted(set(cleaned.get("config") or {}) & set(SECRET_SETTINGS.get(cleaned.get("kind"), ())))
        if secrets:
            # Secrets in config would be stored in plain text; the sources page stores them encrypted.
            self.add_error(
                "config", f"Enter {', '.join(secrets)} on the Sources page, where secrets are encrypted."
            )
        return cleaned


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceAdminForm
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
    readonly_fields = ["status", "last_error", "last_run_at", "created_at", "secrets"]
    inlines = [SourceCursorInline]

    @admin.display(description="Secrets (set on the Sources page)")
    def secrets(self, obj: Source) -> str:
        if not credentials_readable(obj):
            return "cannot be read: the encryption key changed"
        return ", ".join(f"{state.key}: {state.display}" for state in source_secret_states(obj)) or "none"


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


@admin.register(WebhookNotification)
class WebhookNotificationAdmin(admin.ModelAdmin):
    list_display = ["source", "received_at", "status", "mentions_new", "duplicates", "error"]
    list_filter = ["status", "source"]
    date_hierarchy = "received_at"
    actions = ["read_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Read the failed ones again", permissions=["view"])
    def read_again(self, request, queryset) -> None:
        queued = webhook_notifications_retry(notification_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request, f"Queued {queued} failed notification(s) to be read again.", messages.SUCCESS
        )
