from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.structure import structure_level
from mentions.selectors import mention_filterset
from tests.factories import HospitalFactory, MentionFactory, TrackedTermFactory
from tracking.models import Clinician, Department, HealthSystem, Location


@pytest.fixture
def organization(hospitals):
    """Riverside in a system, with a campus, its emergency department, a doctor there, a hospital-wide
    service line, and mentions naming them; Mercy stays outside any system."""
    riverside = hospitals["riverside"]
    system = HealthSystem.objects.create(name="Riverside Health Partners", slug="rhp")
    riverside.system = system
    riverside.save()
    campus = Location.objects.create(hospital=riverside, name="Main Campus")
    clinic = Location.objects.create(hospital=riverside, name="North Clinic")
    emergency = Department.objects.create(hospital=riverside, location=campus, name="Emergency")
    maternity = Department.objects.create(
        hospital=riverside, name="Maternity", kind=Department.Kind.SERVICE_LINE
    )
    doctor = Clinician.objects.create(hospital=riverside, department=emergency, name="Dr. Ben Castillo")
    terms = {
        "campus": TrackedTermFactory(hospital=riverside, text="Riverside campus", location=campus),
        "er": TrackedTermFactory(hospital=riverside, text="Riverside ER", department=emergency),
        "doctor": TrackedTermFactory(hospital=riverside, text="Dr. Castillo", clinician=doctor),
        "maternity": TrackedTermFactory(hospital=riverside, text="Riverside maternity", department=maternity),
    }
    now = timezone.now()

    def mention(*names, days_ago=1, **fields):
        made = MentionFactory(hospital=riverside, posted_at=now - timedelta(days=days_ago), **fields)
        made.matched_terms.set([terms[name] for name in names])
        return made

    # Two terms of the same department in one post count once for it.
    mention("er", "doctor", sentiment_label="negative", is_complaint=True)
    mention("doctor", sentiment_label="positive")
    mention("campus", sentiment_label="neutral")
    mention("maternity", sentiment_label="positive")
    mention("er", sentiment_label="negative", days_ago=120)  # the previous 90 days
    mention()  # names the hospital only
    MentionFactory(hospital=hospitals["mercy"], sentiment_label="negative", posted_at=now - timedelta(days=2))
    return {
        "system": system,
        "campus": campus,
        "clinic": clinic,
        "emergency": emergency,
        "maternity": maternity,
        "doctor": doctor,
    }


def _filterset(query: dict):
    filterset = mention_filterset(data=_querydict(query), default_period=True)
    assert filterset.is_valid(), filterset.errors
    return filterset


def _level(query: dict):
    return structure_level(filterset=_filterset(query))


def _querydict(query: dict):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update(query)
    return data


def _counts(level) -> dict[str, tuple]:
    return {
        row.label: (row.mentions, row.complaints, row.negative, row.previous_mentions) for row in level.rows
    }


def test_the_top_shows_systems_and_the_hospitals_outside_one(organization):
    level = _level({})
    assert level.node is None and level.children_title == "Health systems and hospitals"
    assert _counts(level) == {
        "Riverside Health Partners": (5, 1, 1, 1),
        "Mercy Valley Hospital": (1, 0, 1, 0),
    }
    assert (level.totals.mentions, level.totals.previous_mentions) == (6, 1)


def test_the_top_shows_hospitals_when_there_are_no_systems(hospitals):
    MentionFactory(hospital=hospitals["riverside"])
    level = _level({})
    assert level.children_title == "Hospitals"
    assert _counts(level) == {
        "Riverside General Hospital": (1, 0, 0, 0),
        "Mercy Valley Hospital": (0, 0, 0, 0),
    }


def test_a_hospital_rolls_doctors_up_to_their_department_and_location(organization):
    level = _level({"hospital": "riverside"})
    assert [node.label for node in level.trail] == ["Riverside Health Partners", "Riverside General Hospital"]
    assert _counts(level) == {
        # The ER post, the doctor's two posts (one of them the ER post) and the campus post.
        "Main Campus": (3, 1, 1, 1),
        "Maternity (service line)": (1, 0, 0, 0),
        "North Clinic": (0, 0, 0, 0),
    }


def test_a_location_shows_its_departments_and_a_department_its_clinicians(organization):
    campus = _level({"location": str(organization["campus"].pk)})
    assert [node.kind for node in campus.trail] == ["system", "hospital", "location"]
    assert _counts(campus) == {"Emergency": (2, 1, 1, 1)}
    emergency = _level({"department": str(organization["emergency"].pk)})
    assert _counts(emergency) == {"Dr. Ben Castillo": (2, 1, 1, 0)}
    assert not emergency.rows[0].has_children


