"""Fill the database with synthetic mentions for load tests, or delete them again."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboards.management.synthetic import (
    SyntheticError,
    synthetic_mentions_delete,
    synthetic_mentions_generate,
)


class Command(BaseCommand):
    help = (
        'Store synthetic mentions (source "Synthetic load") with Postgres COPY and rebuild the dashboard '
        "rollup for their days; --delete removes them all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000, help="How many mentions to store.")
        parser.add_argument("--days", type=int, default=365, help="Spread them over this many days to today.")
        parser.add_argument("--batch", type=int, default=100_000, help="Mentions per COPY (and transaction).")
        parser.add_argument("--jobs", type=int, default=2, help="Threads storing batches side by side.")
        parser.add_argument("--seed", type=int, default=None, help="Seed for a repeatable mix.")
        parser.add_argument("--delete", action="store_true", help="Delete all synthetic mentions instead.")

    def handle(
        self, *args, count: int, days: int, batch: int, jobs: int, seed: int | None, delete: bool, **options
    ):
        try:
            if delete:
                deleted = synthetic_mentions_delete()
                self.stdout.write(
                    f"Deleted {deleted.deleted:,} synthetic mentions; "
                    f"rollups rebuilt in {deleted.rollup_seconds:.1f} s."
                )
                return
            if count < 0 or days < 1 or batch < 1 or jobs < 1:
                raise CommandError("--count must be 0 or more; --days, --batch and --jobs 1 or more.")
            result = synthetic_mentions_generate(count=count, days=days, batch=batch, jobs=jobs, seed=seed)
        except SyntheticError as error:
            raise CommandError(str(error)) from error
        rate = result.created / result.copy_seconds if result.copy_seconds else 0
        self.stdout.write(
            f"Stored {result.created:,} synthetic mentions from {result.first_day} to {result.last_day} in "
            f"{result.copy_seconds:.1f} s ({rate:,.0f}/s); rollup rebuilt in {result.rollup_seconds:.1f} s."
        )
