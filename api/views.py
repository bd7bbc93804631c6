"""The REST API: thin views that parse input, check the token's role, and call selectors and services."""

from django import forms
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers
from api.pagination import KeysetPagination
from clusters.models import Cluster
from clusters.selectors import cluster_crowd, cluster_detail, cluster_list
from mentions.filters import MentionFilterSet
from mentions.selectors import mention_base_queryset, mention_filterset
from triage.exports import queue_filter_kwargs
from triage.forms import QueueFilterForm
from triage.models import QueueItem
from triage.selectors import queue_item_list
from triage.services import (
    queue_item_assign,
    queue_item_close,
    queue_item_correct,
    queue_item_external_case_link,
    queue_item_note_add,
    queue_item_transition,
)

VIEW_MENTIONS = "mentions.view_mention"
VIEW_CLUSTERS = (VIEW_MENTIONS, "clusters.view_cluster")
VIEW_QUEUE = "triage.view_queueitem"
CHANGE_QUEUE = "triage.change_queueitem"

_ERROR = OpenApiResponse(serializers.ErrorSerializer, description="See the error's code and message.")
READ_ERRORS = {code: _ERROR for code in (400, 401, 403, 404, 429)}
WRITE_ERRORS = READ_ERRORS | {409: _ERROR}


def _form_parameters(form_class, *, exclude: tuple[str, ...] = ()) -> list[OpenApiParameter]:
    """Query parameters documented from the form that parses them, so the two cannot drift apart."""
    parameters = []
    for name, field in form_class.base_fields.items():
        if name in exclude:
            continue
        # Model choices are ids; reading their choices would query the database at import.
        is_id = hasattr(field, "queryset")
        choices = [] if is_id else [value for value, _ in getattr(field, "choices", []) if value != ""]
        if is_id:
            kind = OpenApiTypes.INT
        elif isinstance(field, forms.DateTimeField):
            kind = OpenApiTypes.DATETIME
        else:
            kind = OpenApiTypes.STR
        label = str(field.label or name.replace("_", " ").capitalize())
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                enum=choices if choices and not is_id else None,
                description=f"{label}: {field.help_text}" if field.help_text else label,
            )
        )
    return parameters


