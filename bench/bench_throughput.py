"""End-to-end ingest throughput through real Celery workers, beside the enrichment alone.

    .venv/bin/python bench/bench_throughput.py [--shards 4] [--processes 1 2]

Polls demo sources (the bundled data set, one shard of fresh ids per source, so polls run in parallel:
one source is polled by one worker at a time) → normalize → match → dedupe (INSERT … ON CONFLICT) →
store → enrichment task → tagged, until every mention is tagged; with 1 and then 2 worker processes, on a
fresh database and a Redis server of its own on loopback. Clustering is left out (its queue is not
consumed), so what is timed is the ingest path. In the same run: the complaint classifier alone on the
same texts, in this process, which is the floor the pipeline is compared with.
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


def _classifier_alone(texts: list[str]) -> float:
    from enrichment.classifier.predict import classify_texts
    from enrichment.services import ENRICH_BATCH_SIZE, _ensure_model_loaded

    _ensure_model_loaded()
    classify_texts(texts[:ENRICH_BATCH_SIZE])  # Warm.
    started = time.perf_counter()
    for start in range(0, len(texts), ENRICH_BATCH_SIZE):
        classify_texts(texts[start : start + ENRICH_BATCH_SIZE])
    return time.perf_counter() - started


def _run_pipeline(
    *, processes: int, shard_paths: list[Path], redis_url: str, log_dir: Path
) -> tuple[int, float]:
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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hospitallisten.settings.test",
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
        return stored, time.perf_counter() - started
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
            results = {}
            for processes in options.processes:
                results[processes] = _run_pipeline(
                    processes=processes,
                    shard_paths=shard_paths,
                    redis_url=f"redis://127.0.0.1:{port}/0",
                    log_dir=work,
                )
            classifier_seconds = _classifier_alone(texts)
    finally:
        redis.terminate()
        redis.wait()
    print(
        f"{os.cpu_count()} CPUs; {options.shards} sources polled in parallel; {len(texts):,} posts each run\n"
    )
    print(f"{'':44} {'mentions':>9} {'seconds':>8} {'mentions/s':>11} {'× classifier':>13}")
    classifier_rate = len(texts) / classifier_seconds
    label = "classifier alone, 1 process"
    print(f"{label:44} {len(texts):>9,} {classifier_seconds:>8.1f} {classifier_rate:>11,.0f} {1:>13.2f}")
    for processes, (stored, seconds) in results.items():
        rate = stored / seconds
        label = f"pipeline, {processes} worker process{'es' if processes > 1 else ''}"
        print(f"{label:44} {stored:>9,} {seconds:>8.1f} {rate:>11,.0f} {seconds / classifier_seconds:>13.2f}")
    if 1 in results and 2 in results:
        speedup = (results[2][0] / results[2][1]) / (results[1][0] / results[1][1])
        print(f"\n2 processes vs 1: {speedup:.2f}×")
        overhead = (results[1][1] - classifier_seconds) / classifier_seconds
        print(f"pipeline overhead over the classifier alone (1 process): {overhead:.0%} of enrichment time")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
