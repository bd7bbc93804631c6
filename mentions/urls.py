from django.urls import path

from mentions import views

app_name = "mentions"
urlpatterns = [
    path("", views.mention_list, name="mention_list"),
    path("<int:mention_id>/", views.mention_detail, name="mention_detail"),
    path("<int:mention_id>/correct/", views.mention_correct_tags, name="mention_correct"),
]
