from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from mentions.importing import import_job_create, import_job_run
from mentions.models import ImportJob, Platform


class Command(BaseCommand):
    help = "Import mentions from a CSV or JSON Lines file (columns: see docs/import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--platform",
            default=Platform.OTHER,
            choices=Platform.values,
            help="Platform for rows that do not name one (default: other).",
        )

    def handle(self, *args, file: Path, platform: str, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        with file.open("rb") as handle:
            job = import_job_create(
                file=File(handle), original_name=file.name, default_platform=platform, enqueue=False
            )

        def report(progress: ImportJob) -> None:
            done = progress.rows_imported + progress.rows_duplicate + progress.rows_rejected
            self.stderr.write(f"\r{done:,} of {progress.rows_total:,} rows", ending="")

        job = import_job_run(job_id=job.pk, on_progress=report)
        self.stderr.write("")
        for rejected in job.rejected_payloads.order_by("row_number")[:50]:
            self.stderr.write(f"row {rejected.row_number}: {rejected.error}")
        if job.rows_rejected > 50:
            self.stderr.write(f"... and {job.rows_rejected - 50:,} more; see Rejected payloads in the admin.")
        summary = (
            f"{job.original_name}: {job.rows_imported:,} imported, {job.rows_duplicate:,} already stored, "
            f"{job.rows_rejected:,} rejected."
        )
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(f"{summary} {job.error}")
        self.stdout.write(summary)
