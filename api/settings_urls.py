from django.urls import path

from api import settings_views

app_name = "integrations"
urlpatterns = [
    path("", settings_views.token_list, name="token_list"),
    path("new/", settings_views.token_create, name="token_create"),
    path("<int:token_id>/revoke/", settings_views.token_revoke, name="token_revoke"),
]
