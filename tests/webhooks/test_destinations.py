"""Webhook URLs cannot reach this server's own network (SSRF): refused when saved and when delivering."""

import http.server
import socket
import threading

import pytest
from django.urls import reverse

from administration import roles
from webhooks.destinations import UnsafeDestination, resolve_checked
from webhooks.forms import EndpointForm
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services import endpoint_create, webhook_delivery_send

REAL_GETADDRINFO = socket.getaddrinfo
PUBLIC = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch):
    """dns[name] = [addresses]: what the resolver answers for a name, at the socket.getaddrinfo level.
    Other names (and the IP literals the connection itself passes) go to the real resolver. Each lookup of
    a name set here is counted in dns.lookups."""

    class FakeDns(dict):
        lookups: list[str] = []

    answers = FakeDns()
    answers.lookups = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host not in answers:
            return REAL_GETADDRINFO(host, port, family, type, proto, flags)
        answers.lookups.append(host)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _form(url: str) -> EndpointForm:
    return EndpointForm(data={"name": "CRM", "url": url, "events": [Event.COMPLAINT_NEW]})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.5/", "10.0.0.5 is a private network address"),
        ("http://192.168.1.20:8080/hook", "192.168.1.20 is a private network address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://[fd00::7]/", "fd00::7 is a private network address"),
        ("http://[::ffff:10.1.2.3]/", "a private network address"),
        ("http://0.0.0.0/", "0.0.0.0 is the unspecified address"),
        ("http://224.0.0.251/", "224.0.0.251 is a multicast address"),
        ("ftp://crm.example.org/hooks", "Use an http:// or https:// URL"),
    ],
)
def test_the_form_refuses_an_address_on_the_internal_network(db, url, reason):
    form = _form(url)
    assert not form.is_valid()
    [message] = form.errors["url"]
    assert reason in message
    if not url.startswith("ftp"):
        # It says what to do about it, including the setting for on-premise installs.
        assert "public address" in message and "WEBHOOKS_ALLOW_PRIVATE_NETWORKS" in message


def test_the_form_refuses_a_host_name_that_resolves_to_a_private_address(db, dns):
    dns["crm.internal.example"] = ["10.20.30.40"]
    form = _form("https://crm.internal.example/hooks")
    assert not form.is_valid()
    assert "crm.internal.example resolves to 10.20.30.40, a private network address" in form.errors["url"][0]


def test_one_private_address_among_public_ones_refuses_the_host(db, dns):
    dns["split.example"] = [PUBLIC, "192.168.0.9"]
    assert not _form("https://split.example/").is_valid()
    with pytest.raises(UnsafeDestination, match="192.168.0.9"):
        resolve_checked("split.example", 443)


def test_the_form_accepts_a_public_host_and_a_name_that_does_not_resolve_yet(db, dns):
    dns["crm.example.org"] = [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert _form("https://crm.example.org/hooks").is_valid()
    assert _form("https://not-yet.invalid/hooks").is_valid()


def test_the_setting_lets_an_on_premise_install_post_to_internal_systems(db, dns, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    dns["crm.internal.example"] = ["10.20.30.40"]
    assert _form("http://10.0.0.5/").is_valid()
    assert _form("https://crm.internal.example/hooks").is_valid()
    assert not _form("ftp://crm.internal.example/").is_valid()


def test_the_endpoint_page_shows_the_error_and_saves_nothing(client, user_with_role):
    client.force_login(user_with_role(roles.ADMIN))
    response = client.post(
        reverse("webhooks:endpoint_create"),
        {"name": "Metadata", "url": "http://169.254.169.254/", "events": [Event.COMPLAINT_NEW]},
    )
    assert response.status_code == 400
    assert "169.254.169.254 is a link-local address" in response.content.decode()
    assert not Endpoint.objects.exists()


# --- Delivery time -----------------------------------------------------------------------------------


@pytest.fixture
def loopback_receiver():
    """A real HTTP server on 127.0.0.1 that records the requests it gets: (port, requests)."""
    received: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "host": self.headers["Host"]})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def _deliver(url: str) -> Delivery:
    # Saved through the service, as an endpoint saved before the rule (or before DNS changed) would be.
    endpoint, _ = endpoint_create(user=None, name="CRM", url=url, events=[Event.STATUS_CHANGED])
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=Event.STATUS_CHANGED, payload={"id": "e1", "data": {}}
    )
    webhook_delivery_send(delivery_id=delivery.pk, last_attempt=False)
    delivery.refresh_from_db()
    return delivery


def test_a_host_that_now_resolves_to_loopback_is_never_sent_to(db, dns, loopback_receiver):
    port, received = loopback_receiver
    dns["crm.example.org"] = ["127.0.0.1"]  # Public when saved; rebound to this server since.

    delivery = _deliver(f"http://crm.example.org:{port}/hooks")

    assert received == []
    # Failed for good on the first attempt (no retry raised), with the reason on the attempt.
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 1
    attempt = delivery.attempt_log.get()
    assert not attempt.succeeded and attempt.status_code is None
    assert attempt.error.startswith("Refused: crm.example.org resolves to 127.0.0.1, a loopback address")


def test_the_cloud_metadata_address_is_refused_at_delivery(db):
    delivery = _deliver("http://169.254.169.254/latest/meta-data/")
    assert delivery.status == Delivery.Status.FAILED
    assert "169.254.169.254 is a link-local address" in delivery.attempt_log.get().error


def test_with_the_setting_the_connection_goes_to_the_address_it_checked(db, dns, settings, loopback_receiver):
    """The same receiver, allowed: the request arrives with its own Host, and the name was looked up once,
    so the address checked and the address connected to come from one DNS answer."""
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    port, received = loopback_receiver
    dns["crm.example.org"] = ["127.0.0.1"]

    delivery = _deliver(f"http://crm.example.org:{port}/hooks")

    assert delivery.status == Delivery.Status.SUCCEEDED
    assert received == [{"path": "/hooks", "host": f"crm.example.org:{port}"}]
    assert dns.lookups == ["crm.example.org"]
