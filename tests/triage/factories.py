from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import HospitalFactory, MentionFactory, UserFactory
from triage.models import Case, Note, QueueItem, Team


class ComplaintFactory(MentionFactory):
    """A tagged complaint about the customer's own hospital."""

    hospital = factory.SubFactory(
        HospitalFactory, slug="riverside", name="Riverside General Hospital", is_own=True
    )
    is_complaint = True
    category = "wait_times"
    severity = "medium"
    enriched_at = factory.LazyFunction(timezone.now)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Case {n}")
    created_by = factory.SubFactory(UserFactory)


class QueueItemFactory(factory.django.DjangoModelFactory):
    """A queue item written directly (bypassing services), for selector and status-machine set-ups."""

    class Meta:
        model = QueueItem

    mention = factory.SubFactory(ComplaintFactory)
    priority = 0
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    sla_first_response_due = factory.LazyAttribute(lambda o: o.created_at + timedelta(hours=24))
    sla_resolution_due = factory.LazyAttribute(lambda o: o.created_at + timedelta(days=7))
    # The mention's tags and origin, copied as the queue services copy them.
    severity = factory.SelfAttribute("mention.severity")
    category = factory.SelfAttribute("mention.category")
    platform = factory.SelfAttribute("mention.platform")
    hospital = factory.SelfAttribute("mention.hospital")


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    item = factory.SubFactory(QueueItemFactory)
    author = factory.SubFactory(UserFactory)
    text = "Called the patient relations office."
