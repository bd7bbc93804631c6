"""User text is always text: a post, a hospital, a cluster, a note or a draft holding HTML/JS never runs.

Every page that shows the stored text is fetched as an admin who may see it all; the raw markup must
never appear in the response, and the page must show it escaped (so the test knows the text is there).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from clusters.services import clusters_assign, embedding
from sources.models import CoverageGap
from tests.clusters.conftest import fake_embed
from tests.factories import HospitalFactory, MentionFactory, SourceFactory, UserFactory
from triage.services import queue_item_ensure, queue_item_note_add, reply_draft_save

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
PAYLOADS = (SCRIPT, IMG, "<script>alert", "<img src=x")
# How the Django templates write them.
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
# A chart label: entity-escaped for plotly, then written into a json_script block, which writes & < > as
# \u0026 \u003C \u003E, so nothing in a figure can close its <script type="application/json"> block.
SCRIPT_IN_CHART = "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt;"


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def hostile(db, monkeypatch):
    """A hospital, source, complaint, cluster, note and reply draft, each carrying both payloads."""
    monkeypatch.setattr(embedding, "mentions_embed", fake_embed)
    hospital = HospitalFactory(name=f"Riverside {SCRIPT}{IMG}", slug="riverside", is_own=True)
    source = SourceFactory(name=f"Feed {SCRIPT}{IMG}")
    CoverageGap.objects.create(
        source=source,
        reason=CoverageGap.Reason.OUTAGE,
        start=timezone.now() - timedelta(hours=5),
        end=timezone.now() - timedelta(hours=4),
        detail=f"Platform said {SCRIPT}{IMG}",
    )
    mentions = [
        MentionFactory(
            source=source,
            hospital=hospital,
            text=f"parking garage fee {SCRIPT} {IMG} day {n}",
            title=f"Title {SCRIPT}{IMG}",
            author_name=f"Name {SCRIPT}{IMG}",
            author_handle=f"handle{SCRIPT}{IMG}",
            url=f"https://x.example/status/{n}?q={SCRIPT}{IMG}",
            is_complaint=True,
            category="facilities_environment",
            severity="high",
            sentiment_label="negative",
            enriched_at=timezone.now(),
            posted_at=timezone.now() - timedelta(hours=2 + n),
        )
        for n in range(3)
    ]
    clusters_assign(mention_ids=[mention.pk for mention in mentions])
    cluster = Cluster.objects.get(hospital=hospital)
    Cluster.objects.filter(pk=cluster.pk).update(label=f"Label {SCRIPT}{IMG}", name=f"Name {SCRIPT}{IMG}")
    item = queue_item_ensure(mention=mentions[0])
    author = UserFactory(username="px", first_name="Pat")
    queue_item_note_add(item=item, user=author, text=f"Note {SCRIPT}{IMG}")
    reply_draft_save(item=item, user=author, text=f"Draft {SCRIPT}{IMG}")
    return {"mention": mentions[0], "cluster": cluster, "item": item}


def _assert_only_escaped(response, *, shown: tuple[str, ...] = (SCRIPT_ESCAPED, IMG_ESCAPED)) -> str:
    assert response.status_code == 200
    content = response.content.decode()
    for payload in PAYLOADS:
        assert payload not in content, f"unescaped {payload!r} in {response.wsgi_request.path}"
    for escaped in shown:
        assert escaped in content, f"{escaped!r} not shown on {response.wsgi_request.path}"
    return content


def test_the_overview_shows_hostile_names_and_clusters_as_text(admin_client, hostile):
    content = _assert_only_escaped(admin_client.get(reverse("dashboards:overview")))
    assert "Name " + SCRIPT_ESCAPED in content, "the top clusters list the cluster"
    # The charts' figures sit in JSON data blocks: a "</script>" inside them cannot end the block.
    assert SCRIPT_IN_CHART in content
    assert content.count("</script>") == content.count("<script")


def test_chart_figures_show_html_in_names_literally(admin_client, hostile):
    """plotly reads a few tags in labels (<b>, <a href>); names are entity-escaped: shown as typed."""
    charts = admin_client.get(reverse("dashboards:overview")).context["charts"]
    hospitals = charts["hospitals"]["data"][0]["y"]
    assert f"Riverside {SCRIPT_ESCAPED}{IMG_ESCAPED} (yours)" in hospitals
    assert SCRIPT not in str(charts)


def test_the_mention_list_and_page_show_hostile_posts_as_text(admin_client, hostile):
    _assert_only_escaped(admin_client.get(reverse("mentions:mention_list")))
    content = _assert_only_escaped(
        admin_client.get(reverse("mentions:mention_detail", args=[hostile["mention"].pk]))
    )
    assert "Name " + SCRIPT_ESCAPED in content and "handle" + SCRIPT_ESCAPED in content
    assert "Title " + SCRIPT_ESCAPED in content


def test_the_cluster_pages_show_hostile_labels_as_text(admin_client, hostile):
    _assert_only_escaped(admin_client.get(reverse("clusters:cluster_list")))
    content = _assert_only_escaped(
        admin_client.get(reverse("clusters:cluster_page", args=[hostile["cluster"].pk]))
    )
    assert "parking garage fee " + SCRIPT_ESCAPED in content


def test_the_queue_pages_show_hostile_posts_notes_and_drafts_as_text(admin_client, hostile):
    _assert_only_escaped(admin_client.get(reverse("triage:queue_list")))
    content = _assert_only_escaped(admin_client.get(reverse("triage:queue_item", args=[hostile["item"].pk])))
    assert "Note " + SCRIPT_ESCAPED in content and "Draft " + SCRIPT_ESCAPED in content
    response = admin_client.get(reverse("triage:queue_report"))
    assert response.status_code == 200
    assert not any(payload in response.content.decode() for payload in PAYLOADS)


def test_the_coverage_page_shows_hostile_source_names_and_errors_as_text(admin_client, hostile):
    content = _assert_only_escaped(admin_client.get(reverse("sources:coverage")), shown=(SCRIPT_IN_CHART,))
    assert "Platform said" in content


@pytest.mark.parametrize("chart", ["volume", "categories", "hospitals", "share", "platforms"])
def test_csv_exports_are_never_read_as_html(admin_client, hostile, chart):
    response = admin_client.get(reverse("dashboards:overview_chart_csv", args=[chart]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_csv_exports_still_neutralise_formulas_in_hostile_names(admin_client, db):
    MentionFactory(hospital=HospitalFactory(name=f'=HYPERLINK("http://x")&{SCRIPT}', slug="evil"))
    content = admin_client.get(reverse("dashboards:overview_chart_csv", args=["hospitals"])).content.decode()
    assert "'=HYPERLINK" in content
    assert "\n=HYPERLINK" not in content and ",=HYPERLINK" not in content


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>"])
def test_a_post_link_that_is_not_http_is_never_a_link(admin_client, hostile, url):
    mention = MentionFactory(url=url, hospital=HospitalFactory(slug="riverside"), is_complaint=True)
    item = queue_item_ensure(mention=mention)
    for page in (
        admin_client.get(reverse("mentions:mention_detail", args=[mention.pk])),
        admin_client.get(reverse("triage:queue_item", args=[item.pk])),
    ):
        assert page.status_code == 200
        assert "javascript:" not in page.content.decode().lower()
        assert "data:text/html" not in page.content.decode()
