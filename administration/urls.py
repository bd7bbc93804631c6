from django.urls import path

from administration import views

app_name = "administration"
urlpatterns = [
    path("users/", views.user_list_page, name="user_list"),
    path("users/invite/", views.user_invite_page, name="user_invite"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path(
        "users/<int:user_id>/deactivate/",
        views.user_state_change,
        {"action": "deactivate"},
        name="user_deactivate",
    ),
    path(
        "users/<int:user_id>/reactivate/",
        views.user_state_change,
        {"action": "reactivate"},
        name="user_reactivate",
    ),
    path(
        "users/<int:user_id>/resend-invitation/",
        views.user_state_change,
        {"action": "resend"},
        name="user_invite_resend",
    ),
    path("history/", views.history, name="history"),
    # Public: the person invited is not signed in yet. The token is checked by Django's view.
    path("invitation/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]
