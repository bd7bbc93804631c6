from datetime import timedelta

import pytest
import requests
import responses
from django.core import mail
from django.utils import timezone

from clusters.models import Cluster
from clusters.services import clusters_assign, clusters_detect_emerging
from tests.clusters.conftest import PARKING, WAITS, story

pytestmark = pytest.mark.django_db

WEBHOOK = "https://hooks.example/alerts"


@pytest.fixture(autouse=True)
def alerts(settings):
    settings.ALERT_EMAILS = ["quality@riverside.example"]
    settings.ALERT_WEBHOOK_URL = WEBHOOK


def _cluster(complaint, topic, ages_in_days) -> Cluster:
    mentions = [complaint(story(topic, n), days_ago=age) for n, age in enumerate(ages_in_days)]
    clusters_assign(mention_ids=[m.pk for m in mentions])
    return Cluster.objects.get(members__mention=mentions[0])


def _steady(weeks: int, per_week: int, offset_days: float = 0.0) -> list[float]:
    return [
        offset_days + 7 * week + 7 * (n + 0.5) / per_week for week in range(weeks) for n in range(per_week)
    ]


@responses.activate
def test_a_planted_wave_is_flagged_and_notified_once_per_episode(complaint):
    responses.post(WEBHOOK, json={"ok": True})
    # Two a week for two months, then twelve in the last week.
    parking = _cluster(complaint, PARKING, _steady(8, 2, offset_days=7) + [0.3 + n * 0.5 for n in range(12)])
    now = timezone.now()

    first = clusters_detect_emerging(now=now)
    again = clusters_detect_emerging(now=now + timedelta(hours=1))

    parking.refresh_from_db()
    assert first.flagged == [parking.pk] and first.notified == [parking.pk]
    assert again.flagged == [] and again.notified == []
    assert parking.is_emerging and parking.last_notified_episode == parking.emerging_since
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["quality@riverside.example"]
    assert "parking" in mail.outbox[0].body.lower()
    assert len(responses.calls) == 1
    assert b'"text"' in responses.calls[0].request.body


@responses.activate
def test_an_episode_clears_when_the_wave_falls_back_and_a_new_wave_notifies_again(complaint):
    responses.post(WEBHOOK, json={"ok": True})
    parking = _cluster(complaint, PARKING, _steady(8, 2, offset_days=7) + [0.3 + n * 0.5 for n in range(12)])
    now = timezone.now()
    clusters_detect_emerging(now=now)

    # Three weeks on, nothing new: the 7-day count has fallen back below the baseline.
    calm = clusters_detect_emerging(now=now + timedelta(days=21))
    parking.refresh_from_db()
    assert calm.cleared == [parking.pk] and not parking.is_emerging

    later = now + timedelta(days=60)
    fresh = [complaint(story(PARKING, 100 + n), days_ago=-60 + 0.2 * n) for n in range(15)]
    clusters_assign(mention_ids=[m.pk for m in fresh])
    second = clusters_detect_emerging(now=later)

    assert second.notified == [parking.pk]
    assert len(mail.outbox) == 2 and len(responses.calls) == 2


def test_a_steady_cluster_is_not_emerging(complaint):
    _cluster(complaint, WAITS, _steady(10, 5))

    result = clusters_detect_emerging(now=timezone.now())

    assert result.flagged == [] and not Cluster.objects.filter(is_emerging=True).exists()


def test_a_new_cluster_growing_fast_is_emerging(complaint, settings):
    settings.CLUSTERS_EMERGING_MIN_MENTIONS = 50  # Only the new-cluster rule can fire.
    portal = _cluster(complaint, PARKING, [0.2 * n for n in range(7)])

    result = clusters_detect_emerging(now=timezone.now(), notify=False)

    assert result.flagged == [portal.pk] and result.notified == []
    assert mail.outbox == []


@responses.activate
def test_a_failing_webhook_is_logged_and_the_email_still_goes(complaint, caplog):
    responses.post(WEBHOOK, body=requests.ConnectionError("refused"))
    _cluster(complaint, PARKING, [0.3 + n * 0.4 for n in range(12)])

    result = clusters_detect_emerging(now=timezone.now())

    assert len(result.notified) == 1
    assert len(mail.outbox) == 1
    assert "could not post the emerging cluster alert" in caplog.text


def test_notifications_without_alert_settings_are_skipped(complaint, settings):
    settings.ALERT_EMAILS, settings.ALERT_WEBHOOK_URL = [], ""
    parking = _cluster(complaint, PARKING, [0.3 + n * 0.4 for n in range(12)])

    result = clusters_detect_emerging(now=timezone.now())

    parking.refresh_from_db()
    assert result.notified == [parking.pk] and mail.outbox == []
