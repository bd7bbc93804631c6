import logging
from dataclasses import dataclass, field

from django.db.models import Count

from mentions.models import Mention
from tracking.locales import language_code, region_code
from tracking.matching import TermMatcher, TermSpec
from tracking.models import BackfillJob, Clinician, Department, HealthSystem, Hospital, Location, TrackedTerm
from tracking.query import QuerySyntaxError, term_query

logger = logging.getLogger(__name__)


def term_matcher_build() -> TermMatcher:
    """A matcher over every active tracked term, each with its query (its name when the query is blank)."""
    terms = TrackedTerm.objects.filter(is_active=True).only("id", "hospital_id", "text", "query", "language")
    return TermMatcher(
        TermSpec(
            id=t.id, hospital_id=t.hospital_id, text=t.text, query=t.query, language=language_code(t.language)
        )
        for t in terms
    )


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """A term as the connectors search for it: its query in the canonical query language, and the
    language and region it is limited to (normalized codes; blank: any)."""

    query: str
    language: str = ""
    region: str = ""


def hospital_search_terms() -> dict[tuple[int, str], list[SearchTerm]]:
    """Each active term, by (hospital id, slug): what connectors translate into each platform's search.
    A term whose stored query cannot be read is left out; a language or region that is not a valid code
    (saved before the editor checked them) counts as none."""
    terms: dict[tuple[int, str], list[SearchTerm]] = {}
    rows = TrackedTerm.objects.filter(is_active=True).order_by("hospital__slug", "id")
    for term_id, hospital_id, slug, text, query, language, region in rows.values_list(
        "id", "hospital_id", "hospital__slug", "text", "query", "language", "region"
    ):
        try:
            effective = str(term_query(text, query))
        except QuerySyntaxError as error:
            logger.warning("not searching for tracked term %s: its query cannot be read: %s", term_id, error)
            continue
        terms.setdefault((hospital_id, slug), []).append(
            SearchTerm(query=effective, language=language_code(language), region=region_code(region))
        )
    return terms


# --- The organization tree of the tracking editor ----------------------------------------------------


@dataclass(slots=True)
class TermRow:
    term: TrackedTerm
    mentions: int = 0


@dataclass(slots=True)
class PlaceRow:
    """A location, department or clinician in the tree, with the terms attached to it."""

    node: Location | Department | Clinician
    kind: str  # "location" | "department" | "clinician"
    mentions: int = 0
    terms: list[TermRow] = field(default_factory=list)
    children: list["PlaceRow"] = field(default_factory=list)


@dataclass(slots=True)
class HospitalRow:
    hospital: Hospital
    mentions: int = 0
    terms: list[TermRow] = field(default_factory=list)
    places: list[PlaceRow] = field(default_factory=list)
    backfill: BackfillJob | None = None  # The latest one.


@dataclass(slots=True)
class SystemRow:
    system: HealthSystem | None  # None: hospitals in no system.
    hospitals: list[HospitalRow] = field(default_factory=list)


