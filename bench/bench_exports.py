"""Streaming exports of a million mentions: rows per second and peak memory, beside a bare COPY.

    .venv/bin/python bench/bench_exports.py [--mentions 1000000]

In a throwaway database: stores the mentions with the generator (generate_mentions), vacuums, then
downloads /mentions/export.csv and /mentions/export.jsonl through Django's test client as a signed-in
user, reading the streamed body to the end and counting lines (the whole request, in-process).

Baseline, measured in the same run on the same rows: Postgres `COPY (SELECT the same columns ... ORDER BY
the same order) TO STDOUT CSV`, read by psycopg2 into a sink that only counts bytes: the fastest way out
of the database, with no Python per row.

Each export runs twice: once timed, once under tracemalloc for the peak of Python allocations (tracemalloc
slows Python down, so its run is not timed). The process's peak RSS (getrusage) is printed as well.
"""

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable

import _django  # noqa: F401  (sets up Django)
from _django import bench_database
from django.db import connection
from django.test import Client

from mentions.exports import MENTION_COLUMNS

BASELINE_SQL = """
COPY (
    SELECT {columns}
    FROM mentions_mention m LEFT JOIN tracking_hospital h ON h.id = m.hospital_id
    WHERE m.match_status = 'matched'
    ORDER BY m.posted_at DESC, m.id DESC
) TO STDOUT WITH (FORMAT csv, HEADER true)
"""


class _CountingSink:
    """A file-like object for COPY that keeps nothing: counts bytes and lines."""

    def __init__(self) -> None:
        self.bytes = 0
        self.lines = 0

    def write(self, data) -> int:
        data = data if isinstance(data, bytes) else data.encode()
        self.bytes += len(data)
        self.lines += data.count(b"\n")
        return len(data)


def _baseline() -> int:
    columns = ", ".join(
        "h.name" if field == "hospital__name" else f"m.{field}" for _, field in MENTION_COLUMNS
    )
    sink = _CountingSink()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(BASELINE_SQL.format(columns=columns), sink)
    return sink.lines - 1  # Less the header (no text column holds a newline in synthetic data).


def _export(client: Client, fmt: str) -> Callable[[], int]:
    def run() -> int:
        response = client.get(f"/mentions/export.{fmt}")
        assert response.status_code == 200, response.status_code
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        return lines - 1 if fmt == "csv" else lines

    return run


def _measure(run: Callable[[], int]) -> tuple[int, float, float]:
    """Rows, seconds of the timed run, peak MiB of Python allocations in a second run under tracemalloc."""
    started = time.perf_counter()
    rows = run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    tracemalloc.reset_peak()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    options = parser.parse_args()

    from django.contrib.auth import get_user_model

    from dashboards.management.synthetic import synthetic_mentions_generate
    from sources.demo.setup import demo_setup

    with bench_database():
        demo_setup()
        started = time.perf_counter()
        synthetic_mentions_generate(count=options.mentions, days=options.days, seed=1)
        generate_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE mentions_mention")
        client = Client()
        client.force_login(get_user_model().objects.get(username="demo"))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        results = [
            ("COPY … TO STDOUT (baseline)", _measure(_baseline)),
            ("/mentions/export.csv", _measure(_export(client, "csv"))),
            ("/mentions/export.jsonl", _measure(_export(client, "jsonl"))),
        ]
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{options.mentions:,} synthetic mentions stored in {generate_seconds:.0f} s")
    base_rate = results[0][1][0] / results[0][1][1]
    print("| | rows | seconds | rows/s | × COPY time | peak Python memory |")
    print("|---|---|---|---|---|---|")
    for name, (rows, seconds, peak) in results:
        print(
            f"| {name} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} | "
            f"{base_rate / (rows / seconds):.1f} | {peak:.1f} MiB |"
        )
    print(f"peak RSS of the process: {rss_before:,.0f} MiB before the exports, {rss_after:,.0f} MiB after")


if __name__ == "__main__":
    main()
