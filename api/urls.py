from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("mentions", views.MentionViewSet, basename="mention")
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("queue-items", views.QueueItemViewSet, basename="queue_item")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file of its own, which the CSP (script-src 'self')
    # allows; the Swagger UI files come from drf-spectacular-sidecar, so nothing loads from a CDN.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not_found"),
]
