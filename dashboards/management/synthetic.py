"""Synthetic mentions for load tests: millions of plausible, tagged mentions stored with Postgres COPY.

They belong to one disabled source, "Synthetic load" (kind demo, config {"synthetic": true}), so they are
never polled and can be told apart from real data and deleted in one go. The mix of platforms, sentiment,
complaints, categories and severities follows what the demo data and the classifier produce; posting
times follow a weekly rhythm, busier afternoons and slow growth over the period.
"""

import io
import logging
import time as clock
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone

from clusters.models import ClusterMember
from clusters.services.common import clusters_rebuild_rollup
from dashboards.rollups import mention_days_rebuild
from enrichment.taxonomy import CATEGORY_INFO, SEVERITY_RANK, Category, Severity
from mentions.models import Mention, Platform
from sources.models import Source
from tracking.models import Hospital

logger = logging.getLogger(__name__)

SYNTHETIC_SOURCE_NAME = "Synthetic load"
SYNTHETIC_HOSPITAL_PREFIX = "synthetic-"
DELETE_CHUNK = 20_000

PLATFORMS = {
    Platform.X: 0.30,
    Platform.GOOGLE_REVIEWS: 0.20,
    Platform.REDDIT: 0.15,
    Platform.BLUESKY: 0.10,
    Platform.REVIEW: 0.10,
    Platform.NEWS: 0.05,
    Platform.WEB: 0.05,
    Platform.OTHER: 0.05,
}
MATCH = {"matched": 0.92, "unmatched": 0.05, "excluded": 0.03}
SENTIMENT = {"negative": 0.34, "neutral": 0.38, "positive": 0.28}
# Share of each sentiment the classifier calls a complaint.
COMPLAINT_GIVEN_SENTIMENT = {"negative": 0.62, "neutral": 0.12, "positive": 0.02}
UNTAGGED_SHARE = 0.01  # Kept with enrichment_error set, as mentions the classifier could not tag.
CATEGORIES = {
    Category.WAIT_TIMES: 0.17,
    Category.BILLING_INSURANCE: 0.15,
    Category.STAFF_ATTITUDE: 0.13,
    Category.COMMUNICATION: 0.12,
    Category.APPOINTMENTS_ACCESS: 0.11,
    Category.CLINICAL_QUALITY: 0.09,
    Category.FACILITIES_ENVIRONMENT: 0.08,
    Category.ADMISSION_DISCHARGE: 0.05,
    Category.SAFETY: 0.04,
    Category.PRIVACY_RIGHTS: 0.02,
    "": 0.04,
}
# A complaint's severity is its category's default moved by this many steps (clipped to the scale).
SEVERITY_SHIFT = {-1: 0.25, 0: 0.55, 1: 0.17, 2: 0.03}
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 7, 8, 8, 8, 8, 8, 8, 7, 7, 6, 4, 3, 2]
WEEKDAY_WEIGHTS = [1.05, 1.1, 1.05, 1.0, 0.95, 0.75, 0.7]
AUTHORS = 150_000

