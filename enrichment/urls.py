from django.urls import path

from enrichment import views

app_name = "enrichment"
urlpatterns = [
    path("", views.classifier_overview, name="classifier_overview"),
    path("retag/", views.retag_start, name="retag_start"),
    path("retag/<int:job_id>/progress/", views.retag_progress, name="retag_progress"),
]
