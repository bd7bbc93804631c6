"""Dashboard and queue users while Celery workers ingest at full rate, over millions of mentions: page times
and ingest rate measured together, each beside its own baseline from the same run.

    .venv/bin/python bench/bench_load.py [--mentions 2000000] [--users 25] [--duration 60]
    .venv/bin/python bench/bench_load.py --mentions 50000 --duration 30      # quick, ~4 minutes

The database: mentions from the generator (generate_mentions) over the demo hospitals, 5% of them open
queue items (100,000 at 2M; prioritised, with SLA times, a third assigned) plus a fifth as many closed,
twelve complaint clusters. It is built once per size as a template database and cloned for each run, so a
run starts from the same state and the template is reused (--rebuild builds it again).

Everything runs on loopback: a Redis server of its own, the web server as production runs it (gunicorn,
the project's settings with DEBUG off, persistent database connections) and a Celery worker on the ingest
queues. Ingest is the real pipeline (poll → normalize → match → store → tag → queue items, rollups) fed
from recorded sources: the bundled demo data set, with fresh ids for each new source; whenever no poll is
waiting and the tagging backlog is short, one more source is added, so the workers never run dry and the
backlog never grows without bound. The ingest rate is mentions through the whole pipeline (stored and
tagged) per second; stored alone is printed beside it. Clustering is left out, as in bench_throughput.py.

Simulated users each sign in through the login form with a session of their own and wait about a second
between pages: half marketing (overview with filters and date ranges, mention search, mention pages,
cluster list and pages), half patient experience (queue, saved views, filters, deep pages, items).

Beside the times, the CPU each part used (web server, worker, Postgres backends of the run's database,
this driver, and everything else on the machine), from /proc. Per page and per mention it hardly depends
on how busy the machine is, so it says what the load needs even when other work shares the machine.

Three phases of --duration seconds each, in one run:
  1. users alone (no ingest)          → the page baseline
  2. ingest alone (no users)          → the ingest baseline
  3. users and ingest together        → both, compared with their baselines
Exit status 1 when either collapses: pages p95 under ingest at or above --max-p95, more than
--max-error-rate failed requests, or ingest with users below --min-ingest-ratio of ingest alone.
"""

import argparse
import gzip
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import requests

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
PASSWORD = "load-test-password"
# Bumped whenever the build changes, so a template built the old way is not reused.
TEMPLATE_FORMAT = 1
WORKER_QUEUES = "polling,enrichment,default"
MODEL_DIR = BASE_DIR / "var" / "bench-models"
# Each recorded source is a slice of the demo data set this long (two or three pages): small enough that
# the work comes in a steady stream rather than in surges of thousands of posts.
POSTS_PER_SOURCE = 600
SEARCH_WORDS = ["hours", "billing", "rude", "parking", "nurse", "surgery", '"waiting room"', "discharged"]
SENTIMENTS = ["negative", "neutral", "positive"]
PLATFORMS = ["x", "google_reviews", "reddit", "bluesky", "review", "news"]
CATEGORIES = ["wait_times", "billing_insurance", "staff_attitude", "communication", "safety"]
QUEUE_ITEM_LINK = re.compile(r'href="/queue/(\d+)/"')
MENTION_LINK = re.compile(r'href="/mentions/(\d+)/"')


# --- Simulated users (no Django here: they only speak HTTP) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """What users pick filters from: hospitals (slug for mention filters, id for the queue's), clusters."""

    hospital_slugs: list[str]
    hospital_ids: list[int]
    cluster_ids: list[int]
    today: date


@dataclass(frozen=True, slots=True)
class Sample:
    phase: str
    page: str
    seconds: float
    status: int  # 0: no response (refused, reset, timed out)


def _date_range(rng: random.Random, today: date) -> str:
    start = today - timedelta(days=rng.randint(7, 180))
    end = min(today, start + timedelta(days=rng.choice([7, 14, 30, 60])))
    return f"date_from={start.isoformat()}&date_to={end.isoformat()}"


def _mention_filters(rng: random.Random, facts: SiteFacts) -> str:
    choices = [
        f"hospital={rng.choice(facts.hospital_slugs)}",
        f"sentiment={rng.choice(SENTIMENTS)}",
        f"platform={rng.choice(PLATFORMS)}",
        "complaint=true",
        _date_range(rng, facts.today),
    ]
    return "&".join(rng.sample(choices, rng.randint(1, 3)))