COMPLAINT_TEXTS = {
    Category.WAIT_TIMES: [
        "Sat in the ER at {h} for {n} hours before anyone saw my dad.",
        "{n} hours in the waiting room at {h} and still no doctor. This is ridiculous.",
        "Why does it take {n} hours to get triaged at {h}? My kid had a fever of 104.",
    ],
    Category.BILLING_INSURANCE: [
        "{h} billed me twice for the same visit and nobody in billing calls back.",
        "Got a ${n}00 surprise bill from {h} for an out of network anesthesiologist.",
        "{h} sent my account to collections while insurance was still processing the claim.",
    ],
    Category.STAFF_ATTITUDE: [
        "The front desk at {h} was so rude to my mother, she left in tears.",
        "Nurse at {h} rolled her eyes and told me to stop complaining about the pain.",
        "Security at {h} treated us like criminals for asking a question.",
    ],
    Category.COMMUNICATION: [
        "Nobody at {h} told us my husband had been moved to another floor for {n} hours.",
        "Called {h} {n} times to get test results, nobody ever calls back.",
        "The discharge papers from {h} contradict what the doctor told us.",
    ],
    Category.APPOINTMENTS_ACCESS: [
        "Earliest appointment at {h} cardiology is {n} months out. Unacceptable.",
        "{h} cancelled my surgery the night before, for the second time in {n} weeks.",
        "Cannot get through to the scheduling line at {h}, on hold for {n} minutes.",
    ],
    Category.CLINICAL_QUALITY: [
        "{h} sent my grandmother home and she was back with pneumonia {n} days later.",
        "The doctor at {h} missed a fracture on the x-ray, had to go elsewhere.",
        "Misdiagnosed at {h}, spent {n} weeks on the wrong treatment.",
    ],
    Category.FACILITIES_ENVIRONMENT: [
        "Parking at {h} is now ${n} a day and the garage is always full.",
        "Room at {h} was filthy, blood on the floor when we arrived.",
        "The elevators at {h} have been broken for {n} weeks, patients carried up stairs.",
    ],
    Category.ADMISSION_DISCHARGE: [
        "{h} discharged my father at 2am with no ride and no medication plan.",
        "Waited {n} hours for a bed after being admitted at {h}.",
        "{h} pushed us out the door the day after surgery, no follow-up arranged.",
    ],
    Category.SAFETY: [
        "My mom fell at {h} because nobody answered the call button for {n} minutes.",
        "{h} gave my son the wrong dose of his medication, caught it ourselves.",
        "Infection after surgery at {h}, they never washed their hands in front of us.",
    ],
    Category.PRIVACY_RIGHTS: [
        "Staff at {h} discussed my diagnosis loudly in the hallway for everyone to hear.",
        "{h} shared my records with my employer without asking me.",
        "They would not let me see my own chart at {h}.",
    ],
    "": [
        "Really disappointed with {h} this week.",
        "{h} needs to do better, plain and simple.",
    ],
}
OTHER_TEXTS = {
    "positive": [
        "Huge thanks to the nurses at {h}, they took amazing care of my dad.",
        "Had my baby at {h} last week, the maternity team was wonderful.",
        "{h} ER got me in and out in {n} minutes, really impressed.",
        "The new cancer center at {h} is beautiful and the staff are so kind.",
        "Shout out to Dr. Patel at {h} for listening and explaining everything.",
    ],
    "neutral": [
        "{h} is hosting a free blood drive this Saturday from 9 to 3.",
        "Does anyone know if {h} takes Blue Cross for outpatient imaging?",
        "{h} announced a new parking garage, opening in {n} months.",
        "Heading to {h} for a routine checkup tomorrow.",
        "{h} ranked in the state's top {n} hospitals this year.",
    ],
    "negative": [
        "Sad to hear {h} is closing its maternity ward.",
        "Layoffs at {h} again, {n} nurses let go this month.",
        "Traffic around {h} is terrible with the construction.",
    ],
}
FILLERS = [
    "",
    "",
    " Anyone else?",
    " Just saying.",
    " Posting so others know.",
    " Will update later.",
    " #healthcare",
    " Thoughts?",
]
OTHER_NAMES = ["the hospital", "the clinic downtown", "the urgent care", "a hospital near me"]

# Every column the COPY writes; a new NOT NULL column on Mention makes the generator refuse to run.
COLUMNS = (
    "source_id",
    "platform",
    "external_id",
    "url",
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
    "raw",
    "match_status",
    "hospital_id",
    "sentiment_score",
    "sentiment_label",
    "is_complaint",
    "complaint_probability",
    "category",
    "category_probability",
    "severity",
    "model_version",
    "enriched_at",
    "enrichment_error",
    "triage_status",
    "updated_at",
)
NULL = "\\N"


class SyntheticError(Exception):
    """The generator cannot run safely (a real source has the synthetic name, or the schema changed)."""


