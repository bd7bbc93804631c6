"""Every URL of the product × every role: the exact status each one gets.

A new page fails test_every_url_is_in_the_matrix until it has a row here, so no page goes unchecked.
To add a row: the URL name, its arguments (Obj("name") for an object made in `objects` below), the method,
any POST data, and who gets what, usually with `allowed(...)`.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_celery_beat.models import PeriodicTask

from administration import roles
from api.services import integration_token_create
from clusters.models import Cluster
from enrichment.models import RetagJob
from schedules.services import periodic_tasks_install_defaults
from sources.models import Source
from tests.factories import MentionFactory, SourceFactory, TrackedTermFactory, UserFactory
from tests.triage.factories import ComplaintFactory
from tracking.models import BackfillJob
from triage.services import queue_item_ensure
from webhooks.models import Delivery, Event
from webhooks.services import endpoint_create

ANONYMOUS = "anonymous"
NO_ROLE = "no role"
MARKETING = roles.MARKETING
PATIENT_EXPERIENCE = roles.PATIENT_EXPERIENCE
REPLY_APPROVER = roles.REPLY_APPROVER
ADMIN = roles.ADMIN
PERSONAS = (ANONYMOUS, NO_ROLE, MARKETING, PATIENT_EXPERIENCE, REPLY_APPROVER, ADMIN)

READERS = (MARKETING, PATIENT_EXPERIENCE, ADMIN)  # mentions.view_mention
QUEUE_WORKERS = (PATIENT_EXPERIENCE, ADMIN)  # the triage and correction permissions
ADMINS = (ADMIN,)

# Namespaces that are not the product's own pages: the Django admin checks is_staff itself; the REST API
# signs in with integration tokens, not sessions, and tests/api checks each token scope and role.
SKIPPED_NAMESPACES = {"admin", "api"}


@dataclass(frozen=True)
class Obj:
    """An argument filled with the primary key of the object of this name from the `objects` fixture."""

    name: str


@dataclass(frozen=True)
class Row:
    url_name: str
    expected: dict[str, int]
    kwargs: dict = field(default_factory=dict)
    method: str = "get"
    data: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        arguments = ",".join(str(v) for v in self.kwargs.values() if not isinstance(v, Obj))
        return f"{self.method.upper()} {self.url_name}" + (f"[{arguments}]" if arguments else "")


def allowed(*roles_allowed: str, status: int = 200, anonymous: int = 302) -> dict[str, int]:
    """`status` for the roles given, 403 for every other signed-in user, `anonymous` (the login redirect)
    for people not signed in."""
    expected = {persona: (status if persona in roles_allowed else 403) for persona in PERSONAS}
    expected[ANONYMOUS] = anonymous
    return expected


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


QUEUE_ACTIONS_OF_WORKERS = ("assign", "transition", "close", "reopen", "harm", "correct", "note")
# The item page's case, link-suggestion and escalation actions.
ITEM_LINK_ACTIONS = ("case-link", "case-unlink", "link-confirm", "link-reject", "escalate")
REPLY_ACTIONS = ("reply-save", "reply-submit", "reply-elsewhere")

MATRIX: list[Row] = [
    # Dashboards and mentions.
    Row("dashboards:overview", allowed(*READERS)),
    Row("dashboards:weekly_summary", allowed(*READERS)),
    Row("dashboards:structure", allowed(*READERS)),
    Row("dashboards:overview_chart_csv", allowed(*READERS), kwargs={"chart": "volume"}),
    Row("mentions:mention_list", allowed(*READERS)),
    # Exports need mentions.export_mentions too; every reader role holds it today.
    *[Row("mentions:mention_export", allowed(*READERS), kwargs={"fmt": fmt}) for fmt in ("csv", "jsonl")],
    Row("mentions:mention_detail", allowed(*READERS), kwargs={"mention_id": Obj("mention")}),
    Row(
        "mentions:mention_correct",
        allowed(*QUEUE_WORKERS, status=302),
        kwargs={"mention_id": Obj("mention")},
        method="post",
        data={"is_complaint": "true", "category": "wait_times", "severity": "medium"},
    ),
    # Clusters.
    Row("clusters:cluster_list", allowed(*READERS)),
    Row("clusters:cluster_page", allowed(*READERS), kwargs={"cluster_id": Obj("cluster")}),
    Row(
        "clusters:cluster_rename",
        allowed(*QUEUE_WORKERS, status=302),
        kwargs={"cluster_id": Obj("cluster")},
        method="post",
        data={"name": "Parking fees"},
    ),
    Row(
        "clusters:cluster_merge",
        allowed(*QUEUE_WORKERS, status=302),
        kwargs={"cluster_id": Obj("cluster")},
        method="post",
    ),
    Row(
        "clusters:cluster_split",
        allowed(*QUEUE_WORKERS, status=302),
        kwargs={"cluster_id": Obj("cluster")},
        method="post",
    ),
    # The classifier.
    Row("enrichment:classifier_overview", allowed(*READERS)),
    Row("enrichment:retag_start", allowed(*ADMINS, status=302), method="post"),
    Row("enrichment:retag_progress", allowed(*READERS), kwargs={"job_id": Obj("retag_job")}),
    # The complaint queue. Actions with empty forms are refused with a message after the permission check,
    # which is all this matrix is about: 302 back to the item.
    Row("triage:queue_list", allowed(*QUEUE_WORKERS)),
    *[Row("triage:queue_export", allowed(*QUEUE_WORKERS), kwargs={"fmt": fmt}) for fmt in ("csv", "jsonl")],
    Row("triage:queue_report", allowed(*QUEUE_WORKERS)),
    Row("triage:queue_item", allowed(*QUEUE_WORKERS), kwargs={"item_id": Obj("queue_item")}),
    Row("triage:queue_bulk", allowed(*QUEUE_WORKERS, status=302), method="post"),
    Row(
        "triage:reply_check",
        allowed(*QUEUE_WORKERS),
        kwargs={"item_id": Obj("queue_item")},
        method="post",
        data={"text": "We are sorry to hear this; please call us."},
    ),
    *[
        Row(
            "triage:queue_item_action",
            allowed(*QUEUE_WORKERS, status=302),
            kwargs={"item_id": Obj("queue_item"), "action": action},
            method="post",
        )
        for action in QUEUE_ACTIONS_OF_WORKERS + REPLY_ACTIONS + ITEM_LINK_ACTIONS
    ],
    # Approving, and posting while approval is on, need the approver's permission besides the queue's:
    # Patient experience alone is refused, Reply approver alone cannot see the queue at all.
    *[
        Row(
            "triage:queue_item_action",
            allowed(*ADMINS, status=302),
            kwargs={"item_id": Obj("queue_item"), "action": action},
            method="post",
        )
        for action in ("reply-approve", "reply-send")
    ],
    # Sources and coverage. A POST that fails its form shows the page again with the errors: 200.
    Row("sources:coverage", allowed(*READERS)),
    Row("sources:source_list", allowed(*ADMINS)),
    Row("sources:source_detail", allowed(*ADMINS), kwargs={"source_id": Obj("source")}),
    Row("sources:source_create", allowed(*ADMINS)),
    Row("sources:source_edit", allowed(*ADMINS), kwargs={"source_id": Obj("source")}, method="post"),
    Row("sources:source_test", allowed(*ADMINS), kwargs={"source_id": Obj("source")}, method="post"),
    # Settings: what is tracked. Form pages are checked with GET; their POSTs go through the same decorators.
    Row("tracking:overview", allowed(*ADMINS)),
    Row("tracking:query_help", allowed(*ADMINS)),
    Row("tracking:term_create", allowed(*ADMINS)),
    Row("tracking:term_preview", allowed(*ADMINS), method="post", data={"text": "Riverside General"}),
    Row("tracking:term_edit", allowed(*ADMINS), kwargs={"pk": Obj("term")}),
    Row("tracking:term_delete", allowed(*ADMINS), kwargs={"pk": Obj("term")}),
    Row(
        "tracking:backfill_start", allowed(*ADMINS, status=302), kwargs={"pk": Obj("hospital")}, method="post"
    ),
    Row("tracking:backfill_progress", allowed(*ADMINS), kwargs={"pk": Obj("backfill_job")}),
    Row("tracking:node_create", allowed(*ADMINS), kwargs={"kind": "hospital"}),
    Row("tracking:node_edit", allowed(*ADMINS), kwargs={"kind": "hospital", "pk": Obj("hospital")}),
    Row("tracking:node_delete", allowed(*ADMINS), kwargs={"kind": "hospital", "pk": Obj("hospital")}),
    # Settings: users and the configuration history.
    Row("administration:user_list", allowed(*ADMINS)),
    Row("administration:user_invite", allowed(*ADMINS)),
    Row("administration:user_edit", allowed(*ADMINS), kwargs={"user_id": Obj("person")}),
    *[
        Row(
            f"administration:{name}",
            allowed(*ADMINS, status=302),
            kwargs={"user_id": Obj("person")},
            method="post",
        )
        for name in ("user_deactivate", "user_reactivate", "user_invite_resend")
    ],
    Row("administration:history", allowed(*ADMINS)),
    # Settings: integration tokens for the REST API.
    Row("integrations:token_list", allowed(*ADMINS)),
    Row("integrations:token_create", allowed(*ADMINS)),
    Row(
        "integrations:token_revoke",
        allowed(*ADMINS, status=302),
        kwargs={"token_id": Obj("integration_token")},
        method="post",
    ),
    # Settings: outbound webhooks. The secret page answers the POST itself (shown once, never redirected).
    Row("schedules:periodic_task_list", allowed(*ADMINS)),
    Row("schedules:periodic_task_edit", allowed(*ADMINS), kwargs={"task_id": Obj("periodic_task")}),
    Row("webhooks:endpoint_list", allowed(*ADMINS)),
    Row("webhooks:endpoint_create", allowed(*ADMINS)),
    Row("webhooks:endpoint_detail", allowed(*ADMINS), kwargs={"endpoint_id": Obj("webhook_endpoint")}),
    Row("webhooks:endpoint_edit", allowed(*ADMINS), kwargs={"endpoint_id": Obj("webhook_endpoint")}),
    *[
        Row(
            f"webhooks:{name}",
            allowed(*ADMINS, status=302),
            kwargs={"endpoint_id": Obj("webhook_endpoint")},
            method="post",
        )
        for name in ("endpoint_enable", "endpoint_disable")
    ],
    Row(
        "webhooks:endpoint_rotate_secret",
        allowed(*ADMINS),
        kwargs={"endpoint_id": Obj("webhook_endpoint")},
        method="post",
    ),
    Row("webhooks:delivery_detail", allowed(*ADMINS), kwargs={"delivery_id": Obj("webhook_delivery")}),
    Row(
        "webhooks:delivery_replay",
        allowed(*ADMINS, status=302),
        kwargs={"delivery_id": Obj("webhook_delivery")},
        method="post",
    ),
    # Public: Meta's Instagram webhook. Signed in or not, a verification without a source's verify token
    # and a notification without the app secret's signature are refused alike (tests/sources has the rest).
    Row("sources:meta_webhook", everyone(403)),
    Row("sources:meta_webhook", everyone(403), method="post", data={"object": "instagram"}),
    # Public: an invitation link checks its own token (this one is not valid, and says so).
    Row("administration:invitation_accept", everyone(200), kwargs={"uidb64": "MQ", "token": "not-a-token"}),
    # Signing in and out.
    Row("login", everyone(200)),
    Row("logout", everyone(302), method="post"),
]


def _url_names(patterns, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"(unnamed: {pattern.pattern})")
    return names


def test_every_url_is_in_the_matrix():
    urls = set(_url_names(get_resolver().url_patterns))
    in_matrix = {row.url_name for row in MATRIX}
    assert sorted(urls - in_matrix) == [], "pages without a row in the permission matrix"
    assert sorted(in_matrix - urls) == [], "rows for pages that no longer exist"


def _role_group(role: str) -> Group:
    if not Group.objects.filter(name=role).exists():
        # A transactional test empties every table; put the roles back as the migrations made them.
        roles.role_groups_sync()
    return Group.objects.get(name=role)


@pytest.fixture
def objects(db, user_with_role):
    """One of everything the URLs take an id of."""
    complaint = ComplaintFactory(text="Waited six hours in the ER")
    periodic_tasks_install_defaults()
    endpoint, _ = endpoint_create(
        user=None, name="CRM", url="https://crm.example.org/hook", events=[Event.STATUS_CHANGED]
    )
    cluster = Cluster.objects.create(
        hospital=complaint.hospital, label="er wait hours", representative=complaint
    )
    return {
        "mention": MentionFactory(hospital=complaint.hospital),
        "cluster": cluster,
        "queue_item": queue_item_ensure(mention=complaint),
        "retag_job": RetagJob.objects.create(),
        "hospital": complaint.hospital,
        "term": TrackedTermFactory(hospital=complaint.hospital, text="Riverside General"),
        "backfill_job": BackfillJob.objects.create(
            hospital=complaint.hospital, status=BackfillJob.Status.DONE
        ),
        "source": SourceFactory(name="Riverside feed", kind=Source.Kind.FEEDS, config={"feeds": []}),
        "person": UserFactory(username="newcomer", email="newcomer@example.org"),
        "webhook_endpoint": endpoint,
        "webhook_delivery": Delivery.objects.create(
            endpoint=endpoint, event=Event.STATUS_CHANGED, payload={}
        ),
        "periodic_task": PeriodicTask.objects.get(name="sources-sync-due"),
        "integration_token": integration_token_create(
            actor=None, name="CRM", role=_role_group(MARKETING), scope="read"
        ).integration,
    }


@pytest.fixture
def client_as(client, user_with_role):
    def sign_in(persona: str):
        if persona != ANONYMOUS:
            client.force_login(user_with_role(None if persona == NO_ROLE else persona))
        return client

    return sign_in


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_each_role_gets_exactly_the_expected_status(row, persona, objects, client_as, settings):
    settings.REPLY_APPROVAL_REQUIRED = True
    kwargs = {key: objects[v.name].pk if isinstance(v, Obj) else v for key, v in row.kwargs.items()}
    url = reverse(row.url_name, kwargs=kwargs)
    client = client_as(persona)
    response = getattr(client, row.method)(url, row.data)
    assert response.status_code == row.expected[persona], f"{persona} {row.method.upper()} {url}"
    if response.status_code == 302 and persona == ANONYMOUS and row.url_name != "logout":
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_with_approval_off_a_drafter_may_post_without_an_approver(objects, client_as, settings):
    settings.REPLY_APPROVAL_REQUIRED = False
    url = reverse("triage:queue_item_action", args=[objects["queue_item"].pk, "reply-send"])
    assert client_as(PATIENT_EXPERIENCE).post(url).status_code == 302


# Actions that answer POST only; a URL that also has a GET row (a webhook) answers both.
POST_ONLY = [
    row
    for row in MATRIX
    if row.method == "post" and not any(r.url_name == row.url_name and r.method == "get" for r in MATRIX)
]


@pytest.mark.parametrize("row", POST_ONLY, ids=lambda row: row.id)
def test_actions_refuse_get(row, objects, client_as):
    kwargs = {key: objects[v.name].pk if isinstance(v, Obj) else v for key, v in row.kwargs.items()}
    assert client_as(ADMIN).get(reverse(row.url_name, kwargs=kwargs)).status_code == 405
