"""Show the monthly partitions of the mentions table and the mentions in the default partition."""

from django.core.management.base import BaseCommand, CommandError

from mentions.partitions import (
    mention_default_partition_counts,
    mention_partitions,
    mention_partitions_ensure,
    mention_partitions_split_default,
)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--ensure", action="store_true", help="Create this month's and the next months' partitions."
        )
        parser.add_argument(
            "--split-default",
            action="store_true",
            help="Move the mentions of the default partition into partitions of their own months.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit with an error while the default partition holds mentions.",
        )

    def handle(self, *args, ensure: bool, split_default: bool, check: bool, **options):
        if ensure:
            for name in mention_partitions_ensure():
                self.stdout.write(f"Created {name}.")
        if split_default:
            for name in mention_partitions_split_default():
                self.stdout.write(f"Created {name} from the default partition.")
        partitions = mention_partitions()
        if partitions:
            first, last = partitions[0].month, partitions[-1].month
            self.stdout.write(f"{len(partitions)} month partitions, {first:%Y-%m} to {last:%Y-%m}.")
        outside = mention_default_partition_counts()
        for month, count in outside.items():
            self.stdout.write(f"Default partition: {count} mentions posted in {month:%Y-%m}.")
        if check and outside:
            raise CommandError(
                f"{sum(outside.values())} mentions are in the default partition; --split-default moves them."
            )