@dataclass(frozen=True, slots=True)
class GenerateResult:
    created: int
    first_day: date | None
    last_day: date | None
    copy_seconds: float
    rollup_seconds: float


@dataclass(frozen=True, slots=True)
class DeleteResult:
    deleted: int
    rollup_seconds: float


def synthetic_source() -> Source:
    """The source synthetic mentions belong to, created disabled on first use."""
    source, _ = Source.objects.get_or_create(
        name=SYNTHETIC_SOURCE_NAME,
        defaults={"kind": Source.Kind.DEMO, "config": {"synthetic": True}, "is_enabled": False},
    )
    if source.config.get("synthetic") is not True:
        raise SyntheticError(f'A source named "{SYNTHETIC_SOURCE_NAME}" exists and is not synthetic.')
    return source


def _hospitals() -> list[Hospital]:
    hospitals = list(Hospital.objects.order_by("pk"))
    if hospitals:
        return hospitals
    names = ["Northgate Medical Center", "Harbor View Hospital", "Cedar Hills Health", "St. Agnes Hospital"]
    return [
        Hospital.objects.create(
            name=name,
            slug=SYNTHETIC_HOSPITAL_PREFIX + name.lower().replace(".", "").replace(" ", "-"),
            is_own=position == 0,
        )
        for position, name in enumerate(names)
    ]


def _check_columns() -> None:
    missing = [
        field.column
        for field in Mention._meta.concrete_fields
        if not field.primary_key
        and not isinstance(field, models.GeneratedField)
        and field.column not in COLUMNS
        and not field.null
        and field.db_default is models.NOT_PROVIDED
    ]
    if missing:
        raise SyntheticError(f"Mention has columns the generator does not fill: {', '.join(missing)}")