def test_each_level_is_one_grouped_query_besides_lookups(organization, django_assert_num_queries):
    # The place with its ancestors, the node's totals, the grouped counts, and the places listed.
    campus = _filterset({"location": str(organization["campus"].pk)})
    with django_assert_num_queries(4):
        structure_level(filterset=campus)
    # The filters' hospital (validating the filters of both periods), its system, the totals, the grouped
    # counts, and its locations, departments and clinicians.
    hospital = _filterset({"hospital": "riverside"})
    with django_assert_num_queries(7):
        structure_level(filterset=hospital)


def test_the_mention_list_filters_by_place_listing_each_mention_once(marketer_client, organization):
    url = reverse("mentions:mention_list")

    def listed(**place) -> int:
        return marketer_client.get(url, place).context["page"].paginator.count

    # The department's posts name its term or its doctor's (one names both); the campus adds its own.
    assert listed(department=organization["emergency"].pk) == 3
    assert listed(location=organization["campus"].pk) == 4
    assert listed(clinician=organization["doctor"].pk) == 2
    assert listed(system="rhp") == 6
    assert listed(department=organization["maternity"].pk, hospital="mercy-valley") == 0


def test_the_page_drills_down_and_links_to_the_mentions_behind_each_row(marketer_client, organization):
    response = marketer_client.get(reverse("dashboards:structure"))
    assert response.status_code == 200
    rows = {row.label: (drill, mentions) for row, drill, mentions in response.context["rows"]}
    drill, _ = rows["Riverside Health Partners"]
    assert "system=rhp" in drill

    hospital_page = marketer_client.get(drill)
    rows = {row.label: (drill, mentions) for row, drill, mentions in hospital_page.context["rows"]}
    assert set(rows) == {"Riverside General Hospital"}
    campus_page = marketer_client.get(
        marketer_client.get(rows["Riverside General Hospital"][0]).context["rows"][0][1]
    )
    assert campus_page.context["level"].node.label == "Main Campus"
    ((row, drill, mentions_url),) = campus_page.context["rows"]
    assert row.label == "Emergency"
    listed = marketer_client.get(mentions_url).context["page"].object_list
    assert len(listed) == 2

    chart = campus_page.context["chart"]
    assert chart["layout"]["title"]["text"] and chart["layout"]["xaxis"]["title"]["text"]
    negative = next(trace for trace in chart["data"] if trace["name"] == "Negative")
    listed = marketer_client.get(negative["customdata"][0]).context["page"].object_list
    assert [m.sentiment_label for m in listed] == ["negative"]


def test_a_place_without_children_or_mentions_shows_an_empty_state(marketer_client, organization):
    response = marketer_client.get(reverse("dashboards:structure"), {"location": organization["clinic"].pk})
    assert b"Nothing is set up below North Clinic yet" in response.content
    assert "chart" not in response.context


def test_an_unknown_place_is_404(marketer_client, organization):
    response = marketer_client.get(reverse("dashboards:structure"), {"department": 999999})
    assert response.status_code == 404


def test_names_are_escaped(marketer_client, db):
    HospitalFactory(name="<script>alert(1)</script>", slug="evil")
    response = marketer_client.get(reverse("dashboards:structure"))
    assert b"<script>alert(1)</script>" not in response.content


def test_the_demo_organization_has_a_structure_with_terms_in_their_places(db):
    from sources.demo.setup import demo_setup
    from tracking.models import TrackedTerm

    demo_setup()
    demo_setup()  # idempotent
    system = HealthSystem.objects.get(slug="riverside-health")
    assert [h.slug for h in system.hospitals.all()] == ["riverside"]
    assert Location.objects.filter(hospital__slug="riverside").count() == 3
    emergency = Department.objects.get(name="Emergency")
    assert emergency.location.name == "Riverside Main Campus"
    assert Clinician.objects.get(name="Dr. Ben Castillo").department == emergency
    assert TrackedTerm.objects.get(text="Riverside ER").department == emergency
    assert TrackedTerm.objects.get(text="Dr. Castillo").clinician.name == "Dr. Ben Castillo"
    assert (
        TrackedTerm.objects.get(text="Riverside Urgent Care").location.name
        == "Riverside Urgent Care Eastgate"
    )
    level = _level({"hospital": "riverside"})
    assert {row.label for row in level.rows} >= {"Riverside Main Campus", "Maternity (service line)"}
