from django.urls import path

from clusters import views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_overview, name="cluster_list"),
    path("<int:cluster_id>/", views.cluster_page, name="cluster_page"),
    path("<int:cluster_id>/rename/", views.cluster_rename_view, name="cluster_rename"),
    path("<int:cluster_id>/merge/", views.cluster_merge_view, name="cluster_merge"),
    path("<int:cluster_id>/split/", views.cluster_split_view, name="cluster_split"),
]
