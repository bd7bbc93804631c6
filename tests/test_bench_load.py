"""The load test's simulated users, against the live server for a few seconds, and its verdict."""

import importlib.util
from pathlib import Path

import pytest
from django.utils import timezone

from administration import roles
from tests.triage.factories import ComplaintFactory, QueueItemFactory

BENCH_LOAD = Path(__file__).resolve().parent.parent / "bench" / "bench_load.py"


@pytest.fixture(scope="module")
def bench_load():
    spec = importlib.util.spec_from_file_location("bench_load", BENCH_LOAD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def site(live_server, user_with_role, bench_load):
    """Two complaints in the queue, one user of each role with the load test's password."""
    items = [
        QueueItemFactory(mention=ComplaintFactory(text=f"Waited {hours} hours at Riverside ER"))
        for hours in (3, 5)
    ]
    users = []
    for role, username in [(roles.MARKETING, "load-001"), (roles.PATIENT_EXPERIENCE, "load-002")]:
        user = user_with_role(role, username=username)
        user.set_password(bench_load.PASSWORD)
        user.save(update_fields=["password"])
        users.append(user)
    hospital = items[0].hospital
    facts = bench_load.SiteFacts(
        hospital_slugs=[hospital.slug], hospital_ids=[hospital.pk], cluster_ids=[], today=timezone.localdate()
    )
    return {"items": items, "facts": facts, "url": live_server.url}


def _users(bench_load, site):
    return [
        bench_load.SimulatedUser(
            username=username, role=role, base_url=site["url"], facts=site["facts"], seed=number
        )
        for number, (username, role) in enumerate(
            [("load-001", "marketing"), ("load-002", "patient experience")]
        )
    ]


def test_simulated_users_sign_in_and_browse_their_pages_without_errors(bench_load, site):
    users = _users(bench_load, site)
    for user in users:
        user.login()
    samples = []

    bench_load.users_run(users, phase="smoke", seconds=4, think=0.05, samples=samples)

    assert len(samples) >= 10
    assert {sample.status for sample in samples} == {200}, [s for s in samples if s.status != 200]
    pages = {sample.page for sample in samples}
    assert pages & {"overview", "overview, filtered", "mention search", "mention list, filtered"}
    assert pages & {"queue", "queue, saved view", "queue, filtered", "queue, next pages"}
    stats = bench_load.page_stats(samples, "smoke")
    assert stats[bench_load.ALL_PAGES].count == len(samples)
    assert stats[bench_load.ALL_PAGES].errors == 0


def test_simulated_users_follow_the_links_the_pages_show(bench_load, site):
    marketer, agent = _users(bench_load, site)
    marketer.login()
    agent.login()
    agent.next_page = lambda: ("queue", "/queue/")
    marketer.next_page = lambda: ("mention search", "/mentions/?q=hours")

    assert agent.visit("smoke").status == 200
    assert marketer.visit("smoke").status == 200

    assert sorted(agent.seen_ids) == sorted(item.pk for item in site["items"])
    assert sorted(marketer.seen_ids) == sorted(item.mention_id for item in site["items"])


def test_simulated_user_with_a_wrong_password_is_refused(bench_load, site, monkeypatch):
    monkeypatch.setattr(bench_load, "PASSWORD", "not-the-password")
    user = _users(bench_load, site)[0]

    with pytest.raises(RuntimeError, match="could not sign in"):
        user.login()


@pytest.mark.parametrize(
    ("p95", "errors", "ingest_loaded", "collapsed"),
    [
        (0.4, 0, 600, False),
        (1.2, 0, 600, True),  # pages too slow
        (0.4, 30, 600, True),  # 3% of requests failed
        (0.4, 0, 400, True),  # ingest fell to 40% of what it does alone
    ],
)
def test_load_verdict_collapses_on_any_threshold(bench_load, p95, errors, ingest_loaded, collapsed):
    pages = bench_load.PageStats(count=1000, errors=errors, p50=0.1, p95=p95, max=2.0)
    thresholds = bench_load.Thresholds(max_p95=1.0, max_error_rate=0.01, min_ingest_ratio=0.5)

    verdict = bench_load.load_verdict(
        pages_loaded=pages, ingest_alone=1000, ingest_loaded=ingest_loaded, thresholds=thresholds
    )

    assert verdict.collapsed is collapsed
    assert len(verdict.lines) == 3
