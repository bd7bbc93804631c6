"""The overview and a cluster page with millions of mentions, beside the SQL aggregate under them.

    .venv/bin/python bench/bench_dashboards.py [--mentions 2000000] [--requests 30]

--mentions 200000 is the quick mode. In a throwaway database: stores the mentions with the generator
(generate_mentions), vacuums, rebuilds the MentionDay rollup, makes a few clusters, then times requests
through Django's test client as a signed-in user (server time: the client runs the view in-process).

Baselines measured in the same run, so the ratios hold when absolute figures drift from machine to machine:
the raw day x sentiment count over 90 days on mentions_mention (one SQL statement), the same from the
rollup, and the overview page forced onto the raw selectors (dashboards.views.overview with its
aggregation swapped for overview_aggregates_from_mentions).
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import _django  # noqa: F401  (sets up Django)
import numpy as np
from _django import bench_database
from django.db import connection
from django.test import Client
from django.utils import timezone

from dashboards import rollup_selectors as rollup
from dashboards import views as dashboards_views
from enrichment.taxonomy import Category
from mentions.selectors import mention_filterset, mention_filterset_previous_period

CLUSTERS = 12
CLUSTER_SIZE = 1500


def _forced_raw(request_page: Callable[[], object]) -> Callable[[], object]:
    """The same page with the overview's aggregates taken from the mentions table instead of the rollup."""

    def run() -> object:
        with mock.patch.object(
            dashboards_views, "overview_aggregates", rollup.overview_aggregates_from_mentions
        ):
            return request_page()

    return run


def _timed(function: Callable[[], object], runs: int) -> list[float]:
    function()  # Warm caches and connections; not counted.
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def _p95(times: list[float]) -> float:
    return float(np.percentile(times, 95))


