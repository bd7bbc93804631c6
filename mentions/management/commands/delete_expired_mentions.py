"""Delete mentions older than MENTION_RETENTION_DAYS now (the nightly task does the same)."""

from django.core.management.base import BaseCommand

from mentions.selectors import retention_summary
from mentions.services import mentions_delete_expired


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        summary = retention_summary()
        if summary.cutoff is None:
            self.stdout.write("Retention is off (MENTION_RETENTION_DAYS=0): nothing is deleted.")
            return
        self.stdout.write(
            f"Posted before {summary.cutoff:%Y-%m-%d %H:%M %Z}: {summary.mentions} mentions to delete, "
            f"{summary.kept_open} kept while their queue item is open; "
            f"{summary.months_dropped} whole months to drop as partitions; "
            f"{summary.rejected_payloads} rejected payloads and {summary.import_files} import files "
            "to delete."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing deleted.")
            return
        deleted = mentions_delete_expired(now=None)
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} mentions."))
