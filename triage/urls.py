from django.urls import path, re_path

from triage import views

app_name = "triage"
urlpatterns = [
    path("", views.queue_list, name="queue_list"),
    re_path(r"^export\.(?P<fmt>csv|jsonl)$", views.queue_export, name="queue_export"),
    path("bulk/", views.queue_bulk, name="queue_bulk"),
    path("report/", views.queue_report, name="queue_report"),
    path("<int:item_id>/", views.queue_item_page, name="queue_item"),
    path("<int:item_id>/reply-check/", views.reply_check, name="reply_check"),
    path("<int:item_id>/<slug:action>/", views.queue_item_action, name="queue_item_action"),
]
