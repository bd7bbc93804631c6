"""Mentions rolled up along the organization's structure: health system → hospital → location → department
or service line → clinician.

A mention counts for its hospital; below the hospital it counts for every place whose tracked terms it
matched (mentions.filters.TERM_*: a doctor's term counts for the doctor's department and its location).
Each level is one grouped query for the selected period and the one before it, plus the node's own totals.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from mentions.filters import TERM_CLINICIAN, TERM_DEPARTMENT, TERM_LOCATION, MentionFilterSet, term_place
from mentions.models import Mention
from mentions.selectors import mention_base_queryset
from tracking.models import Clinician, Department, HealthSystem, Hospital, Location

# Most specific first: the deepest place the filters name is the node the page shows.
KINDS = ("clinician", "department", "location", "hospital", "system")


@dataclass(frozen=True, slots=True)
class Node:
    """A place in the structure, with the filter that selects its mentions (`kind`=`value`)."""

    kind: str
    value: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True, slots=True)
class StructureRow:
    """Counts for one place: the selected period, and the period of equal length before it."""

    node: Node
    mentions: int = 0
    complaints: int = 0
    positive: int = 0
    negative: int = 0
    previous_mentions: int = 0
    previous_complaints: int = 0
    previous_negative: int = 0
    has_children: bool = False

    @property
    def negative_share(self) -> int | None:
        return round(100 * self.negative / self.mentions) if self.mentions else None

    @property
    def previous_negative_share(self) -> int | None:
        return (
            round(100 * self.previous_negative / self.previous_mentions) if self.previous_mentions else None
        )

    # What dashboards.charts.breakdown_chart reads (unlabelled mentions count as neutral, as elsewhere).
    @property
    def key(self) -> str:
        return self.node.key

    @property
    def label(self) -> str:
        return self.node.label

    @property
    def counts(self) -> dict[str, int]:
        neutral = self.mentions - self.positive - self.negative
        return {"negative": self.negative, "neutral": neutral, "positive": self.positive}

    is_own = False


@dataclass(frozen=True)
class StructureLevel:
    node: Node | None  # None: the top, systems and the hospitals outside one
    trail: list[Node]  # from the top down to node, inclusive
    totals: StructureRow
    rows: list[StructureRow] = field(default_factory=list)
    children_title: str = ""  # what the rows are ("Departments and service lines")
    child_noun: str = ""  # one of them, for the chart's axis ("Department")


_COUNTS = (
    "mentions",
    "complaints",
    "positive",
    "negative",
    "previous_mentions",
    "previous_complaints",
    "previous_negative",
)


def _aggregates(*, start: datetime, prefix: str = "", distinct: bool = False) -> dict:
    """Counts of the StructureRow fields; `prefix` is the path to the mention, and distinct counts each
    mention once when a row of the query is a (mention, term) pair."""
    pk = f"{prefix}pk" if prefix else "pk"
    current, before = Q(**{f"{prefix}posted_at__gte": start}), Q(**{f"{prefix}posted_at__lt": start})
    complaint = Q(**{f"{prefix}is_complaint": True})

    def sentiment(label: str) -> Q:
        return Q(**{f"{prefix}sentiment_label": label})

    def count(condition: Q) -> Count:
        return Count(pk, filter=condition, distinct=distinct)

    return {
        "mentions": count(current),
        "complaints": count(current & complaint),
        "positive": count(current & sentiment("positive")),
        "negative": count(current & sentiment("negative")),
        "previous_mentions": count(before),
        "previous_complaints": count(before & complaint),
        "previous_negative": count(before & sentiment("negative")),
    }


def _span_queryset(filterset: MentionFilterSet) -> tuple[QuerySet[Mention], datetime]:
    """The filtered mentions of the selected period and the one before it, and where the selected begins."""
    start, end = filterset.period()
    data = filterset.data.copy()
    data["date_from"] = (start - (end - start)).date().isoformat()
    span = MentionFilterSet(data=data, queryset=mention_base_queryset())
    span.is_valid()
    return span.qs, start


def _place_nodes(cleaned: dict) -> dict[str, object]:
    """The model instances the filters name, with their ancestors filled in from the deepest one."""
    found: dict[str, object] = {}
    if cleaned.get("clinician"):
        clinician = (
            Clinician.objects.select_related("department__location", "hospital__system")
            .filter(pk=int(cleaned["clinician"]))
            .first()
        )
        if clinician is None:
            return {"missing": True}
        found["clinician"] = clinician
    if cleaned.get("department") or found.get("clinician") and found["clinician"].department:
        department = (
            found["clinician"].department
            if "clinician" in found
            else Department.objects.select_related("location", "hospital__system")
            .filter(pk=int(cleaned["department"]))
            .first()
        )
        if department is None:
            return {"missing": True}
        found["department"] = department
    deeper = found.get("department")
    if cleaned.get("location") or deeper is not None and deeper.location_id:
        location = (
            deeper.location
            if deeper is not None
            else Location.objects.select_related("hospital__system")
            .filter(pk=int(cleaned["location"]))
            .first()
        )
        if location is None:
            return {"missing": True}
        found["location"] = location
    placed = found.get("location") or found.get("department") or found.get("clinician")
    hospital = placed.hospital if placed is not None else cleaned.get("hospital")
    if hospital is not None:
        found["hospital"] = hospital
    system = hospital.system if hospital is not None else cleaned.get("system")
    if system is not None:
        found["system"] = system
    return found


def _node(kind: str, instance) -> Node:
    value = instance.slug if kind in ("system", "hospital") else str(instance.pk)
    return Node(kind=kind, value=value, label=instance.name)


def _row(node: Node, counts: dict | None, *, has_children: bool) -> StructureRow:
    values = {name: (counts or {}).get(name, 0) for name in _COUNTS}
    return StructureRow(node=node, has_children=has_children, **values)


def _sorted(rows: list[StructureRow]) -> list[StructureRow]:
    return sorted(rows, key=lambda row: (-row.mentions, row.label.lower()))


def _hospital_rows(qs: QuerySet[Mention], start: datetime) -> dict[int, dict]:
    rows = qs.filter(hospital__isnull=False).values("hospital_id").annotate(**_aggregates(start=start))
    return {row["hospital_id"]: row for row in rows.order_by()}


def _top_rows(qs: QuerySet[Mention], start: datetime) -> tuple[list[StructureRow], str]:
    """Systems (summing their hospitals) and the hospitals outside any system."""
    hospitals = list(Hospital.objects.select_related("system"))
    counts = _hospital_rows(qs, start)
    systems: dict[int, tuple[HealthSystem, dict]] = {}
    rows = []
    for hospital in hospitals:
        if hospital.system is None:
            rows.append(_row(_node("hospital", hospital), counts.get(hospital.pk), has_children=True))
            continue
        _, summed = systems.setdefault(hospital.system_id, (hospital.system, dict.fromkeys(_COUNTS, 0)))
        for name in _COUNTS:
            summed[name] += counts.get(hospital.pk, {}).get(name, 0)
    rows += [_row(_node("system", system), summed, has_children=True) for system, summed in systems.values()]
    return _sorted(rows), "top with systems" if systems else None


def _system_rows(qs: QuerySet[Mention], start: datetime, system: HealthSystem) -> list[StructureRow]:
    hospitals = list(system.hospitals.all())
    counts = _hospital_rows(qs, start)
    return _sorted([_row(_node("hospital", h), counts.get(h.pk), has_children=True) for h in hospitals])


_PREFIX = "trackedterm__"


def _place_key(kind: str, expression) -> Concat:
    return Concat(Value(f"{kind}:"), Cast(expression, CharField()))


def _term_rows(qs: QuerySet[Mention], start: datetime, *, hospital_id: int, key, conditions: Q) -> dict:
    """Counts per place key over (mention, matched term) pairs, each mention once per place."""
    through = Mention.matched_terms.through.objects.filter(
        mention_id__in=qs.values("pk"), trackedterm__hospital_id=hospital_id
    ).annotate(
        location=term_place(TERM_LOCATION, _PREFIX),
        department=term_place(TERM_DEPARTMENT, _PREFIX),
        clinician=term_place(TERM_CLINICIAN, _PREFIX),
    )
    rows = (
        through.filter(conditions)
        .annotate(place=key)
        .values("place")
        .annotate(**_aggregates(start=start, prefix="mention__", distinct=True))
        .order_by()
    )
    return {row["place"]: row for row in rows}


def _hospital_children(qs: QuerySet[Mention], start: datetime, hospital: Hospital) -> list[StructureRow]:
    """Locations, and the departments and clinicians that are not under one (they span the hospital)."""
    key = Case(
        When(location__isnull=False, then=_place_key("location", "location")),
        When(department__isnull=False, then=_place_key("department", "department")),
        When(clinician__isnull=False, then=_place_key("clinician", "clinician")),
        default=Value(None),
        output_field=CharField(),
    )
    conditions = Q(location__isnull=False) | Q(department__isnull=False) | Q(clinician__isnull=False)
    counts = _term_rows(qs, start, hospital_id=hospital.pk, key=key, conditions=conditions)
    locations = list(hospital.locations.all())
    departments = list(hospital.departments.filter(location__isnull=True))
    clinicians = list(hospital.clinicians.filter(department__isnull=True))
    nodes = (
        [(_node("location", place), True) for place in locations]
        + [
            (Node("department", str(d.pk), f"{d.name} ({d.get_kind_display().lower()})"), True)
            for d in departments
        ]
        + [(Node("clinician", str(c.pk), f"{c.name} (clinician)"), False) for c in clinicians]
    )
    return _sorted([_row(node, counts.get(node.key), has_children=more) for node, more in nodes])


def _location_children(qs: QuerySet[Mention], start: datetime, location: Location) -> list[StructureRow]:
    counts = _term_rows(
        qs,
        start,
        hospital_id=location.hospital_id,
        key=_place_key("department", "department"),
        conditions=Q(location=location.pk, department__isnull=False),
    )
    departments = list(location.departments.all())
    return _sorted(
        [
            _row(_node("department", d), counts.get(f"department:{d.pk}"), has_children=True)
            for d in departments
        ]
    )


def _department_children(
    qs: QuerySet[Mention], start: datetime, department: Department
) -> list[StructureRow]:
    counts = _term_rows(
        qs,
        start,
        hospital_id=department.hospital_id,
        key=_place_key("clinician", "clinician"),
        conditions=Q(department=department.pk, clinician__isnull=False),
    )
    clinicians = list(department.clinicians.all())
    return _sorted(
        [_row(_node("clinician", c), counts.get(f"clinician:{c.pk}"), has_children=False) for c in clinicians]
    )


CHILDREN_TITLES = {
    None: ("Hospitals", "Hospital"),
    "top with systems": ("Health systems and hospitals", "System or hospital"),
    "system": ("Hospitals", "Hospital"),
    "hospital": ("Locations, hospital-wide departments and clinicians", "Place"),
    "location": ("Departments and service lines", "Department"),
    "department": ("Clinicians", "Clinician"),
}


def structure_level(*, filterset: MentionFilterSet) -> StructureLevel | None:
    """The deepest place the (valid) filters name, its trail from the top, its totals and its children's
    rows. None when a place named does not exist."""
    found = _place_nodes(filterset.form.cleaned_data)
    if found.get("missing"):
        return None
    trail = [_node(kind, found[kind]) for kind in reversed(KINDS) if kind in found]
    node = trail[-1] if trail else None
    qs, start = _span_queryset(filterset)
    totals_counts = qs.aggregate(**_aggregates(start=start))
    totals = _row(node or Node("all", "", "All hospitals"), totals_counts, has_children=True)
    kind = node.kind if node else None
    if kind is None:
        rows, kind = _top_rows(qs, start)
    elif kind == "system":
        rows = _system_rows(qs, start, found["system"])
    elif kind == "hospital":
        rows = _hospital_children(qs, start, found["hospital"])
    elif kind == "location":
        rows = _location_children(qs, start, found["location"])
    elif kind == "department":
        rows = _department_children(qs, start, found["department"])
    else:
        rows = []  # A clinician: the last level.
    title, noun = CHILDREN_TITLES.get(kind, ("", ""))
    return StructureLevel(
        node=node, trail=trail, totals=totals, rows=rows, children_title=title, child_noun=noun
    )
