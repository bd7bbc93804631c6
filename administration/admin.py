from django.contrib import admin

from administration.models import ConfigChange


@admin.register(ConfigChange)
class ConfigChangeAdmin(admin.ModelAdmin):
    """The configuration history, readable but never written from the admin: only services record it."""

    list_display = ["at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
