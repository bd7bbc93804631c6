from django.db import models


class MentionDay(models.Model):
    """Mentions per local day and per combination of the tags the dashboards filter and group by.

    The overview reads this instead of the mentions table when the filters allow it (docs/performance.md):
    a 90-day period is a few thousand rows here against hundreds of thousands of mentions. dashboards.rollups
    recomputes a day's rows from its mentions whenever they are stored or re-tagged; days are local dates in
    settings.TIME_ZONE, like TruncDay on the mentions, so a change of TIME_ZONE needs a full rebuild.
    """

    day = models.DateField()
    # No database constraint and no cascade: deleting a hospital sets its mentions' hospital to null, and
    # until their days are refreshed the rows here keep the old id. Totals stay right that way (the count is
    # still there, under an id no filter can select), where a cascade would silently drop those mentions.
    hospital = models.ForeignKey(
        "tracking.Hospital",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # Filters by hospital always come with a period, which the unique index below leads with.
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    platform = models.CharField(max_length=20)
    sentiment_label = models.CharField(max_length=10, blank=True)
    is_complaint = models.BooleanField(null=True, blank=True)
    category = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    match_status = models.CharField(max_length=12)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # One row per day and combination of tags; NULLS NOT DISTINCT so mentions without a hospital or
            # not yet tagged as complaint or not also get exactly one row, which ON CONFLICT relies on.
            # The index leads with the day, so the period filter of every dashboard query is a range scan
            # of it, and INCLUDE (count) lets those queries be answered from the index alone.
            models.UniqueConstraint(
                fields=[
                    "day",
                    "hospital",
                    "platform",
                    "sentiment_label",
                    "is_complaint",
                    "category",
                    "severity",
                    "match_status",
                ],
                name="mention_day_unique",
                nulls_distinct=False,
                include=["count"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.platform} {self.sentiment_label or 'unlabelled'}: {self.count}"
