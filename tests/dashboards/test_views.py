import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

from tests.factories import HospitalFactory, MentionFactory


def test_every_chart_has_a_title_axis_titles_and_bars_that_link_to_their_mentions(marketer_client, hospitals):
    riverside, mercy = hospitals["riverside"], hospitals["mercy"]
    MentionFactory(hospital=riverside, sentiment_label="negative", is_complaint=True, category="safety")
    MentionFactory(hospital=mercy, sentiment_label="positive", platform="reddit")
    response = marketer_client.get(reverse("dashboards:overview"), {"hospital": "", "period": "week"})
    charts = response.context["charts"]
    assert set(charts) == {"volume", "sentiment", "categories", "share", "hospitals", "platforms"}
    for name, figure in charts.items():
        layout = figure["layout"]
        assert layout["title"]["text"], name
        assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"], name
        assert all(trace.get("customdata") for trace in figure["data"]), f"{name} bars do not link"

    safety = next(t for t in charts["categories"]["data"] if t["name"] == "Safety")
    link = next(url for url, n in zip(safety["customdata"], safety["y"], strict=True) if n)
    query = parse_qs(urlsplit(link).query)
    assert query["complaint"] == ["true"] and query["category"] == ["safety"]
    assert "period" not in query
    listed = marketer_client.get(link).context["page"].object_list
    assert [m.category for m in listed] == ["safety"]


def test_kpis_compare_with_the_previous_period(marketer_client, hospitals):
    now = timezone.now()
    MentionFactory.create_batch(3, hospital=hospitals["riverside"], posted_at=now - timedelta(days=2))
    MentionFactory.create_batch(2, hospital=hospitals["riverside"], posted_at=now - timedelta(days=100))
    response = marketer_client.get(reverse("dashboards:overview"))
    assert (response.context["totals"].total, response.context["previous"].total) == (3, 2)
    assert b"+50% vs previous period" in response.content


def test_chart_data_downloads_as_csv_with_formulas_neutralised(marketer_client, hospitals):
    evil = HospitalFactory(name='=HYPERLINK("http://evil.example")', slug="evil")
    MentionFactory(hospital=evil, sentiment_label="negative", is_complaint=True)
    MentionFactory(hospital=hospitals["riverside"], sentiment_label="positive")
    response = marketer_client.get(reverse("dashboards:overview_chart_csv", args=["hospitals"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["hospital", "kind", "negative", "neutral", "positive", "complaints"]
    assert ["Riverside General Hospital", "own", "0", "0", "1", "0"] in rows
    assert any(row[0].startswith("'=HYPERLINK") for row in rows)


def test_an_unknown_chart_export_is_404(marketer_client):
    assert marketer_client.get(reverse("dashboards:overview_chart_csv", args=["nope"])).status_code == 404


def test_chart_export_requires_login(client, db):
    response = client.get(reverse("dashboards:overview_chart_csv", args=["volume"]))
    assert response.status_code == 302


def test_the_sentiment_trend_is_net_sentiment_with_the_previous_period_dashed(marketer_client, hospitals):
    today = timezone.localdate()
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    riverside = hospitals["riverside"]
    MentionFactory(hospital=riverside, sentiment_label="positive", posted_at=noon - timedelta(days=1))
    MentionFactory(hospital=riverside, sentiment_label="positive", posted_at=noon - timedelta(days=1))
    MentionFactory(hospital=riverside, sentiment_label="negative", posted_at=noon - timedelta(days=1))
    MentionFactory(hospital=riverside, sentiment_label="negative", posted_at=noon - timedelta(days=91))
    response = marketer_client.get(reverse("dashboards:overview"), {"date_from": today - timedelta(days=89)})
    figure = response.context["charts"]["sentiment"]
    previous, current = figure["data"]
    assert (current["name"], previous["name"], previous["line"]["dash"]) == (
        "This period",
        "Previous period",
        "dash",
    )
    assert figure["layout"]["yaxis"]["title"]["text"].startswith("Net sentiment (%")
    yesterday = current["x"].index((today - timedelta(days=1)).isoformat())
    # Two positive and one negative of three mentions: +33%; the day 90 days earlier: -100%.
    assert current["y"][yesterday] == 33.3
    assert previous["y"][yesterday] == -100.0
    assert previous["text"][yesterday] == (today - timedelta(days=91)).isoformat()
    assert current["y"][0] is None, "a day without mentions is a gap, not zero"
    listed = marketer_client.get(current["customdata"][yesterday]).context["page"].object_list
    assert len(listed) == 3


def test_the_median_time_to_first_response_tile(marketer_client, hospitals):
    from tests.triage.factories import ComplaintFactory
    from triage.models import QueueItem
    from triage.services import queue_item_ensure

    now = timezone.now()
    for hours in (1, 3, 8):
        item = queue_item_ensure(mention=ComplaintFactory(hospital=hospitals["riverside"]))
        QueueItem.objects.filter(pk=item.pk).update(
            created_at=now - timedelta(days=2),
            first_response_at=now - timedelta(days=2) + timedelta(hours=hours),
        )
    response = marketer_client.get(reverse("dashboards:overview"))
    assert response.context["first_response"].current == timedelta(hours=3)
    assert response.context["first_response"].previous is None
    assert b"Median time to first response" in response.content
    assert b"3.0 h" in response.content


def test_the_overview_shades_silence_but_not_what_a_platform_never_offers(marketer_client, hospitals):
    from sources.models import CoverageGap
    from tests.factories import SourceFactory

    MentionFactory(hospital=hospitals["riverside"])
    linkedin = SourceFactory(name="LinkedIn page", kind="linkedin")
    outage = SourceFactory(name="X search", kind="x")
    start = timezone.now() - timedelta(days=3)
    CoverageGap.objects.create(source=linkedin, start=start, reason=CoverageGap.Reason.UNSUPPORTED)
    CoverageGap.objects.create(
        source=outage, start=start, end=start + timedelta(hours=5), reason=CoverageGap.Reason.OUTAGE
    )

    response = marketer_client.get(reverse("dashboards:overview"))

    assert [gap.source.name for gap in response.context["gaps"]] == ["X search"]
    shapes = response.context["charts"]["volume"]["layout"]["shapes"]
    assert len(shapes) == 1