def organization_tree() -> list[SystemRow]:
    """Systems → hospitals (our own first, then competitors) → locations → departments → clinicians, each
    with its terms and how many stored mentions they matched, and each hospital's latest backfill.
    A fixed number of queries, whatever the size of the tree."""
    through = Mention.matched_terms.through
    term_counts = dict(
        through.objects.values("trackedterm_id")
        .annotate(n=Count("mention_id"))
        .values_list("trackedterm_id", "n")
    )
    node_counts = {
        kind: dict(
            through.objects.filter(**{f"trackedterm__{kind}__isnull": False})
            .values(f"trackedterm__{kind}_id")
            .annotate(n=Count("mention_id", distinct=True))
            .values_list(f"trackedterm__{kind}_id", "n")
        )
        for kind in ("location", "department", "clinician")
    }
    hospital_counts = dict(
        Mention.objects.filter(match_status=Mention.MatchStatus.MATCHED, hospital__isnull=False)
        .values("hospital_id")
        .annotate(n=Count("id"))
        .values_list("hospital_id", "n")
    )
    latest_jobs = {
        job.hospital_id: job
        for job in BackfillJob.objects.filter(hospital__isnull=False)
        .order_by("hospital_id", "-created_at")
        .distinct("hospital_id")
    }

    def place(node, kind: str) -> PlaceRow:
        return PlaceRow(node=node, kind=kind, mentions=node_counts[kind].get(node.pk, 0))

    hospitals = {
        hospital.pk: HospitalRow(
            hospital=hospital,
            mentions=hospital_counts.get(hospital.pk, 0),
            backfill=latest_jobs.get(hospital.pk),
        )
        for hospital in Hospital.objects.select_related("system")
    }
    locations = {location.pk: place(location, "location") for location in Location.objects.all()}
    departments = {department.pk: place(department, "department") for department in Department.objects.all()}
    clinicians = {clinician.pk: place(clinician, "clinician") for clinician in Clinician.objects.all()}
    for row in clinicians.values():
        parent = departments.get(row.node.department_id)
        (parent.children if parent else hospitals[row.node.hospital_id].places).append(row)
    for row in departments.values():
        parent = locations.get(row.node.location_id)
        (parent.children if parent else hospitals[row.node.hospital_id].places).append(row)
    for row in locations.values():
        hospitals[row.node.hospital_id].places.append(row)
    for row in hospitals.values():
        # Locations, then hospital-wide departments, then clinicians of no department.
        order = {"location": 0, "department": 1, "clinician": 2}
        row.places.sort(key=lambda place_row: (order[place_row.kind], place_row.node.name.casefold()))
        for place_row in row.places:
            place_row.children.sort(key=lambda child: (order[child.kind], child.node.name.casefold()))

    for term in TrackedTerm.objects.order_by("kind", "text"):
        term_row = TermRow(term=term, mentions=term_counts.get(term.pk, 0))
        # A term shows under the most specific place it is attached to.
        if term.clinician_id in clinicians:
            clinicians[term.clinician_id].terms.append(term_row)
        elif term.department_id in departments:
            departments[term.department_id].terms.append(term_row)
        elif term.location_id in locations:
            locations[term.location_id].terms.append(term_row)
        else:
            hospitals[term.hospital_id].terms.append(term_row)

    systems: dict[int | None, SystemRow] = {
        system.pk: SystemRow(system=system) for system in HealthSystem.objects.all()
    }
    # Hospital's own ordering: our own first, then competitors, by name.
    for row in hospitals.values():
        systems.setdefault(row.hospital.system_id, SystemRow(system=None)).hospitals.append(row)
    rows = list(systems.values())
    # Hospitals of no system last, under their own heading.
    return sorted(rows, key=lambda system_row: system_row.system is None)


def backfill_progress_active() -> list["BackfillProgress"]:
    """The progress of every backfill not finished yet, newest first."""
    jobs = BackfillJob.objects.filter(
        status__in=[BackfillJob.Status.PENDING, BackfillJob.Status.MATCHING, BackfillJob.Status.FETCHING]
    ).select_related("hospital", "requested_by")
    return [backfill_progress(job) for job in jobs]


@dataclass(frozen=True, slots=True)
class BackfillProgress:
    job: BackfillJob
    percent: int
    finished: bool
    phases: tuple[tuple[str, str], ...]  # (label, "done" | "current" | "waiting")


# Share of the bar for re-matching; the rest fills as the sources finish fetching history.
MATCHING_SHARE = 90


def backfill_progress(job: BackfillJob) -> BackfillProgress:
    """How far a backfill is, as a percentage and its phases, for the progress bar."""
    status = BackfillJob.Status
    if job.status == status.DONE:
        percent = 100
    elif job.status == status.FETCHING:
        fetched = job.sources_done / job.sources_total if job.sources_total else 0
        percent = MATCHING_SHARE + int((100 - MATCHING_SHARE) * fetched)
    elif job.status == status.MATCHING and job.total:
        percent = min(MATCHING_SHARE, MATCHING_SHARE * job.done // job.total)
    else:
        percent = 0
    order = [status.PENDING, status.MATCHING, status.FETCHING, status.DONE]
    position = order.index(job.status) if job.status in order else -1
    labels = [
        (status.MATCHING, "Re-match stored mentions"),
        (status.FETCHING, "Fetch history from the sources"),
    ]
    if job.hospital_id is None:
        labels = labels[:1]
    phases = tuple(
        (
            label,
            "done"
            if position > order.index(phase)
            else "current"
            if position == order.index(phase)
            else "waiting",
        )
        for phase, label in labels
    )
    return BackfillProgress(
        job=job, percent=percent, finished=job.status in (status.DONE, status.FAILED), phases=phases
    )
