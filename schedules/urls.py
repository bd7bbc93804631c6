from django.urls import path

from schedules import views

app_name = "schedules"
urlpatterns = [
    path("", views.periodic_task_list_page, name="periodic_task_list"),
    path("<int:task_id>/", views.periodic_task_edit, name="periodic_task_edit"),
]
