"""The tracking editor: the organization tree, node and term forms, the preview, and who may use them."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from administration import roles
from administration.models import ConfigChange
from mentions.models import Mention
from sources.models import Source
from tests.factories import (
    HospitalFactory,
    MentionFactory,
    SourceFactory,
    TrackedTermFactory,
    UserFactory,
    demo_post,
)
from tracking.help import query_guide_html
from tracking.models import BackfillJob, Clinician, Department, HealthSystem, Hospital, Location, TrackedTerm

MERCY_QUERY = '"Mercy" AND (hospital OR ER OR clinic) NOT "have mercy"'


@pytest.fixture
def admin(user_with_role):
    return user_with_role(roles.ADMIN, username="ada", first_name="Ada")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def mercy(db):
    return HospitalFactory(name="Mercy Medical Center", slug="mercy", is_own=True)


def _term_data(hospital, **fields):
    data = {
        "hospital": hospital.pk,
        "kind": "name",
        "text": "Mercy",
        "query": MERCY_QUERY,
        "language": "en",
        "region": "us",
        "is_active": "on",
    }
    return {**data, **fields}


def test_an_admin_adds_a_hospital_and_an_ambiguous_term_with_an_exclusion(admin_client, admin):
    response = admin_client.post(
        reverse("tracking:node_create", args=["hospital"]), {"name": "Mercy Medical Center", "slug": "mercy"}
    )
    hospital = Hospital.objects.get(slug="mercy")
    assert response.status_code == 302
    assert response.url == f"{reverse('tracking:overview')}#hospital-{hospital.pk}"

    response = admin_client.post(reverse("tracking:term_create"), _term_data(hospital))

    term = TrackedTerm.objects.get(hospital=hospital)
    assert (term.text, term.query, term.language, term.region) == ("Mercy", MERCY_QUERY, "en", "US")
    job = BackfillJob.objects.get(hospital=hospital)
    assert response.url == reverse("tracking:backfill_progress", args=[job.pk])
    assert job.requested_by == admin
    changes = ConfigChange.objects.order_by("id")
    assert [(c.object_repr, c.action) for c in changes] == [
        ("Mercy Medical Center", "created"),
        ("Mercy", "created"),
    ]
    assert changes[1].actor == admin
    assert changes[1].changes["query"] == [None, MERCY_QUERY]


def test_saving_without_backfill_starts_none(admin_client, mercy):
    admin_client.post(reverse("tracking:term_create"), {**_term_data(mercy), "save_only": "1"})

    assert TrackedTerm.objects.filter(hospital=mercy).exists()
    assert not BackfillJob.objects.exists()


def test_editing_and_deleting_a_term_is_recorded_with_before_and_after(admin_client, mercy):
    term = TrackedTermFactory(hospital=mercy, text="Mercy", query='"Mercy" hospital')

    admin_client.post(reverse("tracking:term_edit", args=[term.pk]), {**_term_data(mercy), "is_active": ""})
    change = ConfigChange.objects.get(action="changed")
    assert change.changes["query"] == ['"Mercy" hospital', MERCY_QUERY]
    assert change.changes["is_active"] == [True, False]

    response = admin_client.post(reverse("tracking:term_delete", args=[term.pk]))
    assert not TrackedTerm.objects.exists()
    assert ConfigChange.objects.filter(action="deleted", object_repr="Mercy").exists()
    job = BackfillJob.objects.get(hospital=mercy)  # The edit's job, restarted by the deletion.
    assert response.url == reverse("tracking:backfill_progress", args=[job.pk])


def test_an_invalid_query_shows_the_message_and_points_at_the_wrong_part(admin_client, mercy):
    response = admin_client.post(
        reverse("tracking:term_create"), _term_data(mercy, query='"Mercy" AND (hospital OR "ER')
    )

    assert response.status_code == 200
    assert not TrackedTerm.objects.exists()
    html = response.content.decode()
    assert "Unclosed quote at character 26" in html
    assert '<pre class="mono query-pointer"' in html
    assert "&quot;Mercy&quot; AND (hospital OR &quot;ER\n" + " " * 25 + "^^^</pre>" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("language", "sp", "“sp” is not an ISO 639-1 language code"),
        ("language", "es-MX", "put the country in Region"),
        ("language", "spanish", "“spanish” is not an ISO 639-1 language code"),
        ("region", "UK", "the United Kingdom is GB"),
        ("region", "ZZ", "“ZZ” is not an ISO 3166-1 country code"),
    ],
)
def test_a_language_or_region_that_is_not_an_iso_code_is_refused_with_a_clear_error(
    admin_client, mercy, field, value, message
):
    response = admin_client.post(reverse("tracking:term_create"), _term_data(mercy, **{field: value}))

    assert response.status_code == 200
    assert not TrackedTerm.objects.exists()
    (error,) = response.context["form"].errors[field]
    assert message in error


def test_language_and_region_codes_are_saved_in_their_usual_case(admin_client, mercy):
    admin_client.post(reverse("tracking:term_create"), _term_data(mercy, language=" ES ", region="mx"))

    term = TrackedTerm.objects.get(hospital=mercy)
    assert (term.language, term.region) == ("es", "MX")


def test_a_place_of_another_hospital_is_refused(admin_client, mercy):
    elsewhere = Location.objects.create(hospital=HospitalFactory(slug="riverside"), name="Riverside ER")

    response = admin_client.post(reverse("tracking:term_create"), _term_data(mercy, location=elsewhere.pk))

    assert response.status_code == 200
    assert not TrackedTerm.objects.exists()
    assert response.context["form"].errors["location"]


def test_a_name_the_hospital_already_tracks_is_refused_whatever_its_case(admin_client, mercy):
    TrackedTermFactory(hospital=mercy, text="Mercy")

    response = admin_client.post(reverse("tracking:term_create"), _term_data(mercy, text="MERCY"))

    assert "already has a term named" in response.context["form"].errors["text"][0]


def test_the_structure_can_be_built_and_changed_node_by_node(admin_client, mercy):
    admin_client.post(
        reverse("tracking:node_create", args=["system"]), {"name": "Mercy Health", "slug": "mh"}
    )
    system = HealthSystem.objects.get()
    admin_client.post(
        reverse("tracking:node_edit", args=["hospital", mercy.pk]),
        {"name": mercy.name, "slug": "mercy", "system": system.pk, "is_own": "on"},
    )
    admin_client.post(
        reverse("tracking:node_create", args=["location"]), {"hospital": mercy.pk, "name": "West Campus"}
    )
    location = Location.objects.get()
    admin_client.post(
        reverse("tracking:node_create", args=["department"]),
        {"hospital": mercy.pk, "location": location.pk, "name": "Emergency", "kind": "department"},
    )
    department = Department.objects.get()
    admin_client.post(
        reverse("tracking:node_create", args=["clinician"]),
        {"hospital": mercy.pk, "department": department.pk, "name": "Dr. Ana Patel"},
    )
    clinician = Clinician.objects.get()
    admin_client.post(
        reverse("tracking:term_create"), _term_data(mercy, text="Dr. Patel", query="", clinician=clinician.pk)
    )

    mercy.refresh_from_db()
    assert mercy.system == system
    assert (clinician.department, department.location) == (department, location)
    assert TrackedTerm.objects.get().clinician == clinician
    kinds = list(ConfigChange.objects.order_by("id").values_list("content_type__model", "action"))
    assert kinds == [
        ("healthsystem", "created"),
        ("hospital", "changed"),
        ("location", "created"),
        ("department", "created"),
        ("clinician", "created"),
        ("trackedterm", "created"),
    ]

    response = admin_client.post(reverse("tracking:node_delete", args=["hospital", mercy.pk]))
    assert not Hospital.objects.exists()
    assert ConfigChange.objects.filter(action="deleted").count() == 2  # The hospital and its term.
    job = BackfillJob.objects.get(hospital=None)
    assert response.url == reverse("tracking:backfill_progress", args=[job.pk])


def test_a_department_at_a_location_of_another_hospital_is_refused(admin_client, mercy):
    elsewhere = Location.objects.create(hospital=HospitalFactory(slug="riverside"), name="North")

    response = admin_client.post(
        reverse("tracking:node_create", args=["department"]),
        {"hospital": mercy.pk, "location": elsewhere.pk, "name": "Emergency", "kind": "department"},
    )

    assert response.status_code == 200
    assert not Department.objects.exists()


def test_the_tree_shows_systems_hospitals_own_first_places_terms_and_mention_counts(admin_client, mercy):
    system = HealthSystem.objects.create(name="Mercy Health", slug="mh")
    mercy.system = system
    mercy.save()
    competitor = HospitalFactory(name="Aardvark Hospital", slug="aardvark", system=system)
    location = Location.objects.create(hospital=mercy, name="West Campus", city="Springfield")
    term = TrackedTermFactory(hospital=mercy, text="Mercy", query=MERCY_QUERY, location=location)
    TrackedTermFactory(hospital=competitor, text="Aardvark", is_active=False)
    for text in ("Mercy ER one", "Mercy ER two"):
        MentionFactory(text=text, hospital=mercy).matched_terms.add(term)

    response = admin_client.get(reverse("tracking:overview"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Mercy Medical Center") < html.index("Aardvark Hospital")  # Our own first.
    assert "West Campus" in html and "Springfield" in html
    assert "&quot;Mercy&quot; AND (hospital OR ER OR clinic) NOT &quot;have mercy&quot;" in html
    [system_row] = response.context["systems"]
    [own, other] = system_row.hospitals
    assert own.mentions == 2
    assert own.places[0].mentions == 2
    assert own.places[0].terms[0].mentions == 2
    assert other.terms[0].term.is_active is False


def test_the_tree_shows_running_backfills(admin_client, mercy):
    BackfillJob.objects.create(hospital=mercy, status=BackfillJob.Status.MATCHING, total=200, done=50)

    response = admin_client.get(reverse("tracking:overview"))

    html = response.content.decode()
    assert "Backfills running" in html
    assert (
        f'data-url="{reverse("tracking:backfill_progress", args=[BackfillJob.objects.get().pk])}?partial=1"'
        in html
    )
    assert 'value="22"' in html  # 50 of 200 is a quarter of the matching phase's 90%.


def test_the_progress_partial_reports_numbers_and_phases(admin_client, mercy):
    job = BackfillJob.objects.create(
        hospital=mercy,
        status=BackfillJob.Status.DONE,
        total=10,
        done=10,
        newly_matched=3,
        no_longer_matched=1,
        sources_total=2,
        sources_done=2,
    )

    response = admin_client.get(reverse("tracking:backfill_progress", args=[job.pk]), {"partial": "1"})

    html = response.content.decode()
    assert "<html" not in html
    assert 'data-finished="true"' in html and 'value="100"' in html
    assert "10 of 10 stored mentions re-matched" in html
    assert "3 newly matched" in html and "1 no longer matched" in html
    assert "history fetched by 2 of 2 sources" in html
    assert html.count("phase-done") == 2


@pytest.fixture
def preview_data(mercy, write_dataset):
    """Stored mentions and a demo data set with a post for each preview group, and one for none."""
    riverside = HospitalFactory(name="Riverside General", slug="riverside")
    x = SourceFactory(name="X", kind=Source.Kind.X)
    MentionFactory(source=x, text="Mercy ER took us right away", hospital=riverside)
    MentionFactory(
        source=x,
        text="Have mercy: the Mercy clinic closed early again",
        match_status="excluded",
        hospital=None,
    )
    MentionFactory(source=x, text="Mercy me, what a week", match_status="unmatched", hospital=None)
    MentionFactory(source=x, text="Riverside parking is a scandal", hospital=riverside)
    MentionFactory(
        source=x, text="<script>alert(1)</script> Mercy hospital", match_status="unmatched", hospital=None
    )
    path = write_dataset(
        [
            demo_post(1, "Mercy hospital nurses were kind", age_hours=5),
            demo_post(2, "Lord have mercy, Mercy ER wait is 6 hours", age_hours=4),
            demo_post(3, "No mercy in this exam", age_hours=3),
            demo_post(4, "Mercy clinic again", age_hours=2),
        ]
    )
    SourceFactory(name="Demo data", kind=Source.Kind.DEMO, config={"dataset_path": str(path)})
    TrackedTermFactory(hospital=riverside, text="Mercy ER")  # The current attribution of post 2.


def test_the_preview_sorts_stored_mentions_and_demo_posts_into_caught_dropped_and_missing_co_terms(
    admin_client, mercy, preview_data
):
    stored_before = Mention.objects.count()

    response = admin_client.post(reverse("tracking:term_preview"), _term_data(mercy))

    assert response.status_code == 200
    preview = response.context["preview"]
    stored, demo = preview.stored, preview.demo
    assert (stored.caught.count, stored.excluded.count, stored.missing.count) == (2, 1, 1)
    assert [p.text for p in stored.excluded.samples] == ["Have mercy: the Mercy clinic closed early again"]
    assert stored.excluded.samples[0].excluded_by == ('"have mercy"',)
    assert {p.hospital for p in stored.caught.samples} == {"Riverside General", ""}
    assert (demo.caught.count, demo.excluded.count, demo.missing.count) == (2, 1, 1)
    assert [p.text for p in demo.caught.samples] == ["Mercy clinic again", "Mercy hospital nurses were kind"]
    assert demo.excluded.samples[0].hospital == "Riverside General"
    assert demo.missing.samples[0].text == "No mercy in this exam"
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Mercy hospital" in html
    assert "<script>alert(1)</script>" not in html
    assert "Dropped by NOT" in html
    # Nothing was saved: the form is shown again with the draft.
    assert not TrackedTerm.objects.filter(hospital=mercy).exists()
    assert Mention.objects.count() == stored_before
    assert not ConfigChange.objects.exists() and not BackfillJob.objects.exists()
    assert response.context["form"]["query"].value() == MERCY_QUERY


def test_previewing_an_edit_keeps_saving_to_the_same_term(admin_client, mercy, preview_data):
    term = TrackedTermFactory(hospital=mercy, text="Mercy")

    response = admin_client.post(reverse("tracking:term_preview"), {**_term_data(mercy), "term": term.pk})

    assert f'action="{reverse("tracking:term_edit", args=[term.pk])}"' in response.content.decode()
    assert response.context["preview"].stored.caught.count == 2


def test_a_preview_of_an_invalid_query_shows_the_error_not_a_preview(admin_client, mercy):
    response = admin_client.post(reverse("tracking:term_preview"), _term_data(mercy, query="Mercy AND"))

    assert response.context["preview"] is False
    assert "Nothing after AND" in response.content.decode()


def test_the_query_guide_renders_its_headings_below_the_page_title_and_its_tables(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(
        '# Guide\n\nUse `"Mercy" NOT x`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\na <b>\n```\n'
    )

    html = query_guide_html(guide)

    assert '<h2 id="guide">Guide</h2>' in html
    assert '<code>"Mercy" NOT x</code>' in html
    assert "<td>1</td>" in html
    assert "a &lt;b&gt;" in html


def test_the_help_page_renders(admin_client):
    response = admin_client.get(reverse("tracking:query_help"))

    assert response.status_code == 200
    assert "query language" in response.content.decode().lower()


# --- Who may do what -------------------------------------------------------------------------------


def _urls(mercy):
    term = TrackedTermFactory(hospital=mercy, text="Mercy")
    job = BackfillJob.objects.create(hospital=mercy)
    view = [
        ("get", reverse("tracking:overview")),
        ("get", reverse("tracking:query_help")),
        ("get", reverse("tracking:backfill_progress", args=[job.pk])),
    ]
    change = [
        ("get", reverse("tracking:node_create", args=["hospital"])),
        ("post", reverse("tracking:node_create", args=["hospital"])),
        ("get", reverse("tracking:node_edit", args=["hospital", mercy.pk])),
        ("post", reverse("tracking:node_delete", args=["hospital", mercy.pk])),
        ("get", reverse("tracking:term_create")),
        ("post", reverse("tracking:term_create")),
        ("post", reverse("tracking:term_edit", args=[term.pk])),
        ("post", reverse("tracking:term_delete", args=[term.pk])),
        ("post", reverse("tracking:term_preview")),
        ("post", reverse("tracking:backfill_start", args=[mercy.pk])),
    ]
    return view, change


def test_a_marketing_user_gets_403_everywhere_and_nothing_changes(marketer_client, mercy):
    view, change = _urls(mercy)

    for method, url in view + change:
        response = getattr(marketer_client, method)(url, _term_data(mercy) if method == "post" else None)
        assert response.status_code == 403, url
    assert Hospital.objects.count() == 1 and TrackedTerm.objects.count() == 1
    assert BackfillJob.objects.count() == 1 and not ConfigChange.objects.exists()


def test_a_user_who_may_only_view_terms_sees_the_tree_but_cannot_change_it(client, mercy):
    viewer = UserFactory(username="vic")
    viewer.user_permissions.add(Permission.objects.get(codename="view_trackedterm"))
    client.force_login(viewer)
    view, change = _urls(mercy)

    for method, url in view:
        assert getattr(client, method)(url).status_code == 200, url
    for method, url in change:
        assert getattr(client, method)(url).status_code == 403, url
    assert "Add a hospital" not in client.get(reverse("tracking:overview")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, mercy):
    view, change = _urls(mercy)

    for method, url in view + change:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
