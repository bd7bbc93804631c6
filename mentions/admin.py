from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from mentions.forms import ImportFileForm
from mentions.importing import COLUMN_ALIASES, import_job_create
from mentions.models import ImportJob, Mention, RejectedPayload


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["external_id", "platform", "hospital", "posted_at", "sentiment_label", "match_status"]
    list_filter = ["platform", "hospital", "sentiment_label", "match_status", "source"]
    search_fields = ["external_id", "author_handle", "text"]
    date_hierarchy = "posted_at"
    list_select_related = ["hospital"]
    raw_id_fields = ["matched_terms"]
    readonly_fields = ["raw", "collected_at"]
    show_full_result_count = False


@admin.register(RejectedPayload)
class RejectedPayloadAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "import_job", "row_number", "error"]
    list_filter = ["source"]
    search_fields = ["error", "payload_text"]
    readonly_fields = ["source", "import_job", "row_number", "payload", "payload_text", "error", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "status",
        "rows_total",
        "rows_imported",
        "rows_duplicate",
        "rows_rejected",
        "created_at",
        "uploaded_by",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="mentions_importjob_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not self.has_view_permission(request) or not request.user.has_perm("mentions.add_mention"):
            messages.error(request, "You do not have permission to import mentions.")
            return redirect(reverse("admin:mentions_importjob_changelist"))
        form = ImportFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            job = import_job_create(
                file=upload,
                original_name=upload.name,
                default_platform=form.cleaned_data["default_platform"],
                uploaded_by=request.user,
            )
            messages.success(request, f"{upload.name} is being imported; its counts below update as it runs.")
            return redirect(reverse("admin:mentions_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import mentions from a file",
            "form": form,
            "column_aliases": COLUMN_ALIASES,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/mentions/importjob/upload.html", context)