class SimulatedUser:
    """One person in a browser: a session of their own, pages chosen as their role would, links followed
    from the last list they saw."""

    def __init__(self, *, username: str, role: str, base_url: str, facts: SiteFacts, seed: int):
        self.username, self.role, self.base_url, self.facts = username, role, base_url, facts
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.seen_ids: list[int] = []

    def login(self) -> None:
        url = f"{self.base_url}/login/"
        self.session.get(url, timeout=60).raise_for_status()
        response = self.session.post(
            url,
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            },
            headers={"Referer": url},
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 302 or "sessionid" not in self.session.cookies:
            raise RuntimeError(f"{self.username} could not sign in (HTTP {response.status_code})")

    def next_page(self) -> tuple[str, str]:
        """(label, path) of the next page, by role: what each kind of user spends the day on."""
        rng, facts = self.rng, self.facts
        if self.role == "marketing":
            pick = rng.random()
            if pick < 0.25:
                return "overview", rng.choice(["/", "/?period=week"])
            if pick < 0.45:
                return "overview, filtered", f"/?{_mention_filters(rng, facts)}"
            if pick < 0.65:
                query = f"q={requests.utils.quote(rng.choice(SEARCH_WORDS))}&{_date_range(rng, facts.today)}"
                return "mention search", f"/mentions/?{query}"
            if pick < 0.75:
                page = f"&page={rng.randint(2, 5)}" if rng.random() < 0.5 else ""
                return "mention list, filtered", f"/mentions/?{_mention_filters(rng, facts)}{page}"
            if pick < 0.83 and self.seen_ids:
                return "mention page", f"/mentions/{rng.choice(self.seen_ids)}/"
            if pick < 0.9 or not facts.cluster_ids:
                return "cluster list", "/clusters/"
            return "cluster page", f"/clusters/{rng.choice(facts.cluster_ids)}/"
        pick = rng.random()
        if pick < 0.2:
            return "queue", "/queue/"
        if pick < 0.35:
            return "queue, saved view", f"/queue/?view={rng.choice(['my_queue', 'critical', 'unassigned'])}"
        if pick < 0.55:
            choices = [
                f"category={rng.choice(CATEGORIES)}",
                f"hospital={rng.choice(facts.hospital_ids)}",
                f"platform={rng.choice(PLATFORMS)}",
                f"sla_state={rng.choice(['breached', 'due_soon', 'on_track'])}",
            ]
            return "queue, filtered", "/queue/?" + "&".join(rng.sample(choices, rng.randint(1, 2)))
        if pick < 0.7 or not self.seen_ids:
            return "queue, next pages", f"/queue/?page={rng.randint(2, 40)}"
        return "queue item", f"/queue/{rng.choice(self.seen_ids)}/"

    def visit(self, phase: str) -> Sample:
        label, path = self.next_page()
        started = time.perf_counter()
        try:
            # No redirects followed: a redirect here means the session was lost (to the login page).
            response = self.session.get(self.base_url + path, allow_redirects=False, timeout=30)
            status = response.status_code
        except requests.RequestException:
            response, status = None, 0
        sample = Sample(phase, label, time.perf_counter() - started, status)
        if status == 200 and label != "queue item" and label != "mention page":
            link = MENTION_LINK if self.role == "marketing" else QUEUE_ITEM_LINK
            ids = list(dict.fromkeys(int(found) for found in link.findall(response.text)))
            self.seen_ids = ids or self.seen_ids
        return sample


