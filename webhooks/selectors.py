"""Reads for the webhook pages."""

from django.db.models import QuerySet

from webhooks.models import Delivery, Endpoint


def endpoint_list() -> QuerySet[Endpoint]:
    return Endpoint.objects.select_related("hospital").order_by("name", "id")


def endpoints_paused() -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(is_enabled=True, paused_at__isnull=False).order_by("name")


def endpoint_deliveries(*, endpoint: Endpoint) -> QuerySet[Delivery]:
    return endpoint.deliveries.defer("payload").order_by("-created_at", "-id")


def delivery_get(*, delivery_id: int) -> Delivery:
    return Delivery.objects.select_related("endpoint").prefetch_related("attempt_log").get(pk=delivery_id)
