from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("weekly/", views.weekly_summary_page, name="weekly_summary"),
    path("structure/", views.structure, name="structure"),
    path("export/<slug:chart>.csv", views.overview_chart_csv, name="overview_chart_csv"),
]
