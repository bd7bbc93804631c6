"""The complaint queue page with 100,000 open items, beside the SQL it sorts on.

    .venv/bin/python bench/bench_queue.py [--open-items 100000] [--requests 30]

In a throwaway database: stores synthetic mentions (generate_mentions), turns `--open-items` of them (plus
a fifth as many closed ones) into queue items with priorities and SLA due times as the queue service sets
them, a third assigned to the signed-in user, then times the queue page through Django's test client
(server time) for the default order, each saved view, a filter, an SLA state and a deep page.

The baseline, measured in the same run: the bare SQL of the default page (open items, most urgent first,
first 50 ids) on the partial index the page is designed for.
"""

import argparse
import statistics
import sys
import time

import _django  # noqa: F401  (sets up Django)
from _django import bench_database
from bench_dashboards import _p95, _timed
from django.db import connection
from django.test import Client

BASELINE_SQL = """
SELECT id FROM triage_queueitem WHERE status IN ('new', 'assigned', 'in_progress', 'replied')
ORDER BY priority DESC, id LIMIT 50
"""

# Priority and SLA due times computed in SQL exactly as triage.priority does for each mention: severity
# rank, doubling reach bucket, age in minutes; SLA hours by severity.
QUEUE_ITEMS_SQL = """
INSERT INTO triage_queueitem (
    mention_id, status, dismiss_reason, priority, harm_level, routed_to_risk, created_at, updated_at,
    sla_first_response_due, sla_resolution_due, outcome, action_taken, action_department, assignee_id
)
SELECT m.id,
       CASE WHEN n.rn > %(open)s THEN 'resolved'
            WHEN n.rn %% 3 = 0 THEN 'assigned' ELSE 'new' END,
       '',
       (CASE m.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1
             ELSE 0 END) * 10000000000::bigint
       + LEAST(99, floor(log(2, 1 + coalesce(m.author_followers, 0) + m.likes + 2 * m.shares + m.replies)))
         * 100000000::bigint
       + GREATEST(0, 99999999 - floor(extract(epoch FROM m.posted_at - '2000-01-01'::timestamptz) / 60)),
       '', false, m.posted_at, m.posted_at,
       m.posted_at + make_interval(hours => CASE m.severity WHEN 'critical' THEN 1 WHEN 'high' THEN 4
                                                  WHEN 'medium' THEN 24 ELSE 72 END),
       m.posted_at + make_interval(hours => CASE m.severity WHEN 'critical' THEN 24 WHEN 'high' THEN 72
                                                  WHEN 'medium' THEN 168 ELSE 336 END),
       '', '', '',
       CASE WHEN n.rn <= %(open)s AND n.rn %% 3 = 0 THEN %(user)s END
FROM mentions_mention m
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM mentions_mention WHERE is_complaint) n
  ON n.id = m.id
WHERE n.rn <= %(total)s
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open-items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    options = parser.parse_args()
    runs, open_items = options.requests, options.open_items
    total_items = open_items + open_items // 5

    from django.contrib.auth import get_user_model

    from dashboards.management.synthetic import synthetic_mentions_generate
    from sources.demo.setup import demo_setup

    results: list[tuple[str, list[float]]] = []
    with bench_database():
        demo_setup()
        user = get_user_model().objects.get(username="demo")
        # About a quarter of synthetic mentions are complaints: generate enough of them.
        generated = synthetic_mentions_generate(count=total_items * 4 + 50_000, days=365, seed=3)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(QUEUE_ITEMS_SQL, {"open": open_items, "total": total_items, "user": user.pk})
            stored = cursor.rowcount
            cursor.execute("VACUUM ANALYZE triage_queueitem")
            cursor.execute("VACUUM ANALYZE mentions_mention")
            cursor.execute("SELECT count(*) FROM triage_queueitem WHERE status <> 'resolved'")
            open_count = cursor.fetchone()[0]
        setup_seconds = time.perf_counter() - started

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
        results.append(("queue, default (open, most urgent first)", _timed(get("/queue/"), runs)))
        results.append(("queue, my queue", _timed(get("/queue/?view=my_queue"), runs)))
        results.append(("queue, critical", _timed(get("/queue/?view=critical"), runs)))
        results.append(("queue, unassigned", _timed(get("/queue/?view=unassigned"), runs)))
        results.append(("queue, category billing", _timed(get("/queue/?category=billing_insurance"), runs)))
        results.append(("queue, SLA breached", _timed(get("/queue/?sla_state=breached"), runs)))
        results.append(("queue, page 500", _timed(get("/queue/?page=500"), runs)))

    print(
        f"mentions: {generated.created:,}; queue items: {stored:,} ({open_count:,} open); "
        f"set-up {setup_seconds:.1f} s; {runs} requests each"
    )
    baseline_median = statistics.median(results[0][1])
    print()
    print(f"{'':42} {'median ms':>10} {'p95 ms':>9} {'x SQL':>8}")
    for label, times in results:
        median = statistics.median(times)
        print(f"{label:42} {median * 1000:10.1f} {_p95(times) * 1000:9.1f} {median / baseline_median:8.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