def _make_clusters() -> int:
    """Clusters of complaints with members and ClusterDay rows; returns the id of the biggest."""
    from clusters.models import Cluster, ClusterMember
    from clusters.services.common import clusters_rebuild_rollup
    from mentions.models import Mention
    from tracking.models import Hospital

    rng = np.random.default_rng(7)
    ids = []
    categories = [Category.WAIT_TIMES, Category.BILLING_INSURANCE, Category.STAFF_ATTITUDE]
    for number, (hospital, category) in enumerate(
        (h, c) for h in Hospital.objects.order_by("pk") for c in categories
    ):
        if number >= CLUSTERS:
            break
        rows = list(
            Mention.objects.filter(hospital=hospital, category=category, is_complaint=True)
            .order_by("pk")
            .values_list("pk", "posted_at")
        )
        rows = rows[:: max(1, len(rows) // CLUSTER_SIZE)][: CLUSTER_SIZE - 100 * number]
        if not rows:
            continue
        centroid = rng.normal(size=384).astype(np.float32)
        centroid /= np.linalg.norm(centroid)
        cluster = Cluster.objects.create(
            hospital=hospital,
            label=f"{category.label} at {hospital.name}",
            key_terms=[str(category), "hours", "waiting"],
            representative_id=rows[0][0],
            centroid=centroid.tobytes(),
            size=len(rows),
            first_seen=rows[0][1],
            last_seen=rows[-1][1],
            is_emerging=number == 0,
        )
        embedding = centroid.tobytes()
        ClusterMember.objects.bulk_create(
            [
                ClusterMember(
                    mention_id=pk,
                    cluster=cluster,
                    similarity=0.8,
                    assigned_by=ClusterMember.AssignedBy.RECLUSTER,
                    embedding=embedding,
                    posted_at=posted_at,
                )
                for pk, posted_at in rows
            ],
            batch_size=5000,
        )
        ids.append(cluster.pk)
    clusters_rebuild_rollup(cluster_ids=ids)
    return ids[0]


RAW_SQL = """
SELECT (posted_at AT TIME ZONE %s)::date AS day, sentiment_label, count(*)
FROM mentions_mention WHERE posted_at >= %s AND match_status = 'matched' GROUP BY 1, 2
"""
ROLLUP_SQL = """
SELECT day, sentiment_label, sum(count)
FROM dashboards_mentionday WHERE day >= %s AND match_status = 'matched' GROUP BY 1, 2
"""


def _plan_nodes(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    nodes = [line.strip().lstrip("-> ").split("  (")[0] for line in lines if "Scan" in line]
    return "; ".join(nodes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--days", type=int, default=365)
    options = parser.parse_args()
    runs = options.requests

    from django.contrib.auth import get_user_model

    from dashboards.management.synthetic import synthetic_mentions_generate
    from dashboards.rollups import mention_days_rebuild, mention_days_refresh
    from sources.demo.setup import demo_setup

    results: list[tuple[str, list[float]]] = []
    with bench_database():
        demo_setup()
        started = time.perf_counter()
        generated = synthetic_mentions_generate(count=options.mentions, days=options.days, seed=1)
        generate_seconds = time.perf_counter() - started
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Autovacuum would get there on its own; done here so the raw queries can use index-only scans.
            cursor.execute("VACUUM ANALYZE mentions_mention")
        vacuum_seconds = time.perf_counter() - started
        started = time.perf_counter()
        mention_days_rebuild(since=generated.first_day, until=generated.last_day)
        rebuild_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dashboards_mentionday")
            cursor.execute("SELECT count(*) FROM dashboards_mentionday")
            rollup_rows = cursor.fetchone()[0]
        today = timezone.localdate()
        refresh_times = _timed(lambda: mention_days_refresh(days=[today]), 10)
        cluster_id = _make_clusters()

        client = Client()
        client.force_login(get_user_model().objects.get(username="demo"))
        filterset = mention_filterset(data=None, default_period=True)
        assert filterset.is_valid() and rollup.rollup_can_answer(filterset)
        previous = mention_filterset_previous_period(filterset)
        assert rollup.overview_aggregates(
            filterset=filterset, previous=previous, period="day"
        ) == rollup.overview_aggregates_from_mentions(filterset=filterset, previous=previous, period="day")
        start = today - timedelta(days=89)
        midnight, tz = filterset.period()[0], timezone.get_default_timezone_name()

        def sql(statement: str, params: list) -> Callable[[], object]:
            def run() -> object:
                with connection.cursor() as cursor:
                    cursor.execute(statement, params)
                    return cursor.fetchall()

            return run

        def get(url: str) -> Callable[[], object]:
            def run() -> object:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return run

        results.append(("SQL: raw day x sentiment, 90 days", _timed(sql(RAW_SQL, [tz, midnight]), runs)))
        results.append(("SQL: rollup day x sentiment, 90 days", _timed(sql(ROLLUP_SQL, [start]), runs)))
        aggregates = {"filterset": filterset, "previous": previous, "period": "day"}
        results.append(
            ("overview numbers only, rollup", _timed(lambda: rollup.overview_aggregates(**aggregates), runs))
        )
        results.append(
            (
                "overview numbers only, raw",
                _timed(lambda: rollup.overview_aggregates_from_mentions(**aggregates), max(5, runs // 3)),
            )
        )
        results.append(("overview (default 90 days)", _timed(get("/"), runs)))
        results.append(("overview, by week", _timed(get("/?period=week"), runs)))
        results.append(("overview, raw selectors (forced)", _timed(_forced_raw(get("/")), max(5, runs // 3))))
        results.append(("structure page, top (90 days)", _timed(get("/structure/"), runs)))
        results.append(("structure page, own hospital", _timed(get("/structure/?hospital=riverside"), runs)))
        results.append(("cluster page (biggest cluster)", _timed(get(f"/clusters/{cluster_id}/"), runs)))
        results.append(("cluster list (90 days)", _timed(get("/clusters/"), runs)))
        raw_plan = _plan_nodes(RAW_SQL, [tz, midnight])
        rollup_plan = _plan_nodes(ROLLUP_SQL, [start])

    print(
        f"mentions: {generated.created:,} over {options.days} days; {runs} requests each (raw overview fewer)"
    )
    print(
        f"generator: {generate_seconds:.1f} s in all = COPY {generated.copy_seconds:.1f} s "
        f"({generated.created / generated.copy_seconds:,.0f} mentions/s) "
        f"+ rollup {generated.rollup_seconds:.1f} s"
    )
    print(
        f"VACUUM ANALYZE mentions: {vacuum_seconds:.1f} s; "
        f"rollup rebuild of all days: {rebuild_seconds:.1f} s"
    )
    print(f"rollup rows: {rollup_rows:,} ({generated.created / max(rollup_rows, 1):.1f} mentions a row)")
    print(f"refresh of today's rollup rows: median {statistics.median(refresh_times) * 1000:.1f} ms")
    print(f"plan, raw SQL:    {raw_plan}")
    print(f"plan, rollup SQL: {rollup_plan}")
    baseline = statistics.median(results[0][1])
    print()
    print(f"{'':42} {'median ms':>10} {'p95 ms':>9} {'x raw SQL':>10}")
    for label, times in results:
        median = statistics.median(times)
        print(f"{label:42} {median * 1000:10.1f} {_p95(times) * 1000:9.1f} {median / baseline:10.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
