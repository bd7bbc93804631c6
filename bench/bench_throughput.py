"""End-to-end ingest throughput through real Celery workers, beside the enrichment alone.

    .venv/bin/python bench/bench_throughput.py [--shards 4] [--processes 1 2]

Polls demo sources (the bundled data set, one shard of fresh ids per source, so polls run in parallel:
one source is polled by one worker at a time) → normalize → match → dedupe (INSERT … ON CONFLICT) →
store → enrichment task → tagged, until every mention is tagged; with 1 and then 2 worker processes, on a
fresh database and a Redis server of its own on loopback. The workers run the test settings but keep
their database connections, as production does (for DB_CONN_MAX_AGE, 60 s; for the whole run here, so
the CPU time of their Postgres backends can be counted): the test settings close them after every task.
Clustering is left out (its queue is not consumed), so what is timed is the ingest path. In the same run:
the complaint classifier alone on the same texts, in this process, which is the floor the pipeline is
compared with.

The machine may be shared: besides wall-clock time the bench reports CPU seconds (read from /proc), which
other load inflates far less than it stretches wall-clock time: of the worker's processes beside the
classifier alone, and apart from them of the Postgres backends serving the worker. A backend is counted
only if still connected at the end: with a connection per task (as before workers kept theirs) most of
the database's CPU time goes uncounted.
"""

import argparse
import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _django  # noqa: F401  (sets up Django)
from _django import bench_database

BASE_DIR = Path(__file__).resolve().parent.parent
QUEUES = "polling,enrichment,default"
WORKER_SETTINGS = """from hospitallisten.settings.test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_shards(directory: Path, shards: int) -> list[Path]:
    from sources.connectors.demo import load_posts

    posts = load_posts()
    paths = []
    for shard in range(shards):
        path = directory / f"shard-{shard}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            for post in posts:
                handle.write(json.dumps({**post, "id": f"{post['id']}-s{shard}"}) + "\n")
        paths.append(path)
    return paths


def _cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds of each live process, from /proc/<pid>/stat (fields 14 and 15)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def _worker_pids(process_group: int) -> tuple[list[int], list[int]]:
    """The worker's processes (its own session), and the Postgres backends connected to the bench database."""
    from django.db import connection

    pids, backends = [], []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == process_group:
            pids.append(int(stat.parent.name))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends += [pid for (pid,) in cursor.fetchall()]
    return pids, backends


def _classifier_alone(texts: list[str]) -> tuple[float, float]:
    from enrichment.classifier.predict import classify_texts
    from enrichment.services import ENRICH_BATCH_SIZE, _ensure_model_loaded

    _ensure_model_loaded()
    classify_texts(texts[:ENRICH_BATCH_SIZE])  # Warm.
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), ENRICH_BATCH_SIZE):
        classify_texts(texts[start : start + ENRICH_BATCH_SIZE])
    return time.perf_counter() - started, time.process_time() - cpu_started


