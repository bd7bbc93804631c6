from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from dashboards.rollups import mention_days_refresh
from mentions.models import Mention
from sources.models import Source
from tracking.models import Hospital, TrackedTerm


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-password")


class HospitalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hospital
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Hospital {n}")
    slug = factory.Sequence(lambda n: f"hospital-{n}")


class TrackedTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackedTerm

    hospital = factory.SubFactory(HospitalFactory)
    text = factory.Sequence(lambda n: f"Term {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Source {n}")
    kind = Source.Kind.DEMO
    config = factory.LazyFunction(lambda: {"anchor": timezone.now().isoformat()})


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention
        skip_postgeneration_save = True

    source = factory.SubFactory(SourceFactory)
    platform = "x"
    external_id = factory.Sequence(lambda n: f"post-{n}")
    text = factory.Sequence(lambda n: f"Mention number {n}")
    posted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    raw = factory.LazyAttribute(lambda o: {"id": o.external_id, "text": o.text})
    match_status = Mention.MatchStatus.MATCHED
    sentiment_score = 0.0
    sentiment_label = "neutral"

    @factory.post_generation
    def rollup(mention, create, extracted, **kwargs):
        """Keep the dashboards' daily rollup right, as the ingest and enrichment services do
        (MentionFactory(rollup=False) leaves it stale, for the rollup's own tests)."""
        if create and extracted is not False:
            mention_days_refresh(days=[timezone.localdate(mention.posted_at)])


def demo_post(number: int, text: str, *, age_hours: float = 24, platform: str = "x", **extra) -> dict:
    """A post shaped like a line of the bundled demo data set."""
    return {
        "id": f"demo-{number:06d}",
        "platform": platform,
        "author_handle": f"author{number}",
        "author_name": f"Author {number}",
        "title": "",
        "text": text,
        "url": f"https://x.example/status/{number}",
        "age_seconds": int(age_hours * 3600),
        "likes": 1,
        "shares": 0,
        "replies": 0,
        "author_followers": 10,
        "stars": None,
        "language": "en",
        **extra,
    }