def users_run(
    users: list[SimulatedUser], *, phase: str, seconds: float, think: float, samples: list[Sample]
) -> None:
    """Every user browses in a thread of its own for `seconds`, pausing think/2 to 3·think/2 between
    pages (starts staggered over one think time); appends one Sample per request."""
    deadline = time.monotonic() + seconds

    def browse(user: SimulatedUser) -> None:
        time.sleep(user.rng.uniform(0, think))
        while time.monotonic() < deadline:
            samples.append(user.visit(phase))  # list.append is atomic: no lock needed.
            time.sleep(min(user.rng.uniform(0.5, 1.5) * think, max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=browse, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)


@dataclass(frozen=True, slots=True)
class PageStats:
    count: int
    errors: int
    p50: float
    p95: float
    max: float


ALL_PAGES = "all pages"


def page_stats(samples: list[Sample], phase: str) -> dict[str, PageStats]:
    """Per page label (and ALL_PAGES): requests, errors (anything but 200), p50/p95/max seconds."""
    by_page: dict[str, list[Sample]] = {}
    for sample in samples:
        if sample.phase == phase:
            by_page.setdefault(sample.page, []).append(sample)
            by_page.setdefault(ALL_PAGES, []).append(sample)
    stats = {}
    for page, group in by_page.items():
        seconds = np.array([sample.seconds for sample in group])
        stats[page] = PageStats(
            count=len(group),
            errors=sum(sample.status != 200 for sample in group),
            p50=float(np.percentile(seconds, 50)),
            p95=float(np.percentile(seconds, 95)),
            max=float(seconds.max()),
        )
    return stats


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_p95: float
    max_error_rate: float
    min_ingest_ratio: float


@dataclass(slots=True)
class Verdict:
    lines: list[tuple[bool, str]] = field(default_factory=list)

    @property
    def collapsed(self) -> bool:
        return not all(ok for ok, _ in self.lines)


def load_verdict(
    *, pages_loaded: PageStats, ingest_alone: float, ingest_loaded: float, thresholds: Thresholds
) -> Verdict:
    """Whether pages and ingest held up together, one line per threshold."""
    verdict = Verdict()
    verdict.lines.append(
        (
            pages_loaded.p95 < thresholds.max_p95,
            f"pages p95 under ingest {pages_loaded.p95 * 1000:,.0f} ms "
            f"(limit < {thresholds.max_p95 * 1000:,.0f} ms)",
        )
    )
    error_rate = pages_loaded.errors / max(pages_loaded.count, 1)
    verdict.lines.append(
        (
            error_rate <= thresholds.max_error_rate,
            f"failed requests under ingest {pages_loaded.errors} of {pages_loaded.count} = {error_rate:.1%} "
            f"(limit ≤ {thresholds.max_error_rate:.1%})",
        )
    )
    ratio = ingest_loaded / ingest_alone if ingest_alone else 0.0
    verdict.lines.append(
        (
            ratio >= thresholds.min_ingest_ratio,
            f"ingest with users {ingest_loaded:,.0f}/s = {ratio:.0%} of ingest alone {ingest_alone:,.0f}/s "
            f"(limit ≥ {thresholds.min_ingest_ratio:.0%})",
        )
    )
    return verdict


# --- The database ------------------------------------------------------------------------------------------


def _admin_cursor():
    """An autocommit cursor on the server's maintenance database (CREATE/DROP DATABASE cannot run in a
    transaction)."""
    import psycopg2
    from django.db import connection

    db = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres", host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"]
    )
    admin.autocommit = True
    return admin


