from django.urls import path, re_path

from mentions import views

app_name = "mentions"
urlpatterns = [
    path("", views.mention_list, name="mention_list"),
    re_path(r"^export\.(?P<fmt>csv|jsonl)$", views.mention_export, name="mention_export"),
    path("<int:mention_id>/", views.mention_detail, name="mention_detail"),
    path("<int:mention_id>/correct/", views.mention_correct_tags, name="mention_correct"),
]
