from django.urls import path

from sources import views

app_name = "sources"
urlpatterns = [
    path("", views.source_overview, name="source_list"),
    path("coverage/", views.coverage, name="coverage"),
]