def _run_pipeline(
    *, processes: int, shard_paths: list[Path], redis_url: str, log_dir: Path
) -> tuple[int, float, float, float]:
    from django.db import connection
    from django.utils import timezone

    from hospitallisten.celery import app
    from mentions.models import Mention
    from sources.models import Source, SourceCursor

    Mention.objects.all().delete()
    SourceCursor.objects.all().delete()
    Source.objects.filter(name__startswith="Bench shard").delete()
    sources = [
        Source.objects.create(
            name=f"Bench shard {n}",
            kind=Source.Kind.DEMO,
            config={"anchor": timezone.now().isoformat(), "dataset_path": str(path)},
        )
        for n, path in enumerate(shard_paths)
    ]
    db = connection.settings_dict
    (log_dir / "bench_worker_settings.py").write_text(WORKER_SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_worker_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(log_dir), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TEST_REDIS_URL": redis_url,
    }
    log = (log_dir / f"worker-{processes}.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hospitallisten", "worker", "--queues", QUEUES]
        + ["--concurrency", str(processes), "--loglevel", "warning", "--without-gossip", "--without-mingle"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with app.connection_for_write(redis_url) as broker:
            # Warm-up: each pool process loads the classifier before the clock starts.
            for _ in range(processes * 2):
                app.send_task("enrichment.mentions_enrich", args=[[]], connection=broker)
            time.sleep(8)
            cpu_before = [_cpu_seconds(pids) for pids in _worker_pids(worker.pid)]
            started = time.perf_counter()
            for source in sources:
                app.send_task("sources.source_sync", args=[source.pk], connection=broker)
        expected = None
        while True:
            time.sleep(0.2)
            stored = Mention.objects.count()
            untagged = Mention.objects.filter(enriched_at__isnull=True).count()
            polling = SourceCursor.objects.count() < len(sources) or any(
                run.has_more or run.finished_at is None for run in _latest_runs(sources)
            )
            if not polling and untagged == 0 and stored and stored == expected:
                break
            expected = stored
            if time.perf_counter() - started > 900:
                raise TimeoutError("the pipeline did not finish within 15 minutes")
        seconds = time.perf_counter() - started
        cpu_after = [_cpu_seconds(pids) for pids in _worker_pids(worker.pid)]
        worker_cpu, database_cpu = (
            sum(used - before.get(pid, 0.0) for pid, used in after.items())
            for before, after in zip(cpu_before, cpu_after, strict=True)
        )
        return stored, seconds, worker_cpu, database_cpu
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def _latest_runs(sources):
    from sources.models import SyncRun

    return [run for source in sources if (run := SyncRun.objects.filter(source=source).first())]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        with bench_database():
            from sources.demo.setup import demo_setup

            demo_setup()
            from sources.connectors.demo import load_posts

            texts = [f"{p['title']}\n{p['text']}" if p.get("title") else p["text"] for p in load_posts()]
            texts *= options.shards
            shard_paths = _write_shards(work, options.shards)
            # Timed before and after the pipelines, and averaged, so a change in other load during the run
            # weighs on both sides of the ratio.
            classifier_runs = [_classifier_alone(texts)]
            results = {}
            for processes in options.processes:
                results[processes] = _run_pipeline(
                    processes=processes,
                    shard_paths=shard_paths,
                    redis_url=f"redis://127.0.0.1:{port}/0",
                    log_dir=work,
                )
            classifier_runs.append(_classifier_alone(texts))
    finally:
        redis.terminate()
        redis.wait()
    print(
        f"{os.cpu_count()} CPUs; {options.shards} sources polled in parallel; {len(texts):,} posts each run\n"
    )
    classifier_seconds = sum(run[0] for run in classifier_runs) / len(classifier_runs)
    classifier_cpu = sum(run[1] for run in classifier_runs) / len(classifier_runs)
    print(f"{'':44} {'mentions':>9} {'seconds':>8} {'mentions/s':>11} {'× classifier':>13}", end="")
    print(f" {'CPU s':>7} {'CPU ×':>6} {'+ Postgres':>11}")
    classifier_rate = len(texts) / classifier_seconds
    label = "classifier alone, 1 process (mean of 2)"
    print(
        f"{label:44} {len(texts):>9,} {classifier_seconds:>8.1f} {classifier_rate:>11,.0f} {1:>13.2f} "
        f"{classifier_cpu:>7.1f} {1:>6.2f}"
    )
    for processes, (stored, seconds, worker_cpu, database_cpu) in results.items():
        rate = stored / seconds
        label = f"pipeline, {processes} worker process{'es' if processes > 1 else ''}"
        print(
            f"{label:44} {stored:>9,} {seconds:>8.1f} {rate:>11,.0f} {seconds / classifier_seconds:>13.2f} "
            f"{worker_cpu:>7.1f} {worker_cpu / classifier_cpu:>6.2f} {database_cpu:>9.1f} s"
        )
    runs = ", ".join(f"{seconds:.1f} s" for seconds, _ in classifier_runs)
    load = os.getloadavg()[0]
    print(f"\nclassifier alone, before and after the pipelines: {runs}; load average at the end {load:.1f}")
    if 1 in results and 2 in results:
        speedup = (results[2][0] / results[2][1]) / (results[1][0] / results[1][1])
        print(f"2 processes vs 1: {speedup:.2f}×")
    if 1 in results:
        overhead = (results[1][1] - classifier_seconds) / classifier_seconds
        print(f"pipeline overhead over the classifier alone (1 process): {overhead:.0%} of enrichment time")
        cpu_overhead = (results[1][2] - classifier_cpu) / classifier_cpu
        print(f"the same in the worker's CPU seconds: {cpu_overhead:.0%}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
