import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from administration.admin import ConfigChangeAdmin
from administration.models import ConfigChange
from administration.selectors import config_change_list, config_change_rows
from administration.services import config_change_record, config_snapshot, user_access_update
from tests.factories import HospitalFactory, SourceFactory, TrackedTermFactory


def _term_renamed(actor, term, text: str) -> ConfigChange:
    before = config_snapshot(term)
    term.text = text
    term.save()
    return config_change_record(
        actor=actor, instance=term, action="changed", before=before, after=config_snapshot(term)
    )


def test_history_shows_who_what_and_each_field_before_and_after(ada_client, ada, mo, roles):
    user_access_update(actor=ada, user=mo, roles=[roles["Patient experience"]], teams=[])
    term = TrackedTermFactory(text="Mercy")
    _term_renamed(ada, term, "Mercy Valley")
    response = ada_client.get(reverse("administration:history"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ada Admin" in content
    assert f'href="{reverse("administration:user_edit", args=[mo.pk])}"' in content
    assert "Roles" in content and "Marketing</span> → Patient experience" in content
    assert "Mercy</span> → Mercy Valley" in content
    assert "Tracked term" in content


def test_history_never_shows_secret_values(ada_client, ada):
    source = SourceFactory(name="X search")
    config_change_record(
        actor=ada,
        instance=source,
        action="changed",
        before={"config": {"bearer_token": "old-secret"}},
        after={"config": {"bearer_token": "new-secret"}},
        secret_fields=["config"],
    )
    content = ada_client.get(reverse("administration:history")).content.decode()
    assert "<em>(changed)</em>" in content
    assert "secret" not in content.replace("Secrets are never shown", "")


def test_history_names_related_objects_instead_of_ids(ada):
    riverside, mercy = HospitalFactory(name="Riverside General"), HospitalFactory(name="Mercy Valley")
    term = TrackedTermFactory(hospital=riverside, text="ER")
    before = config_snapshot(term)
    term.hospital = mercy
    term.save()
    config_change_record(
        actor=ada, instance=term, action="changed", before=before, after=config_snapshot(term)
    )
    [row] = config_change_rows(config_change_list())
    [field] = row.fields
    assert (field.label, field.before, field.after) == ("Hospital", "Riverside General", "Mercy Valley")


def test_history_does_not_link_an_object_that_is_gone(ada):
    term = TrackedTermFactory(text="Old nickname")
    config_change_record(actor=ada, instance=term, action="deleted", before=config_snapshot(term))
    term.delete()
    [row] = config_change_rows(config_change_list())
    assert row.object_url is None
    assert row.change.object_repr == "Old nickname"


def test_history_filters_by_object_type_person_and_date(ada_client, ada, mo, roles):
    user_access_update(actor=ada, user=mo, roles=[roles["Patient experience"]], teams=[])
    term_change = _term_renamed(mo, TrackedTermFactory(text="RGH"), "R.G.H.")
    old = _term_renamed(ada, TrackedTermFactory(text="St Mary"), "St. Mary's")
    ConfigChange.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=40))
    url = reverse("administration:history")

    def shown(**params) -> set[int]:
        response = ada_client.get(url, params)
        assert response.status_code == 200
        return {row.change.pk for row in response.context["rows"]}

    term_type = ContentType.objects.get(app_label="tracking", model="trackedterm")
    assert shown(object_type=term_type.pk) == {term_change.pk, old.pk}
    assert shown(actor=mo.pk) == {term_change.pk}
    today = timezone.localdate()
    assert old.pk not in shown(since=(today - datetime.timedelta(days=7)).isoformat())
    assert shown(until=(today - datetime.timedelta(days=30)).isoformat()) == {old.pk}
    response = ada_client.get(url, {"since": today.isoformat(), "until": "2000-01-01"})
    assert b"The start date is after the end date." in response.content
    user_type = ContentType.objects.get(app_label="auth", model="user")
    assert shown(actor=mo.pk, object_type=user_type.pk) == set()
    assert b"No changes match" in ada_client.get(url, {"actor": mo.pk, "object_type": user_type.pk}).content


def test_history_offers_only_types_and_people_it_holds(ada_client, ada, mo):
    _term_renamed(ada, TrackedTermFactory(text="RGH"), "R.G.H.")
    form = ada_client.get(reverse("administration:history")).context["filters"]
    assert [ct.model for ct in form.fields["object_type"].queryset] == ["trackedterm"]
    assert list(form.fields["actor"].queryset) == [ada]


def test_history_shows_an_empty_state(ada_client):
    response = ada_client.get(reverse("administration:history"))
    assert b"No configuration changes yet" in response.content


def test_history_rows_take_the_same_queries_however_many_changes(ada, mo, roles):
    def queries_for_rows(count: int) -> int:
        ConfigChange.objects.all().delete()
        for number in range(count):
            _term_renamed(ada, TrackedTermFactory(text=f"Term {number}"), f"Renamed {number}")
            user_access_update(
                actor=ada,
                user=mo,
                roles=[roles["Marketing" if number % 2 else "Patient experience"]],
                teams=[],
            )
        with CaptureQueriesContext(connection) as context:
            config_change_rows(config_change_list()[:50])
        return len(context.captured_queries)

    assert queries_for_rows(2) == queries_for_rows(10)


def test_the_history_cannot_be_changed_from_the_django_admin(rf, ada):
    request = rf.get("/")
    request.user = ada
    model_admin = ConfigChangeAdmin(ConfigChange, admin_site=None)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