def _choice(rng: np.random.Generator, weights: dict, size: int) -> np.ndarray:
    """Indexes into list(weights), drawn with the given weights."""
    p = np.array(list(weights.values()), dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _posting_times(rng: np.random.Generator, count: int, days: int, until: datetime) -> np.ndarray:
    """Sorted epoch seconds over the `days` local days ending on until's day, none later than until."""
    tz = timezone.get_default_timezone()
    last_day = timezone.localtime(until, tz).date()
    first_day = last_day - timedelta(days=days - 1)
    day_list = [first_day + timedelta(days=n) for n in range(days)]
    growth = np.linspace(0.8, 1.2, days)
    weights = growth * np.array([WEEKDAY_WEIGHTS[day.weekday()] for day in day_list])
    midnights = np.array(
        [
            int(timezone.make_aware(datetime.combine(day, datetime.min.time()), tz).timestamp())
            for day in day_list
        ]
    )
    hours = np.array(HOUR_WEIGHTS, dtype=float)
    seconds = (
        midnights[rng.choice(days, size=count, p=weights / weights.sum())]
        + rng.choice(24, size=count, p=hours / hours.sum()) * 3600
        + rng.integers(0, 3600, size=count)
    )
    # Today's posts cannot be later than now: fold those back into the elapsed part of the day.
    now = int(until.timestamp())
    future = seconds > now
    elapsed = max(now - int(midnights[-1]), 1)
    seconds[future] = midnights[-1] + rng.integers(0, elapsed, size=int(future.sum()))
    return np.sort(seconds)


def _timestamps(seconds: np.ndarray) -> list[str]:
    return np.char.add(np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s"), "+00").tolist()


def _text(values: np.ndarray, present: np.ndarray | None = None) -> list[str]:
    """A column as COPY text, \\N where present is false. Plain lists: str.join is fastest over them."""
    text = values.astype(str).astype(object)
    if present is not None:
        text[~present] = NULL
    return text.tolist()


@dataclass(frozen=True, slots=True)
class _Plan:
    """What every batch of one run shares: ids, hospitals, and every text already formatted."""

    run: str
    source_id: int
    hospital_ids: np.ndarray
    hospital_weights: np.ndarray
    # Indexed [group, name, template, number, filler]: groups are the complaint categories, then the
    # sentiments of mentions that are not complaints; names are the hospitals, then OTHER_NAMES.
    texts: np.ndarray
    titles: np.ndarray  # [group, name, template, number]
    templates_per_group: np.ndarray


NUMBERS = range(2, 13)


def _plan(source: Source, hospitals: Sequence[Hospital]) -> _Plan:
    groups = [COMPLAINT_TEXTS[category] for category in CATEGORIES] + [OTHER_TEXTS[s] for s in SENTIMENT]
    # COPY's text format treats tabs, newlines and backslashes specially; names are the only outside text.
    names = [" ".join(h.name.replace("\\", " ").split()) for h in hospitals] + OTHER_NAMES
    width = max(len(templates) for templates in groups)
    shape = (len(groups), len(names), width, len(NUMBERS))
    titles = np.full(shape, "", dtype=object)
    texts = np.full((*shape, len(FILLERS)), "", dtype=object)
    for g, templates in enumerate(groups):
        for k, name in enumerate(names):
            for t, template in enumerate(templates):
                for m, number in enumerate(NUMBERS):
                    text = template.format(h=name, n=number)
                    titles[g, k, t, m] = text[:60]
                    for f, filler in enumerate(FILLERS):
                        texts[g, k, t, m, f] = text + filler
    weights = np.array([(3.0 if h.is_own else 1.0) / (1 + 0.3 * i) for i, h in enumerate(hospitals)])
    return _Plan(
        run=np.base_repr(clock.time_ns() // 1000, 36).lower(),
        source_id=source.pk,
        hospital_ids=np.array([h.pk for h in hospitals]),
        hospital_weights=weights / weights.sum(),
        texts=texts,
        titles=titles,
        templates_per_group=np.array([len(templates) for templates in groups]),
    )


def _batch(rng: np.random.Generator, plan: _Plan, *, seconds: np.ndarray, first_number: int) -> io.StringIO:
    """One batch as COPY text: tab-separated, \\N for null. Vectorised: ~3 µs a mention."""
    n = len(seconds)
    platforms = np.array([str(p) for p in PLATFORMS])[_choice(rng, PLATFORMS, n)]
    match = np.array(list(MATCH))[_choice(rng, MATCH, n)]
    matched = match == "matched"
    hospital_pick = rng.choice(len(plan.hospital_ids), size=n, p=plan.hospital_weights)
    sentiment_index = _choice(rng, SENTIMENT, n)
    sentiments = np.array(list(SENTIMENT))[sentiment_index]
    scores = np.where(
        sentiments == "positive",
        rng.uniform(0.05, 0.99, n),
        np.where(sentiments == "negative", rng.uniform(-0.99, -0.05, n), rng.uniform(-0.049, 0.049, n)),
    ).round(4)
    tagged = rng.random(n) >= UNTAGGED_SHARE
    complaints = rng.random(n) < np.array(list(COMPLAINT_GIVEN_SENTIMENT.values()))[sentiment_index]
    tagged_complaints = complaints & tagged
    category_keys = list(CATEGORIES)
    category_index = _choice(rng, CATEGORIES, n)
    categories = np.where(tagged_complaints, np.array([str(c) for c in category_keys])[category_index], "")
    default_rank = np.array(
        [SEVERITY_RANK[CATEGORY_INFO[c].default_severity] if c else 0 for c in category_keys]
    )[category_index]
    shift = np.array(list(SEVERITY_SHIFT))[_choice(rng, SEVERITY_SHIFT, n)]
    severity_names = np.array([str(s) for s in Severity])
    severities = np.where(tagged_complaints, severity_names[np.clip(default_rank + shift, 0, 3)], "")

    group = np.where(tagged_complaints, category_index, len(category_keys) + sentiment_index)
    name = np.where(matched, hospital_pick, len(plan.hospital_ids) + rng.integers(0, len(OTHER_NAMES), n))
    template = rng.integers(0, 1_000_000, n) % plan.templates_per_group[group]
    number = rng.integers(0, len(NUMBERS), n)
    texts = plan.texts[group, name, template, number, rng.integers(0, len(FILLERS), n)]
    titles = np.where(np.isin(platforms, ["news", "web"]), plan.titles[group, name, template, number], "")

    external_ids = np.char.add(f"syn-{plan.run}-", np.arange(first_number, first_number + n).astype(str))
    collected = seconds + rng.integers(30, 900, n)
    is_review = np.isin(platforms, [Platform.GOOGLE_REVIEWS.value, Platform.REVIEW.value])
    stars = np.where(sentiments == "positive", rng.integers(4, 6, n), rng.integers(1, 4, n))
    is_complaint = np.where(complaints, "t", "f").astype(object)
    is_complaint[~tagged] = NULL
    columns = [
        [str(plan.source_id)] * n,
        platforms.tolist(),
        external_ids.tolist(),
        np.char.add(np.char.add(np.char.add("https://", platforms), ".example/"), external_ids).tolist(),
        np.char.add("user", (rng.zipf(1.4, n) % AUTHORS).astype(str)).tolist(),
        [""] * n,
        _text(rng.geometric(0.002, n)),
        titles.tolist(),
        texts.tolist(),
        ["en"] * n,
        _timestamps(seconds),
        _timestamps(collected),
        _text(rng.geometric(0.15, n) - 1),
        _text(rng.geometric(0.5, n) - 1),
        _text(rng.geometric(0.4, n) - 1),
        _text(stars, is_review),
        ['{"synthetic": true}'] * n,
        match.tolist(),
        _text(plan.hospital_ids[hospital_pick], matched),
        _text(scores),
        sentiments.tolist(),
        is_complaint.tolist(),
        _text(np.where(complaints, rng.uniform(0.5, 0.99, n), rng.uniform(0.01, 0.5, n)).round(4), tagged),
        categories.tolist(),
        _text(rng.uniform(0.35, 0.99, n).round(4), tagged_complaints),
        severities.tolist(),
        np.where(tagged, "synthetic", "").tolist(),
        np.where(tagged, np.array(_timestamps(collected + 20)), NULL).tolist(),
        np.where(tagged, "", "Synthetic: left untagged on purpose").tolist(),
        [Mention.TriageStatus.NEW.value] * n,
        _timestamps(collected + 20),  # Last changed when it was tagged.
    ]
    buffer = io.StringIO()
    buffer.writelines(f"{line}\n" for line in map("\t".join, zip(*columns, strict=True)))
    buffer.seek(0)
    return buffer


def _copy_batches(
    plan: _Plan, seconds: np.ndarray, seeds: Sequence[np.random.SeedSequence], batch: int
) -> None:
    sql = f"COPY {Mention._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
    for index, seed in seeds:
        start = index * batch
        buffer = _batch(
            np.random.default_rng(seed), plan, seconds=seconds[start : start + batch], first_number=start
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)
        logger.info(
            "stored synthetic mentions %d to %d", start, start + len(buffer.getvalue()) and start + batch
        )


def _copy_batches_in_thread(plan: _Plan, seconds: np.ndarray, seeds, batch: int) -> None:
    try:
        _copy_batches(plan, seconds, seeds, batch)
    finally:
        connection.close()  # Each thread has its own connection; nothing else would close it.


def synthetic_mentions_generate(
    *,
    count: int,
    days: int = 365,
    batch: int = 100_000,
    jobs: int = 2,
    seed: int | None = None,
    until: datetime | None = None,
) -> GenerateResult:
    """Store `count` synthetic mentions posted over the last `days` days, then rebuild the rollup for them.

    Writes Mention rows with Postgres COPY (one transaction per batch; with jobs > 1, from that many
    threads on connections of their own, so the synthetic source must be committed first), the synthetic
    source (and four synthetic hospitals when there are none), MentionDay rows of the days covered; runs
    ANALYZE on the mentions.
    """
    _check_columns()
    source = synthetic_source()
    plan = _plan(source, _hospitals())
    sequence = np.random.SeedSequence(seed)
    seconds = _posting_times(np.random.default_rng(sequence), count, days, until or timezone.now())
    batches = list(enumerate(sequence.spawn(-(-count // batch))))
    started = clock.perf_counter()
    if jobs <= 1:
        _copy_batches(plan, seconds, batches, batch)
    else:
        # Building a batch is Python work and storing it is Postgres work (the generated search_vector,
        # eight indexes, foreign-key checks at commit): two threads keep both cores busy. Batches are
        # seeded by their position, so the result does not depend on which thread stores which.
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for future in [
                pool.submit(_copy_batches_in_thread, plan, seconds, batches[job::jobs], batch)
                for job in range(jobs)
            ]:
                future.result()
    with connection.cursor() as cursor:
        # Fresh statistics, or the planner keeps estimating from the table as it was before the load.
        cursor.execute(f"ANALYZE {Mention._meta.db_table}")
    copy_seconds = clock.perf_counter() - started
    if not count:
        return GenerateResult(0, None, None, copy_seconds, 0.0)
    tz = timezone.get_default_timezone()
    first_day = datetime.fromtimestamp(int(seconds[0]), tz).date()
    last_day = datetime.fromtimestamp(int(seconds[-1]), tz).date()
    started = clock.perf_counter()
    mention_days_rebuild(since=first_day, until=last_day)
    return GenerateResult(count, first_day, last_day, copy_seconds, clock.perf_counter() - started)


def _rows_referencing(mentions: models.QuerySet[Mention]) -> list[models.QuerySet]:
    """For every model with a foreign key to Mention (hidden ones too: M2M rows, related_name="+"), its rows
    that point at these mentions."""
    return [
        relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": mentions.values("pk")})
        for relation in Mention._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    ]


def synthetic_mentions_delete() -> DeleteResult:
    """Delete every synthetic mention, then rebuild the rollups they were counted in.

    Deletes Mention rows of the synthetic source (with what cascades from them: cluster memberships, queue
    items, matched terms), the source itself, synthetic hospitals left without mentions; rebuilds the
    MentionDay rows of the days they covered and the ClusterDay rows of clusters that lost members.
    """
    source = Source.objects.filter(name=SYNTHETIC_SOURCE_NAME, config__synthetic=True).first()
    if source is None:
        return DeleteResult(0, 0.0)
    mentions = Mention.objects.filter(source=source)
    span = mentions.aggregate(first=models.Min("posted_at"), last=models.Max("posted_at"))
    cluster_ids = set(
        ClusterMember.objects.filter(mention__source=source).values_list("cluster_id", flat=True).distinct()
    )
    if any(related.exists() for related in _rows_referencing(mentions)):
        deleted = 0
        # Something points at them (clustered, queued, labelled): Django's collector deletes or detaches
        # those rows as each relation says. In chunks: it holds what it collects in memory.
        while ids := list(mentions.order_by("pk").values_list("pk", flat=True)[:DELETE_CHUNK]):
            with transaction.atomic():
                deleted += Mention.objects.filter(pk__in=ids).delete()[1].get(Mention._meta.label, 0)
    else:
        # Nothing points at them, as usual: one DELETE, ~20x faster than the collector. Were a row to point
        # at one by now, the foreign key would fail the statement and nothing would be deleted.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Mention._meta.db_table} WHERE source_id = %s", [source.pk])
            deleted = cursor.rowcount
    source.delete()
    Hospital.objects.filter(slug__startswith=SYNTHETIC_HOSPITAL_PREFIX, mentions__isnull=True).delete()
    started = clock.perf_counter()
    if span["first"] is not None:
        tz = timezone.get_default_timezone()
        mention_days_rebuild(
            since=timezone.localtime(span["first"], tz).date(),
            until=timezone.localtime(span["last"], tz).date(),
        )
    clusters_rebuild_rollup(cluster_ids=cluster_ids)
    return DeleteResult(deleted, clock.perf_counter() - started)
