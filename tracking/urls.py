from django.urls import path

from tracking import views

app_name = "tracking"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("help/", views.query_help, name="query_help"),
    path("terms/add/", views.term_create, name="term_create"),
    path("terms/preview/", views.term_preview, name="term_preview"),
    path("terms/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("terms/<int:pk>/delete/", views.term_delete, name="term_delete"),
    path("hospitals/<int:pk>/backfill/", views.backfill_start, name="backfill_start"),
    path("backfills/<int:pk>/", views.backfill_progress, name="backfill_progress"),
    # kind: system, hospital, location, department or clinician.
    path("<slug:kind>/add/", views.node_create, name="node_create"),
    path("<slug:kind>/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("<slug:kind>/<int:pk>/delete/", views.node_delete, name="node_delete"),
]