CLUSTER_FILTERS = ("date_from", "date_to", "hospital", "category", "platform")
CLUSTER_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="First day (default: 90 days ago)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day (default: today)."),
    OpenApiParameter("hospital", OpenApiTypes.STR, description="A hospital's slug."),
    OpenApiParameter(
        "category",
        OpenApiTypes.STR,
        enum=[value for value, _ in MentionFilterSet.base_filters["category"].extra["choices"]],
    ),
    OpenApiParameter(
        "platform",
        OpenApiTypes.STR,
        enum=[value for value, _ in MentionFilterSet.base_filters["platform"].extra["choices"]],
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="Mentions, newest first, with every filter of the mention list",
        responses={200: serializers.MentionSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One mention", responses={200: serializers.MentionSerializer, **READ_ERRORS}
    ),
)
class MentionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mentions, filtered by mentions.filters.MentionFilterSet, the same filters as the pages and exports.

    Excluded and unmatched mentions appear only with the `match` filter, as on the mention list.
    """

    serializer_class = serializers.MentionSerializer
    filterset_class = MentionFilterSet
    pagination_class = KeysetPagination
    required_permissions = {"*": (VIEW_MENTIONS,)}

    def get_queryset(self):
        return mention_base_queryset()

    def filter_queryset(self, queryset):
        # A single mention is found by id whatever its match status.
        return queryset if self.action == "retrieve" else super().filter_queryset(queryset)


@extend_schema_view(
    list=extend_schema(
        summary="Complaint clusters with their weekly counts",
        parameters=CLUSTER_PARAMETERS,
        responses={200: serializers.ClusterSummarySerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One cluster: volume by week and day, breakdowns, its crowd, example posts",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: serializers.ClusterDetailSerializer, **READ_ERRORS},
    ),
)
class ClusterViewSet(viewsets.ViewSet):
    """Clusters over a period (default: the last 90 days), emerging first, then biggest; not paginated, as
    only clusters with complaints in the period are listed."""

    required_permissions = {"*": VIEW_CLUSTERS}

    def list(self, request):
        data = request.query_params.copy()
        for name in list(data):
            if name not in CLUSTER_FILTERS:
                del data[name]
        filterset = mention_filterset(data=data, default_period=True)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        start, end = filterset.period()
        cleaned = filterset.form.cleaned_data
        rows = cluster_list(
            since=start,
            until=end,
            hospital=cleaned.get("hospital"),
            category=cleaned.get("category") or None,
            source_platform=cleaned.get("platform") or None,
        )
        return Response(serializers.ClusterSummarySerializer(rows, many=True).data)

    def retrieve(self, request, pk=None):
        cluster = _get_or_404(Cluster.objects.select_related("hospital"), pk)
        serializer = serializers.ClusterDetailSerializer(
            cluster_detail(cluster), context={"crowd": cluster_crowd(cluster)}
        )
        return Response(serializer.data)


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise NotFound("No such object; check the id.") from None


class QueueItemPagination(KeysetPagination):
    # Oldest first by id: new items join the end, so a client walking the pages sees each item once.
    ordering = ("id",)


def _queue_write(summary: str, request_serializer, *, success=http.HTTP_200_OK, response=None):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={success: response or serializers.QueueItemDetailSerializer, **WRITE_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Queue items, oldest first",
        parameters=_form_parameters(QueueFilterForm),
        responses={200: serializers.QueueItemSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One queue item with its notes and replies",
        responses={200: serializers.QueueItemDetailSerializer, **READ_ERRORS},
    ),
)
class QueueItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The complaint queue. Every change goes through the queue's services: the status machine refuses
    illegal moves (409) and every change is written to the item's audit trail, naming the integration."""

    serializer_class = serializers.QueueItemSerializer
    pagination_class = QueueItemPagination
    required_permissions = {
        "list": (VIEW_QUEUE,),
        "retrieve": (VIEW_QUEUE,),
        "status": (VIEW_QUEUE, CHANGE_QUEUE),
        "assign": (VIEW_QUEUE, CHANGE_QUEUE),
        "external_case": (VIEW_QUEUE, CHANGE_QUEUE),
        "notes": (VIEW_QUEUE, "triage.add_note"),
        # Correcting tags also writes a training label, as it does on the queue page.
        "correction": (VIEW_QUEUE, CHANGE_QUEUE, "enrichment.add_classificationlabel"),
    }

    def get_queryset(self):
        filters = QueueFilterForm(self.request.query_params)
        if not filters.is_valid():
            raise ValidationError({name: list(errors) for name, errors in filters.errors.items()})
        return queue_item_list(user=self.request.user, **queue_filter_kwargs(filters.cleaned_data))

    def get_object(self) -> QueueItem:
        items = QueueItem.objects.select_related("mention", "mention__hospital", "assignee", "team", "case")
        return _get_or_404(items, self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    def _detail(self, item: QueueItem, *, code: int = http.HTTP_200_OK) -> Response:
        item = (
            QueueItem.objects.select_related("mention", "mention__hospital", "assignee", "team", "case")
            .prefetch_related("notes__author", "replies")
            .get(pk=item.pk)
        )
        return Response(serializers.QueueItemDetailSerializer(item).data, status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @_queue_write(
        "Change the status (resolve with an outcome to close it)", serializers.StatusChangeSerializer
    )
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        item, data = self.get_object(), self._input(serializers.StatusChangeSerializer)
        if "outcome" in data:
            queue_item_close(
                item=item,
                user=request.user,
                outcome=data["outcome"],
                action_taken=data["action_taken"],
                action_department=data["action_department"],
            )
        else:
            queue_item_transition(
                item=item, user=request.user, status=data["status"], reason=data.get("reason", "")
            )
        return self._detail(item)

    @_queue_write("Assign to a person and/or team", serializers.AssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        item, data = self.get_object(), self._input(serializers.AssignSerializer)
        queue_item_assign(item=item, user=request.user, assignee=data["assignee"], team=data["team"])
        return self._detail(item)

    @_queue_write(
        "Add an internal note",
        serializers.NoteCreateSerializer,
        success=http.HTTP_201_CREATED,
        response=serializers.NoteSerializer,
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        item, data = self.get_object(), self._input(serializers.NoteCreateSerializer)
        note = queue_item_note_add(item=item, user=request.user, text=data["text"])
        return Response(serializers.NoteSerializer(note).data, status=http.HTTP_201_CREATED)

    @_queue_write("Correct the complaint's category and severity", serializers.CorrectionSerializer)
    @action(detail=True, methods=["post"])
    def correction(self, request, pk=None):
        item, data = self.get_object(), self._input(serializers.CorrectionSerializer)
        queue_item_correct(
            item=item,
            user=request.user,
            is_complaint=True,
            category=data["category"],
            severity=data["severity"],
        )
        return self._detail(item)

    @_queue_write("Link the item to a case in your own system", serializers.ExternalCaseSerializer)
    @action(detail=True, methods=["put"], url_path="external-case")
    def external_case(self, request, pk=None):
        item, data = self.get_object(), self._input(serializers.ExternalCaseSerializer)
        queue_item_external_case_link(item=item, user=request.user, case_id=data["case_id"], url=data["url"])
        return self._detail(item)


class NotFoundView(APIView):
    """Any other address under the API: a 404 in the API's error shape rather than an HTML page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise Http404("No such API endpoint; see /api/v1/docs/.")

    post = put = patch = delete = get
