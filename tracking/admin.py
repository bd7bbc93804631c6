from django.contrib import admin

from tracking.models import Hospital, Location, TrackedTerm


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0


class TrackedTermInline(admin.TabularInline):
    model = TrackedTerm
    extra = 1
    fields = ["kind", "text", "location", "query", "is_active"]


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ["name", "is_own", "slug"]
    list_filter = ["is_own"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LocationInline, TrackedTermInline]


@admin.register(TrackedTerm)
class TrackedTermAdmin(admin.ModelAdmin):
    list_display = ["text", "hospital", "kind", "is_active"]
    list_filter = ["hospital", "kind", "is_active"]
    search_fields = ["text", "query"]
