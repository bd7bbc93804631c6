"""Re-cluster complaints now and print the top clusters with their crowd figures."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from clusters.selectors import cluster_crowd, cluster_list
from clusters.services import clusters_detect_emerging, clusters_recluster


class Command(BaseCommand):
    help = "Re-cluster the complaints of the window, check for emerging clusters and print the top clusters."

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=10, help="How many clusters to print (default 10).")
        parser.add_argument(
            "--days", type=int, default=90, help="The period the sizes are counted over (default 90 days)."
        )
        parser.add_argument(
            "--notify",
            action="store_true",
            help="Send emerging-cluster notifications now (otherwise the periodic task sends them).",
        )

    def handle(self, *args, top: int, days: int, notify: bool, **options):
        now = timezone.now()
        result = clusters_recluster(now=now)
        self.stdout.write(
            f"{result.members} complaints in the window ({result.embedded} newly embedded): "
            f"{result.kept} clusters kept, {result.created} new, {result.retired} retired, "
            f"{result.moved} complaints moved."
        )
        emerging = clusters_detect_emerging(now=now, notify=notify)
        self.stdout.write(f"Emerging: {len(emerging.flagged)} flagged, {len(emerging.cleared)} cleared.")
        today = timezone.localdate(now)
        rows = cluster_list(since=today - timedelta(days=days - 1), until=today, limit=top)
        header = (
            f"{'#':>2}  {'id':>5}  {'cluster':<70} {'size':>5} {f'{days}d':>4} {'prev':>4}  "
            f"{'authors':>7} {'repeat':>6} {'replied':>7}  emerging"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for rank, row in enumerate(rows, start=1):
            crowd = cluster_crowd(row.cluster)
            since = row.cluster.emerging_since
            flag = f"yes, since {timezone.localdate(since):%Y-%m-%d}" if row.cluster.is_emerging else ""
            self.stdout.write(
                f"{rank:>2}  {row.cluster.pk:>5}  {row.cluster.title[:70]:<70} {row.cluster.size:>5} "
                f"{row.size:>4} {row.previous_size:>4}  {crowd.authors:>7} {crowd.repeat_authors:>6} "
                f"{crowd.replied:>7}  {flag}"
            )
