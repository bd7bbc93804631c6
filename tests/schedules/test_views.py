"""The schedules settings page: administrators see every periodic task and change its crontab or turn it
off; everyone else is refused."""

import re

import pytest
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from administration import roles
from administration.models import ConfigChange
from schedules.services import periodic_tasks_install_defaults

LIST_URL = reverse("schedules:periodic_task_list")
EVERY_FIVE_MINUTES = {
    "minute": "*/5",
    "hour": "*",
    "day_of_month": "*",
    "month_of_year": "*",
    "day_of_week": "*",
}


@pytest.fixture
def installed(db):
    periodic_tasks_install_defaults()
    return {task.name: task for task in PeriodicTask.objects.select_related("crontab")}


@pytest.fixture
def admin_client(client, user_with_role):
    client.force_login(user_with_role(roles.ADMIN, username="ada", first_name="Ada"))
    return client


def _edit_url(task: PeriodicTask) -> str:
    return reverse("schedules:periodic_task_edit", args=[task.pk])


def test_it_lists_every_task_with_what_it_does_when_its_state_and_its_runs(admin_client, installed):
    PeriodicTask.objects.filter(name="clusters-recluster").update(total_run_count=1234)
    PeriodicTask.objects.filter(name="mentions-delete-expired").update(enabled=False)

    page = admin_client.get(LIST_URL).content.decode()

    for name in installed:
        assert name in page
        assert _edit_url(installed[name]) in page
    assert "Regroups recent complaints into clusters" in page
    assert "At 17 minutes past the hour, every 6 hours" in page and "17 */6 * * *" in page
    assert "1,234" in page
    assert page.count('<span class="status status-broken">Off</span>') == 1
    # The sources' own intervals are pointed to, not repeated.
    assert "poll interval is not set here but on the source" in page
    assert "not installed" not in page


def test_it_warns_when_a_default_task_is_missing(admin_client, installed):
    PeriodicTask.objects.filter(name="triage-replies-sweep-stuck").delete()
    page = admin_client.get(LIST_URL).content.decode()
    assert "1 default task is not installed" in page
    assert "triage-replies-sweep-stuck" in page and "setup_periodic_tasks" in page


def test_an_edit_changes_the_crontab_and_shows_in_the_configuration_history(admin_client, installed):
    task = installed["clusters-detect-emerging"]

    response = admin_client.post(_edit_url(task), EVERY_FIVE_MINUTES | {"enabled": "on"}, follow=True)

    task.refresh_from_db()
    assert task.crontab.minute == "*/5" and task.enabled
    assert "Saved. clusters-detect-emerging now runs: every 5 minutes." in response.content.decode()
    change = ConfigChange.objects.get()
    assert change.actor.username == "ada"
    assert change.changes["schedule"] == [
        "At 47 minutes past the hour (47 * * * *)",
        "Every 5 minutes (*/5 * * * *)",
    ]
    history = admin_client.get(reverse("administration:history")).content.decode()
    assert "Every 5 minutes (*/5 * * * *)" in history
    edit_page = admin_client.get(_edit_url(task)).content.decode()
    assert "At 47 minutes past the hour (47 * * * *) → Every 5 minutes (*/5 * * * *)" in edit_page


def test_turning_a_task_off_keeps_its_schedule(admin_client, installed):
    task = installed["sources-sync-due"]
    response = admin_client.post(_edit_url(task), EVERY_FIVE_MINUTES | {"minute": "*"}, follow=True)
    task.refresh_from_db()
    assert not task.enabled and task.crontab.minute == "*"
    assert "sources-sync-due is off" in response.content.decode()
    assert ConfigChange.objects.get().changes == {"enabled": [True, False]}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("minute", "60", "“60” is not a valid minute. Use a number from 0 to 59"),
        ("hour", "9am", "“9am” is not a valid hour. Use a number from 0 to 23"),
        ("day_of_week", "8", "“8” is not a valid day of the week. Use a number from 0 (Sunday) to 6"),
        ("month_of_year", "0", "“0” is not a valid month. Use a number from 1 (January) to 12"),
        ("minute", "0, 30", "with no spaces"),
        ("minute", "", "This field is required."),
    ],
)
def test_an_invalid_crontab_is_refused_with_what_to_fix(admin_client, installed, field, value, message):
    task = installed["clusters-recluster"]
    response = admin_client.post(_edit_url(task), EVERY_FIVE_MINUTES | {field: value, "enabled": "on"})
    assert response.status_code == 400
    assert message in response.content.decode()
    task.refresh_from_db()
    assert task.crontab.minute == "17"
    assert not ConfigChange.objects.exists()


def test_a_day_that_none_of_the_months_has_is_refused(admin_client, installed):
    task = installed["mentions-delete-expired"]
    data = EVERY_FIVE_MINUTES | {"minute": "0", "hour": "3", "day_of_month": "31", "month_of_year": "2"}
    response = admin_client.post(_edit_url(task), data | {"enabled": "on"})
    assert response.status_code == 400
    assert "This schedule would never run" in response.content.decode()
    assert not ConfigChange.objects.exists()


@pytest.mark.parametrize("role", [None, roles.MARKETING, roles.PATIENT_EXPERIENCE, roles.REPLY_APPROVER])
def test_anyone_but_an_administrator_is_refused(client, user_with_role, installed, role):
    client.force_login(user_with_role(role))
    task = installed["sources-sync-due"]
    assert client.get(LIST_URL).status_code == 403
    assert client.get(_edit_url(task)).status_code == 403
    assert client.post(_edit_url(task), EVERY_FIVE_MINUTES).status_code == 403
    task.refresh_from_db()
    assert task.crontab.minute == "*" and task.enabled


def test_the_sources_page_links_to_the_schedules_and_says_where_poll_intervals_are_set(admin_client, db):
    page = admin_client.get(reverse("sources:source_list")).content.decode()
    assert "Each source is polled on its own interval, which you change on the source's page." in page
    assert f'<a href="{LIST_URL}">schedules page</a>' in page


def test_the_settings_tabs_include_the_schedules(admin_client, db):
    page = admin_client.get(reverse("administration:history")).content.decode()
    assert re.search(rf'<a href="{LIST_URL}"\s*>Schedules</a>', page)


def test_a_task_on_another_kind_of_schedule_is_listed_but_left_to_the_django_admin(admin_client, installed):
    every_ten_seconds = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(
        name="custom-probe", task="sources.sources_sync_due", interval=every_ten_seconds
    )

    page = admin_client.get(LIST_URL).content.decode()
    assert "every 10 seconds" in page and "change it in the Django admin" in page
    assert _edit_url(task) not in page

    response = admin_client.post(_edit_url(task), EVERY_FIVE_MINUTES)
    assert response.status_code == 200 and "does not run on a crontab schedule" in response.content.decode()
    task.refresh_from_db()
    assert task.interval_id == every_ten_seconds.pk and task.crontab is None and task.enabled
