from django.urls import path

from sources import views

app_name = "sources"
urlpatterns = [
    path("", views.source_overview, name="source_list"),
    path("new/", views.source_new, name="source_create"),
    path("coverage/", views.coverage, name="coverage"),
    path("<int:source_id>/", views.source_page, name="source_detail"),
    path("<int:source_id>/edit/", views.source_edit, name="source_edit"),
    path("<int:source_id>/test/", views.source_test, name="source_test"),
    path("webhooks/meta/", views.meta_webhook, name="meta_webhook"),
]
