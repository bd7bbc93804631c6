"""What the API sends and accepts. Reads mirror the pages; writes are checked here and done by services."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enrichment.taxonomy import Category, Severity
from mentions.models import Mention
from triage.models import Note, QueueItem, Reply, Team
from triage.selectors import queue_item_sla

# --- Errors -----------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable, for programs: e.g. permission_denied, illegal_transition."
    )
    message = serializers.CharField(help_text="For people: what went wrong and how to fix it.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name -> messages, for invalid input; empty otherwise.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class OutputSerializer(serializers.ModelSerializer):
    """A model serializer used only for responses.

    Its fields are not marked read-only on purpose: DRF then drops allow_blank, and the schema would say a
    blank category or dismiss reason is not a valid value. Blank links are sent as "", which is not a URI,
    so link fields are plain strings.
    """

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_class is serializers.URLField:
            field_class = serializers.CharField
        return field_class, kwargs


# --- Mentions ---------------------------------------------------------------------------------------


class MentionSerializer(OutputSerializer):
    hospital = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = serializers.CharField(
        source="link_url", read_only=True, help_text="The original post; empty when not an http(s) link."
    )

    class Meta:
        model = Mention
        fields = [
            "id",
            "platform",
            "external_id",
            "url",
            "hospital",
            "author_handle",
            "author_name",
            "author_followers",
            "title",
            "text",
            "language",
            "posted_at",
            "collected_at",
            "likes",
            "shares",
            "replies",
            "rating",
            "match_status",
            "sentiment_score",
            "sentiment_label",
            "is_complaint",
            "complaint_probability",
            "category",
            "severity",
            "triage_status",
            "updated_at",
        ]


# --- Clusters ---------------------------------------------------------------------------------------


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    count = serializers.IntegerField()


class DatedCountSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day, or the Monday of the week.")
    count = serializers.IntegerField()


class ClusterSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cluster.pk")
    title = serializers.CharField(source="cluster.title")
    label = serializers.CharField(source="cluster.label")
    name = serializers.CharField(source="cluster.name")
    hospital = serializers.CharField(source="cluster.hospital.slug", read_only=True, allow_null=True)
    status = serializers.CharField(source="cluster.status")
    is_emerging = serializers.BooleanField(source="cluster.is_emerging")
    emerging_since = serializers.DateTimeField(source="cluster.emerging_since", allow_null=True)
    key_terms = serializers.ListField(source="cluster.key_terms", child=serializers.CharField())
    size = serializers.IntegerField(help_text="Complaints in the period.")
    previous_size = serializers.IntegerField(help_text="Complaints in the same length of time before it.")
    change = serializers.IntegerField()
    weekly_counts = serializers.ListField(
        source="sparkline",
        child=serializers.IntegerField(),
        help_text="Complaints a week, oldest first; the last week ends with the period.",
    )


class CrowdSerializer(serializers.Serializer):
    mentions = serializers.IntegerField()
    authors = serializers.IntegerField(help_text="Distinct people (platform and handle).")
    repeat_authors = serializers.IntegerField(help_text="People with two or more posts in the cluster.")
    replied = serializers.IntegerField(help_text="Posts whose complaint was replied to or resolved.")
    reply_rate = serializers.FloatField()


class RelatedClusterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    similarity = serializers.FloatField()


def _pairs(rows, key_name: str) -> list[dict]:
    return [{key_name: key, "count": count} for key, count in rows]


class ClusterDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cluster.pk")
    title = serializers.CharField(source="cluster.title")
    label = serializers.CharField(source="cluster.label")
    name = serializers.CharField(source="cluster.name")
    hospital = serializers.CharField(source="cluster.hospital.slug", read_only=True, allow_null=True)
    status = serializers.CharField(source="cluster.status")
    is_emerging = serializers.BooleanField(source="cluster.is_emerging")
    emerging_since = serializers.DateTimeField(source="cluster.emerging_since", allow_null=True)
    key_terms = serializers.ListField(source="cluster.key_terms", child=serializers.CharField())
    size = serializers.IntegerField(source="cluster.size", help_text="All members, in and out of any period.")
    first_seen = serializers.DateTimeField(source="cluster.first_seen", allow_null=True)
    last_seen = serializers.DateTimeField(source="cluster.last_seen", allow_null=True)
    volume_by_week = serializers.SerializerMethodField(help_text="The last 52 weeks, oldest first.")
    volume_by_day = serializers.SerializerMethodField(help_text="The last 90 days, oldest first.")
    by_platform = serializers.SerializerMethodField()
    by_category = serializers.SerializerMethodField()
    by_hospital = serializers.SerializerMethodField()
    by_location = serializers.SerializerMethodField()
    crowd = serializers.SerializerMethodField()
    representative_mention = serializers.SerializerMethodField()
    latest_mentions = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()

    @extend_schema_field(DatedCountSerializer(many=True))
    def get_volume_by_week(self, detail) -> list[dict]:
        return _pairs(detail.volume_by_week, "date")

    @extend_schema_field(DatedCountSerializer(many=True))
    def get_volume_by_day(self, detail) -> list[dict]:
        return _pairs(detail.volume_by_day, "date")

    @extend_schema_field(CountSerializer(many=True))
    def get_by_platform(self, detail) -> list[dict]:
        return _pairs(detail.by_platform, "key")

    @extend_schema_field(CountSerializer(many=True))
    def get_by_category(self, detail) -> list[dict]:
        return _pairs(detail.by_category, "key")

    @extend_schema_field(CountSerializer(many=True))
    def get_by_hospital(self, detail) -> list[dict]:
        return _pairs(detail.by_hospital, "key")

    @extend_schema_field(CountSerializer(many=True))
    def get_by_location(self, detail) -> list[dict]:
        return _pairs(detail.by_location, "key")

    @extend_schema_field(CrowdSerializer)
    def get_crowd(self, detail) -> dict:
        crowd = self.context["crowd"]
        return {
            "mentions": crowd.mentions,
            "authors": crowd.authors,
            "repeat_authors": crowd.repeat_authors,
            "replied": crowd.replied,
            "reply_rate": crowd.reply_rate,
        }

    @extend_schema_field(MentionSerializer(allow_null=True))
    def get_representative_mention(self, detail) -> dict | None:
        return MentionSerializer(detail.representative).data if detail.representative else None

    @extend_schema_field(MentionSerializer(many=True))
    def get_latest_mentions(self, detail) -> list[dict]:
        return MentionSerializer(detail.latest, many=True).data

    @extend_schema_field(RelatedClusterSerializer(many=True))
    def get_related(self, detail) -> list[dict]:
        return [
            {"id": other.pk, "title": other.title, "similarity": similarity}
            for other, similarity in detail.related
        ]


# --- The complaint queue ----------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class TeamSerializer(OutputSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class QueueMentionSerializer(OutputSerializer):
    """The queued post, without the counts and model details the mention endpoint has."""

    hospital = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = serializers.CharField(source="link_url", read_only=True)

    class Meta:
        model = Mention
        fields = [
            "id",
            "platform",
            "url",
            "hospital",
            "author_handle",
            "author_name",
            "title",
            "text",
            "posted_at",
            "category",
            "severity",
        ]


class QueueItemSerializer(OutputSerializer):
    mention = QueueMentionSerializer(read_only=True)
    assignee = PersonSerializer(read_only=True, allow_null=True)
    team = TeamSerializer(read_only=True, allow_null=True)
    case = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Items about one incident share a case."
    )
    sla_state = serializers.SerializerMethodField(
        help_text="on_track, due_soon or breached; null for closed items."
    )

    class Meta:
        model = QueueItem
        fields = [
            "id",
            "mention",
            "status",
            "dismiss_reason",
            "assignee",
            "team",
            "priority",
            "harm_level",
            "routed_to_risk",
            "case",
            "external_case_id",
            "external_case_url",
            "sla_first_response_due",
            "sla_resolution_due",
            "sla_state",
            "first_response_at",
            "resolved_at",
            "outcome",
            "action_taken",
            "action_department",
            "created_at",
            "updated_at",
        ]

    def get_sla_state(self, item) -> str | None:
        # Annotated by the list selector; computed for one item otherwise.
        if hasattr(item, "sla_state"):
            return item.sla_state
        return queue_item_sla(item=item).state


class NoteSerializer(OutputSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "author", "text", "created_at"]


class ReplySerializer(OutputSerializer):
    text = serializers.SerializerMethodField(
        help_text="Null when the PHI check blocked the draft: its text must not leave the building."
    )

    class Meta:
        model = Reply
        fields = [
            "id",
            "status",
            "text",
            "phi_blocked",
            "created_at",
            "approved_at",
            "sent_at",
            "platform_reply_url",
            "elsewhere_url",
        ]

    def get_text(self, reply) -> str | None:
        return None if reply.phi_blocked else reply.text


class QueueItemDetailSerializer(QueueItemSerializer):
    notes = NoteSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)

    class Meta(QueueItemSerializer.Meta):
        fields = [*QueueItemSerializer.Meta.fields, "notes", "replies"]


# --- Writes to queue items --------------------------------------------------------------------------


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=QueueItem.Status.choices)
    reason = serializers.ChoiceField(
        choices=QueueItem.DismissReason.choices, required=False, help_text="Required to dismiss."
    )
    outcome = serializers.ChoiceField(
        choices=QueueItem.Outcome.choices,
        required=False,
        help_text="With status resolved: closes the item with this outcome.",
    )
    action_taken = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    action_department = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, data):
        if "outcome" in data and data["status"] != QueueItem.Status.RESOLVED:
            raise serializers.ValidationError({"outcome": ["An outcome goes with status resolved only."]})
        return data


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
        default=None,
        help_text="A person's user id; null or left out for nobody.",
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="A team's id; null or left out for no team. Both null unassigns the item.",
    )


class NoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="An internal note; never published.")


class CorrectionSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)


class ExternalCaseSerializer(serializers.Serializer):
    case_id = serializers.CharField(
        max_length=200, allow_blank=True, help_text="The case's id in your system; empty unlinks."
    )
    url = serializers.URLField(
        max_length=1000, allow_blank=True, required=False, default="", help_text="A link to the case."
    )
