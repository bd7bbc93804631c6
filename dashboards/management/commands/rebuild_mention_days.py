"""Recompute the MentionDay rollup from the mentions: after the first migrate, or after TIME_ZONE changed."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max, Min
from django.utils import timezone

from dashboards.rollups import mention_days_rebuild
from mentions.models import Mention


class Command(BaseCommand):
    help = (
        "Recompute the dashboard rollup (MentionDay) for a range of days, by default every day with mentions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, help="First day, YYYY-MM-DD.")
        parser.add_argument("--until", type=date.fromisoformat, help="Last day, YYYY-MM-DD.")

    def handle(self, *args, since: date | None, until: date | None, **options):
        span = Mention.objects.aggregate(first=Min("posted_at"), last=Max("posted_at"))
        if span["first"] is None and (since is None or until is None):
            self.stdout.write("No mentions; nothing to rebuild.")
            return
        tz = timezone.get_default_timezone()
        since = since or timezone.localtime(span["first"], tz).date()
        until = until or timezone.localtime(span["last"], tz).date()
        if since > until:
            raise CommandError("--since is after --until.")
        mention_days_rebuild(since=since, until=until)
        self.stdout.write(f"Rebuilt the rollup from {since} to {until}.")
