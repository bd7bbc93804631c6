"""Real processes for fault injection: a Redis server of the test's own (never the shared one), Celery
workers and a scheduler it can kill, and a connection that holds locks to freeze a worker at a chosen
point of its transaction. Loopback only; every wait is bounded."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from hospitallisten.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent.parent
WORKER_APP_NAME = "hl-fault-worker"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "faults: kills workers, restarts Redis, drops connections (select with -m faults)"
    )


def wait_for(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(interval)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A redis-server on a free loopback port, with append-only persistence as in docker-compose.yml."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)]
            + ["--appendonly", "yes", "--save", "", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        assert wait_for(lambda: _pings(client), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(directory=tmp_path)
    server.start()
    yield server
    server.stop()


@dataclass
class Processes:
    """Workers and a scheduler started against the test database and the test's own Redis."""

    redis_server: RedisServer
    started: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        db = connection.settings_dict
        # application_name lets a test find the worker's backends; the check interval makes Postgres drop
        # a killed worker's backend (and its locks) within a moment even while it is waiting on a lock.
        options = f"application_name={WORKER_APP_NAME}&options=-c%20client_connection_check_interval%3D200"
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}?{options}",
            "TEST_REDIS_URL": self.redis_server.url,
            "BROKER_VISIBILITY_TIMEOUT": "2",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }

    def _start(self, command: list[str], env: dict[str, str], name: str) -> subprocess.Popen:
        log = Path(self.redis_server.directory) / f"{name}-{len(self.started)}.log"
        self.logs.append(log)
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Its own process group, so a kill takes the pool children too.
        )
        self.started.append(process)
        return process

    def worker(self, *, concurrency: int = 1, main: str = "celery", **extra_env: str) -> subprocess.Popen:
        entry = ["-m", "tests.faults.worker_main"] if main == "fake_x" else ["-m", "celery"]
        command = [sys.executable, *entry, "-A", "hospitallisten", "worker"]
        command += ["--queues", ",".join(settings.WORKER_QUEUES), "--concurrency", str(concurrency)]
        command += ["--loglevel", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self._start(command, self.env(**extra_env), "worker")

    def beat(self, *, loglevel: str = "info", every_second: bool = True) -> subprocess.Popen:
        """The scheduler on the test database (CELERY_BEAT_SCHEDULER: django-celery-beat's). With
        every_second, the due-sources check is its only task and runs every second."""
        if every_second:
            second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
            PeriodicTask.objects.update_or_create(
                name="sources-sync-due",
                defaults={
                    "task": "sources.sources_sync_due",
                    "interval": second,
                    "crontab": None,
                    "expire_seconds": 5,
                },
            )
        command = [sys.executable, "-m", "celery", "-A", "hospitallisten", "beat", "--loglevel", loglevel]
        return self._start(command, self.env(), "beat")

    def send(self, task_name: str, *args) -> None:
        """Enqueue on the test's own Redis (the test process's app is configured for the shared one)."""
        with app.connection_for_write(self.redis_server.url) as broker:
            app.send_task(task_name, args=list(args), connection=broker)

    @staticmethod
    def kill_pool_child(worker: subprocess.Popen) -> int:
        """SIGKILL the pool process running the task (an OOM kill); the worker's main process lives on."""
        children = wait_for(lambda: psutil.Process(worker.pid).children(), timeout=10)
        assert children, "the worker has no pool process"
        os.kill(children[0].pid, signal.SIGKILL)
        return children[0].pid

    @staticmethod
    def kill_whole_worker(worker: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool at once, as when its machine dies: nothing acks or requeues."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def output(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in self.logs)

    def stop_all(self) -> None:
        # Killed outright: the test is over, and a warm shutdown would only add seconds.
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def processes(transactional_db, own_redis, request) -> Iterator[Processes]:
    running = Processes(redis_server=own_redis)
    yield running
    running.stop_all()
    failed = getattr(getattr(request.node, "rep_call", None), "failed", False)
    if failed or os.environ.get("SHOW_WORKER_OUTPUT"):
        print(running.output())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _database_params() -> dict:
    db = connection.settings_dict
    return {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": db["NAME"]}


def worker_backends() -> list[tuple[int, str | None, str]]:
    """(pid, wait_event_type, state) of the worker processes' database connections."""
    with closing(psycopg2.connect(**_database_params())) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT pid, wait_event_type, state FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            [WORKER_APP_NAME],
        )
        return cursor.fetchall()


def backend_waiting_on_a_lock() -> int | None:
    return next((pid for pid, wait, _ in worker_backends() if wait == "Lock"), None)


@contextmanager
def lock_held(sql: str, params: list | None = None) -> Iterator[None]:
    """Run `sql` (a LOCK or SELECT … FOR UPDATE) in a transaction kept open until the block ends, so a
    worker that needs the lock stops right there, in the middle of its own transaction."""
    conn = psycopg2.connect(**_database_params())
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params or [])
        yield
    finally:
        conn.rollback()
        conn.close()
