"""The complaint queue page with 100,000 open items among 2,000,000 mentions, beside the SQL it sorts on.

    .venv/bin/python bench/bench_queue.py [--mentions 2000000] [--open-items 100000] [--requests 30]
    .venv/bin/python bench/bench_queue.py --quick        # 20,000 open items, 146,000 mentions, 5 requests
    .venv/bin/python bench/bench_queue.py --quick --explain   # and each page's slowest query plan

In a throwaway database: stores synthetic mentions (generate_mentions), turns `--open-items` of the
complaints among them (plus a fifth as many closed ones) into queue items with priorities, SLA due times
and copies of the mention's tags as the queue service sets them, a third assigned to the signed-in user,
then times the queue page through Django's test client (server time) for the default order, each saved
view, filters on category, hospital and source, an SLA state, the page the script swaps in, and deep
pages.

The baseline, measured in the same run: the bare SQL of the default page (open items, most urgent first,
first 50 ids) on the partial index the page is designed for.
"""

import argparse
import os
import statistics
import sys
import time

# A database of its own, so this can run beside the other benchmarks.
os.environ.setdefault("TEST_DB_SUFFIX", "_bench_queue")

import _django  # noqa: F401, E402  (sets up Django)
from _django import bench_database  # noqa: E402
from bench_dashboards import _p95, _timed  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

BASELINE_SQL = """
SELECT id FROM triage_queueitem WHERE status IN ('new', 'assigned', 'in_progress', 'replied')
ORDER BY priority DESC, id LIMIT 50
"""

# Priority and SLA due times computed in SQL exactly as triage.priority does for each mention: severity
# rank, doubling reach bucket, age in minutes; SLA hours by severity. {blank_columns} are the item's other
# text columns, which start empty.
QUEUE_ITEMS_SQL = """
INSERT INTO triage_queueitem (
    mention_id, status, priority, routed_to_risk, created_at, updated_at,
    sla_first_response_due, sla_resolution_due, assignee_id,
    severity, category, platform, hospital_id, {blank_columns}
)
SELECT m.id,
       CASE WHEN n.rn > %(open)s THEN 'resolved'
            WHEN n.rn %% 3 = 0 THEN 'assigned' ELSE 'new' END,
       (CASE m.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1
             ELSE 0 END) * 10000000000::bigint
       + LEAST(99, floor(log(2, 1 + coalesce(m.author_followers, 0) + m.likes + 2 * m.shares + m.replies)))
         * 100000000::bigint
       + GREATEST(0, 99999999 - floor(extract(epoch FROM m.posted_at - '2000-01-01'::timestamptz) / 60)),
       m.category = 'safety' OR m.severity = 'critical', m.posted_at, m.posted_at,
       m.posted_at + make_interval(hours => CASE m.severity WHEN 'critical' THEN 1 WHEN 'high' THEN 4
                                                  WHEN 'medium' THEN 24 ELSE 72 END),
       m.posted_at + make_interval(hours => CASE m.severity WHEN 'critical' THEN 24 WHEN 'high' THEN 72
                                                  WHEN 'medium' THEN 168 ELSE 336 END),
       CASE WHEN n.rn <= %(open)s AND n.rn %% 3 = 0 THEN %(user)s END,
       m.severity, m.category, m.platform, m.hospital_id, {blanks}
FROM mentions_mention m
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM mentions_mention WHERE is_complaint) n
  ON n.id = m.id
WHERE n.rn <= %(total)s
"""


def _queue_items_sql() -> str:
    from django.db import models

    from triage.models import QueueItem

    named = {"mention_id", "status", "priority", "severity", "category", "platform"}
    blank = [
        field.column
        for field in QueueItem._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.null
        and field.column not in named
    ]
    return QUEUE_ITEMS_SQL.format(blank_columns=", ".join(blank), blanks=", ".join("''" for _ in blank))


