from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("dashboards.urls")),
    path("mentions/", include("mentions.urls")),
    path("clusters/", include("clusters.urls")),
    path("queue/", include("triage.urls")),
    path("sources/", include("sources.urls")),
    path("classifier/", include("enrichment.urls")),
    path("settings/tracking/", include("tracking.urls")),
    path("settings/integrations/", include("api.settings_urls")),
    path("api/v1/", include("api.urls")),
    path("settings/webhooks/", include("webhooks.urls")),
    path("settings/schedules/", include("schedules.urls")),
    path("settings/", include("administration.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(
            extra_context={
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            }
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "HospitalListen administration"
admin.site.site_title = "HospitalListen"