def _use_database(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def _database_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _drop(cursor, name: str) -> None:
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def template_name(mentions: int) -> str:
    return f"bench_hospitallisten{os.environ.get('TEST_DB_SUFFIX', '')}_{mentions}_v{TEMPLATE_FORMAT}"


def _template_build(*, mentions: int, open_items: int) -> None:
    """Fills the (empty) current database: schema, demo organization, mentions, queue items, clusters."""
    from bench_dashboards import _make_clusters
    from bench_queue import _queue_items_sql
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from dashboards.management.synthetic import synthetic_mentions_generate
    from sources.demo.setup import demo_setup

    call_command("migrate", verbosity=0, interactive=False)
    demo_setup()
    synthetic_mentions_generate(count=mentions, days=365, seed=11)
    demo = get_user_model().objects.get(username="demo")
    total = open_items + open_items // 5
    with connection.cursor() as cursor:
        cursor.execute(_queue_items_sql(), {"open": open_items, "total": total, "user": demo.pk})
        if cursor.rowcount < total:
            raise SystemExit(f"Only {cursor.rowcount:,} complaints among {mentions:,} mentions.")
    _make_clusters()
    with connection.cursor() as cursor:
        for table in ("mentions_mention", "triage_queueitem", "dashboards_mentionday"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def bench_template_prepare(*, mentions: int, open_items: int, rebuild: bool) -> tuple[str, float | None]:
    """The template database for this size: reused when it exists (returns None for the build time),
    else built under a temporary name and renamed when complete, so a half-built one is never reused."""
    name = template_name(mentions)
    building = f"{name}_building"
    admin = _admin_cursor()
    try:
        with admin.cursor() as cursor:
            if _database_exists(cursor, name) and not rebuild:
                return name, None
            _drop(cursor, name)
            _drop(cursor, building)
            cursor.execute(f'CREATE DATABASE "{building}"')
        started = time.perf_counter()
        _use_database(building)
        _template_build(mentions=mentions, open_items=open_items)
        _use_database(name)
        seconds = time.perf_counter() - started
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            note = (
                f"bench_load template: {mentions} mentions, {open_items} open items, built in {seconds:.0f} s"
            )
            cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{note}'")
        return name, seconds
    finally:
        admin.close()


def bench_database_clone(template: str) -> tuple[str, float]:
    """A copy of the template for this run (file copy: much faster than replaying it), migrated in case
    migrations were added since the template was built. Returns its name and the seconds it took."""
    from django.core.management import call_command

    name = f"{template}_run"
    started = time.perf_counter()
    admin = _admin_cursor()
    try:
        with admin.cursor() as cursor:
            _drop(cursor, name)
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    finally:
        admin.close()
    _use_database(name)
    call_command("migrate", verbosity=0, interactive=False)
    # A migration that rewrote tables (month partitioning did) leaves autovacuum a backlog that would run
    # during the measured phases; a database in service has long worked it off.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return name, time.perf_counter() - started


def bench_database_drop(name: str) -> None:
    _use_database("postgres")
    admin = _admin_cursor()
    try:
        with admin.cursor() as cursor:
            _drop(cursor, name)
    finally:
        admin.close()


def load_users_create(count: int) -> list[tuple[str, str]]:
    """(username, role) for `count` users, alternately marketing and patient experience, each with the
    matching role group; the items the queue assigned go round the patient-experience users, so each has
    a "my queue" of their own."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils.crypto import get_random_string

    from administration import roles

    # The web server checks passwords with the project's hasher (PBKDF2), whatever the driver's settings.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(16))
    groups = {
        "marketing": Group.objects.get(name=roles.MARKETING),
        "patient experience": Group.objects.get(name=roles.PATIENT_EXPERIENCE),
    }
    created = []
    for number in range(1, count + 1):
        role = "marketing" if number % 2 else "patient experience"
        user = get_user_model().objects.create(
            username=f"load-{number:03}", password=hashed, first_name=f"Load {number}"
        )
        user.groups.add(groups[role])
        created.append((user, role))
    assignees = [user.pk for user, role in created if role == "patient experience"]
    if assignees:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE triage_queueitem SET assignee_id = (%s::int[])[1 + id %% %s] "
                "WHERE assignee_id IS NOT NULL",
                [assignees, len(assignees)],
            )
    return [(user.username, role) for user, role in created]


def site_facts() -> SiteFacts:
    from django.utils import timezone

    from clusters.models import Cluster
    from tracking.models import Hospital

    hospitals = list(Hospital.objects.order_by("pk").values_list("slug", "pk"))
    return SiteFacts(
        hospital_slugs=[slug for slug, _ in hospitals],
        hospital_ids=[pk for _, pk in hospitals],
        cluster_ids=list(Cluster.objects.values_list("pk", flat=True)),
        today=timezone.localdate(),
    )


# --- Web server, worker and the recorded sources ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _service_env(*, database: str, redis_url: str) -> dict[str, str]:
    """The project's own settings (as production runs them: DEBUG off, persistent database connections),
    pointed at the run's database and Redis."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {key: value for key, value in os.environ.items() if key not in {"CELERY_BROKER_URL", "DEBUG"}}
    return env | {
        "DJANGO_SETTINGS_MODULE": "hospitallisten.settings.base",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{database}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-load-only",
        "FIELD_ENCRYPTION_KEYS": "YmVuY2gtbG9hZC1vbmx5LWJlbmNoLWxvYWQtb25seSE=",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ENRICHMENT_MODEL_DIR": str(MODEL_DIR),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def _start(command: list[str], *, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Its own process group: stopped with every child at the end.
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_serving(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The web server stopped; see {log}")
        try:
            if requests.get(f"{base_url}/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"The web server did not answer within 2 minutes; see {log}")


class IngestFeeder(threading.Thread):
    """Keeps the workers at their full sustainable rate: whenever no poll is waiting and the tagging
    backlog is short, adds one more recorded source (the demo data set with ids of its own, so every post
    is new) and asks for its poll. Without the backlog limit, polls (thousands of posts a task) would crowd
    out the tagging tasks they create and "stored" would outrun what the pipeline finishes."""

    def __init__(self, *, app, redis_url: str, directory: Path, backlog: int):
        super().__init__(daemon=True)
        self.app, self.redis_url, self.directory, self.backlog = app, redis_url, directory, backlog
        self.stopping = threading.Event()
        self.sources = 0
        self.failure: BaseException | None = None

    def _source_add(self, broker) -> None:
        from django.utils import timezone

        from sources.connectors.demo import load_posts
        from sources.models import Source

        self.sources += 1
        posts = load_posts()
        start = (self.sources - 1) * POSTS_PER_SOURCE % len(posts)
        path = self.directory / f"recorded-{self.sources}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            for post in posts[start : start + POSTS_PER_SOURCE]:
                handle.write(json.dumps({**post, "id": f"{post['id']}-load{self.sources}"}) + "\n")
        source = Source.objects.create(
            name=f"Recorded feed {self.sources}",
            kind=Source.Kind.DEMO,
            config={"anchor": timezone.now().isoformat(), "dataset_path": str(path)},
        )
        self.app.send_task("sources.source_sync", args=[source.pk], connection=broker)

    def run(self) -> None:
        import redis
        from django.db import connection

        waiting = redis.Redis.from_url(self.redis_url)
        try:
            with self.app.connection_for_write(self.redis_url) as broker:
                while not self.stopping.wait(0.5):
                    backlog = waiting.llen("enrichment") + waiting.llen("default")
                    if waiting.llen("polling") == 0 and backlog <= self.backlog:
                        self._source_add(broker)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread, which stops the run)
            self.failure = error
        finally:
            connection.close()


def ingest_counts(floor_id: int) -> tuple[int, int]:
    """Mentions stored since the run began (ids above the template's), and how many of them are tagged."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(enriched_at) FROM mentions_mention WHERE id > %s", [floor_id])
        return cursor.fetchone()


CPU_PARTS = ("web", "worker", "postgres", "driver", "rest of machine")


class CpuMeter:
    """CPU seconds used by each part of the run (web server and worker by process group, Postgres by the
    backends serving the run's database, this driver) and by the whole machine, from /proc. On a shared
    machine this says how much of the CPU the run had: the rest went to whatever else was running.
    A process that exits during a phase drops out with what it used in it (a Postgres backend whose
    connection closed), so those parts can be a little low, never negative."""

    def __init__(self, *, groups: dict[str, int], database: str):
        self.by_group = {pgid: part for part, pgid in groups.items()}
        self.backend_title = f" {database} ".encode()
        self.ticks = os.sysconf("SC_CLK_TCK")

    def read(self) -> dict[tuple[str, int], float]:
        """CPU seconds so far by (part, pid), with ("machine", 0) for all but idle and iowait."""
        used = {("driver", 0): time.process_time()}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()  # After "pid (name) ": state, ppid, pgrp, …
                part = self.by_group.get(int(fields[2]))
                if part is None and self.backend_title in (entry / "cmdline").read_bytes():
                    part = "postgres"
            except (FileNotFoundError, ProcessLookupError):
                continue  # Gone since the directory was listed.
            if part is not None:
                used[(part, int(entry.name))] = (int(fields[11]) + int(fields[12])) / self.ticks
        machine = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        used[("machine", 0)] = (sum(machine) - machine[3] - machine[4]) / self.ticks
        return used

    @staticmethod
    def used_between(before: dict[tuple[str, int], float], after: dict[tuple[str, int], float]):
        """CPU seconds per part of CPU_PARTS between two reads."""
        used = dict.fromkeys(CPU_PARTS, 0.0)
        for key, seconds in after.items():
            if key[0] != "machine":
                used[key[0]] += seconds - before.get(key, 0.0)
        machine = after[("machine", 0)] - before[("machine", 0)]
        used["rest of machine"] = max(0.0, machine - sum(used.values()))
        return used


@dataclass(slots=True)
class PhaseResult:
    seconds: float = 0.0
    stored: int = 0
    tagged: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per part during the phase
    load_average: float = 0.0

    @property
    def stored_rate(self) -> float:
        return self.stored / self.seconds if self.seconds else 0.0

    @property
    def tagged_rate(self) -> float:
        return self.tagged / self.seconds if self.seconds else 0.0


def _phase(run: Callable[[], None], *, floor_id: int, meter: CpuMeter) -> PhaseResult:
    stored, tagged = ingest_counts(floor_id)
    cpu = meter.read()
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    cpu_after = meter.read()
    stored_after, tagged_after = ingest_counts(floor_id)
    return PhaseResult(
        seconds=seconds,
        stored=stored_after - stored,
        tagged=tagged_after - tagged,
        cpu=CpuMeter.used_between(cpu, cpu_after),
        load_average=os.getloadavg()[0],
    )


# --- The run ---------------------------------------------------------------------------------------------


def _print_report(
    *,
    options,
    samples: list[Sample],
    phases: dict[str, PhaseResult],
    thresholds: Thresholds,
    header: list[str],
) -> Verdict:
    idle, loaded = page_stats(samples, "idle"), page_stats(samples, "loaded")
    print("\n".join(header))
    print()
    columns = f"{'n':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'err':>4}"
    print(f"{'':24} | {'users alone (no ingest)':^34} | {'users + ingest at full rate':^34} |")
    print(f"{'page':24} | {columns} | {columns} | {'p95 ×':>6}")

    def cells(stats: PageStats | None) -> str:
        if stats is None:
            return f"{'':34}"
        return (
            f"{stats.count:>5} {stats.p50 * 1000:>7.0f} {stats.p95 * 1000:>7.0f} {stats.max * 1000:>7.0f} "
            f"{stats.errors:>4}"
        )

    for page in sorted(set(idle) | set(loaded), key=lambda page: (page == ALL_PAGES, page)):
        before, after = idle.get(page), loaded.get(page)
        ratio = f"{after.p95 / before.p95:>6.2f}" if before and after else ""
        print(f"{page:24} | {cells(before)} | {cells(after)} | {ratio}")

    print()
    cpu_columns = " ".join(f"{part:>8}" for part in ("web", "worker", "postgres", "driver", "others"))
    rates = f"{'seconds':>7} {'pages/s':>8} {'stored/s':>9} {'tagged/s':>9}"
    print(f"{'phase':22} {rates} | CPU cores: {cpu_columns}")
    requests_by_phase = {"idle": idle[ALL_PAGES].count, "ingest": 0, "loaded": loaded[ALL_PAGES].count}
    labels = {"idle": "users alone", "ingest": "ingest alone", "loaded": "users + ingest"}
    for key, phase in phases.items():
        cores = " ".join(f"{phase.cpu[part] / phase.seconds:>8.2f}" for part in CPU_PARTS)
        print(
            f"{labels[key]:22} {phase.seconds:>7.0f} {requests_by_phase[key] / phase.seconds:>8.1f} "
            f"{phase.stored_rate:>9,.0f} {phase.tagged_rate:>9,.0f} |            {cores}"
        )
    users_alone, ingest_alone, both = phases["idle"], phases["ingest"], phases["loaded"]
    # Per unit of work, CPU hardly depends on how busy the machine is: it says what the load would need on
    # a machine of its own. Measured in the phases where one kind of work ran alone, so Postgres is its.
    pages = max(requests_by_phase["idle"], 1)
    page_web, page_db = (users_alone.cpu[part] / pages * 1000 for part in ("web", "postgres"))
    tagged = max(ingest_alone.tagged, 1)
    mention_worker, mention_db = (ingest_alone.cpu[part] / tagged * 1000 for part in ("worker", "postgres"))
    page_demand = options.users / options.think * (page_web + page_db) / 1000
    print(
        f"CPU per page: {page_web:.0f} ms web + {page_db:.0f} ms Postgres; per mention through the "
        f"pipeline: {mention_worker:.2f} ms worker + {mention_db:.2f} ms Postgres"
    )
    print(
        f"→ {options.users} users at one page per {options.think:g} s ask up to {page_demand:.1f} cores; "
        f"ingest takes {(mention_worker + mention_db) / 10:.2f} cores per 100 mentions/s"
    )
    print()
    print(f"page p95 under ingest / p95 without ingest: {loaded[ALL_PAGES].p95 / idle[ALL_PAGES].p95:.2f}")
    ingest_ratio = both.tagged_rate / max(ingest_alone.tagged_rate, 1e-9)
    print(f"ingest with users / ingest alone:           {ingest_ratio:.2f}")
    verdict = load_verdict(
        pages_loaded=loaded[ALL_PAGES],
        ingest_alone=ingest_alone.tagged_rate,
        ingest_loaded=both.tagged_rate,
        thresholds=thresholds,
    )
    print()
    for ok, line in verdict.lines:
        print(f"  {'ok       ' if ok else 'COLLAPSED'}  {line}")
    print(f"\nverdict: {'COLLAPSED' if verdict.collapsed else 'held up'}")
    sys.stdout.flush()
    return verdict


def _services_start(*, options, database: str, work: Path) -> tuple[dict[str, subprocess.Popen], str, str]:
    """Redis, the web server and the worker, each in a process group of its own; returns them with the
    Redis and web addresses once the web server answers."""
    redis_port, web_port = _free_port(), _free_port()
    redis_url, base_url = f"redis://127.0.0.1:{redis_port}/0", f"http://127.0.0.1:{web_port}"
    redis_command = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
    processes = {
        "redis": _start(
            redis_command + ["--save", "", "--appendonly", "no"], env=dict(os.environ), log=work / "redis.log"
        )
    }
    env = _service_env(database=database, redis_url=redis_url)
    bin_dir = Path(sys.executable).parent
    processes["web"] = _start(
        [str(bin_dir / "gunicorn"), "hospitallisten.wsgi", "--bind", f"127.0.0.1:{web_port}"]
        + ["--workers", str(options.web_workers)],
        env=env,
        log=work / "web.log",
    )
    processes["worker"] = _start(
        ["nice", "-n", str(options.worker_nice)]
        + [str(bin_dir / "celery"), "-A", "hospitallisten", "worker", "--queues", WORKER_QUEUES]
        + ["--concurrency", str(options.worker_processes), "--loglevel", "warning"]
        + ["--without-gossip", "--without-mingle"],
        env=env,
        log=work / "worker.log",
    )
    _wait_until_serving(base_url, processes["web"], work / "web.log")
    return processes, redis_url, base_url


def _users_sign_in(users: list[SimulatedUser]) -> None:
    # A few at a time: each sign-in is a full PBKDF2 password check on the server.
    with ThreadPoolExecutor(max_workers=4) as pool:
        for result in [pool.submit(user.login) for user in users]:
            result.result()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mentions", type=int, default=2_000_000)
    parser.add_argument("--open-items", type=int, help="open queue items (default: 5%% of the mentions)")
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--duration", type=float, default=60, help="seconds of each of the three phases")
    parser.add_argument("--warmup", type=float, default=15, help="seconds of ingest before it is measured")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a user's pages")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (the Dockerfile's 3)")
    parser.add_argument("--worker-processes", type=int, default=2, help="Celery processes (Compose's 2)")
    parser.add_argument(
        "--worker-nice", type=int, default=10, help="the worker's niceness (bin/run's 10; 0: same as the web)"
    )
    parser.add_argument("--max-p95", type=float, default=1.0, help="seconds, all pages under ingest")
    parser.add_argument("--max-error-rate", type=float, default=0.01)
    parser.add_argument("--min-ingest-ratio", type=float, default=0.5)
    parser.add_argument("--rebuild", action="store_true", help="build the template database again")
    options = parser.parse_args()
    open_items = options.open_items or options.mentions // 20
    thresholds = Thresholds(options.max_p95, options.max_error_rate, options.min_ingest_ratio)

    # A database name of its own (bench_hospitallisten_load_…), apart from every test database.
    os.environ.setdefault("TEST_DB_SUFFIX", "_load")
    import _django  # noqa: F401  (sets up Django with the test settings, for the ORM)
    from django.db import connection

    from enrichment.classifier.training import ensure_active_model
    from hospitallisten.celery import app

    run_started = time.perf_counter()
    template, build_seconds = bench_template_prepare(
        mentions=options.mentions, open_items=open_items, rebuild=options.rebuild
    )
    database, clone_seconds = bench_database_clone(template)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    processes: dict[str, subprocess.Popen] = {}
    feeder: IngestFeeder | None = None
    verdict = None
    try:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), max(id) FROM mentions_mention")
            mention_total, floor_id = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM triage_queueitem WHERE status <> 'resolved'")
            open_total = cursor.fetchone()[0]
        accounts = load_users_create(options.users)
        facts = site_facts()
        ensure_active_model(directory=MODEL_DIR)
        connection.close()
        processes, redis_url, base_url = _services_start(options=options, database=database, work=work)
        with app.connection_for_write(redis_url) as broker:
            # Each pool process loads the classifier now, not inside the measured ingest.
            for _ in range(options.worker_processes * 2):
                app.send_task("enrichment.mentions_enrich", args=[[]], connection=broker)
        users = [
            SimulatedUser(username=username, role=role, base_url=base_url, facts=facts, seed=number)
            for number, (username, role) in enumerate(accounts)
        ]
        _users_sign_in(users)
        samples: list[Sample] = []
        # Untimed: every web worker imports and connects before the clock starts.
        users_run(
            users, phase="warm-up", seconds=min(10, options.duration), think=options.think, samples=samples
        )
        setup_seconds = time.perf_counter() - started

        def browse(phase: str) -> Callable[[], None]:
            return lambda: users_run(
                users, phase=phase, seconds=options.duration, think=options.think, samples=samples
            )

        meter = CpuMeter(
            groups={"web": processes["web"].pid, "worker": processes["worker"].pid}, database=database
        )
        phases = {"idle": _phase(browse("idle"), floor_id=floor_id, meter=meter)}
        feeder = IngestFeeder(
            app=app, redis_url=redis_url, directory=work, backlog=4 * options.worker_processes
        )
        feeder.start()
        time.sleep(options.warmup)
        phases["ingest"] = _phase(lambda: time.sleep(options.duration), floor_id=floor_id, meter=meter)
        phases["loaded"] = _phase(browse("loaded"), floor_id=floor_id, meter=meter)
        if feeder.failure:
            raise feeder.failure
        if not phases["ingest"].stored:
            raise SystemExit(f"Nothing was ingested; see {work / 'worker.log'}")
        build = f"built in {build_seconds:.0f} s" if build_seconds is not None else "reused"
        marketing = sum(role == "marketing" for _, role in accounts)
        header = [
            f"database: {mention_total:,} mentions, {open_total:,} open queue items; template {template} "
            f"{build}; cloned and migrated in {clone_seconds:.0f} s; services up and users signed in in "
            f"{setup_seconds:.0f} s",
            f"{options.users} users ({marketing} marketing, {options.users - marketing} patient experience), "
            f"~{options.think:g} s between pages; gunicorn {options.web_workers} workers; Celery 1 worker × "
            f"{options.worker_processes} processes on {WORKER_QUEUES} at nice {options.worker_nice}; "
            f"{feeder.sources} recorded sources fed",
            f"{options.duration:g} s per phase; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} "
            "at the end; CPU columns: cores in use on average (others: everything else on the machine)",
        ]
        verdict = _print_report(
            options=options, samples=samples, phases=phases, thresholds=thresholds, header=header
        )
    finally:
        if feeder is not None:
            feeder.stopping.set()
            feeder.join(timeout=10)
        for process in reversed(processes.values()):
            _stop(process)
        bench_database_drop(database)
        if verdict is not None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"logs kept in {work}", file=sys.stderr)
    print(f"total run time {time.perf_counter() - run_started:.0f} s")
    return 1 if verdict.collapsed else 0


if __name__ == "__main__":
    sys.exit(main())