def _timed_with_cpu(function, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock seconds per run, and this process's CPU seconds per run (Django's own work, without
    Postgres's and without the time spent waiting for a core on a busy machine)."""
    function()  # Warm caches and connections; not counted.
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def _explain_slowest(client: Client, url: str) -> str:
    """EXPLAIN ANALYZE of the slowest query one request to url runs."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url, headers={"x-requested-with": "fetch"})
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    heading = f"{url} ({len(captured.captured_queries)} queries; slowest {slowest['time']} s)"
    return f"{heading}\n{slowest['sql']}\n{plan}"


PAGES = [
    ("queue, default (open, most urgent first)", "/queue/"),
    ("queue, my queue", "/queue/?view=my_queue"),
    ("queue, critical", "/queue/?view=critical"),
    ("queue, unassigned", "/queue/?view=unassigned"),
    ("queue, category billing", "/queue/?category=billing_insurance"),
    ("queue, hospital", "/queue/?hospital={hospital}"),
    ("queue, source reddit", "/queue/?platform=reddit"),
    ("queue, SLA breached", "/queue/?sla_state=breached"),
    ("queue, SLA due soon", "/queue/?sla_state=due_soon"),
    ("queue, page 500", "/queue/?page=500"),
    ("queue, last page", "/queue/?page=last"),
    ("results only (swapped in), page 2", "/queue/?page=2&partial=1"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=2_000_000)
    parser.add_argument("--open-items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="20,000 open items, 5 requests each")
    parser.add_argument("--explain", action="store_true", help="print each page's slowest query plan")
    options = parser.parse_args()
    if options.quick:
        options.open_items, options.requests = 20_000, 5
        options.mentions = (options.open_items + options.open_items // 5) * 4 + 50_000
    runs, open_items = options.requests, options.open_items
    total_items = open_items + open_items // 5

    from django.contrib.auth import get_user_model

    from dashboards.management.synthetic import synthetic_mentions_generate
    from sources.demo.setup import demo_setup
    from tracking.models import Hospital

    results: list[tuple[str, list[float]]] = []
    plans: list[str] = []
    with bench_database():
        demo_setup()
        user = get_user_model().objects.get(username="demo")
        generated = synthetic_mentions_generate(count=options.mentions, days=365, seed=3)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(_queue_items_sql(), {"open": open_items, "total": total_items, "user": user.pk})
            stored = cursor.rowcount
            if stored < total_items:
                sys.exit(
                    f"Only {stored:,} complaints among {options.mentions:,} mentions; ask for more mentions."
                )
            cursor.execute("VACUUM ANALYZE triage_queueitem")
            cursor.execute("VACUUM ANALYZE mentions_mention")
            cursor.execute("SELECT count(*) FROM triage_queueitem WHERE status <> 'resolved'")
            open_count = cursor.fetchone()[0]
        setup_seconds = time.perf_counter() - started
        hospital = Hospital.objects.filter(is_own=True).order_by("pk").values_list("pk", flat=True).first()

        client = Client()
        client.force_login(user)

        def get(url: str):
            def run() -> object:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return run

        def baseline() -> object:
            with connection.cursor() as cursor:
                cursor.execute(BASELINE_SQL)
                return cursor.fetchall()

        results.append(("SQL: first 50 open items by priority", _timed(baseline, runs)))
        cpu_medians: dict[str, float] = {}
        for label, url in PAGES:
            url = url.format(hospital=hospital)
            wall, cpu = _timed_with_cpu(get(url), runs)
            results.append((label, wall))
            cpu_medians[label] = statistics.median(cpu)
            if options.explain:
                plans.append(_explain_slowest(client, url))

    print(
        f"mentions: {generated.created:,}; queue items: {stored:,} ({open_count:,} open); "
        f"set-up {setup_seconds:.1f} s; {runs} requests each"
    )
    baseline_median = statistics.median(results[0][1])
    print()
    print(f"{'':42} {'median ms':>10} {'p95 ms':>9} {'x SQL':>8} {'Django CPU ms':>14}")
    for label, times in results:
        median = statistics.median(times)
        cpu = f"{cpu_medians[label] * 1000:14.1f}" if label in cpu_medians else ""
        ratio = median / baseline_median
        print(f"{label:42} {median * 1000:10.1f} {_p95(times) * 1000:9.1f} {ratio:8.1f} {cpu}")
    for plan in plans:
        print()
        print(plan)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
