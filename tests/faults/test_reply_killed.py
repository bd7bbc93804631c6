"""A reply-sending worker killed after X accepted the reply and before it was recorded: no second reply.

The platform is a fake X on loopback, serving the recorded exchanges of tests/triage/recordings/x/, because
it has to outlive the worker that is killed (see worker_main.py)."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tests.triage.test_reply_sending import X_REPLY, X_TEXT, sending_reply
from triage.models import Reply

from .conftest import wait_for

pytestmark = pytest.mark.faults

RECORDINGS = Path(__file__).resolve().parent.parent / "triage" / "recordings" / "x"


def _body(name: str) -> tuple[int, bytes]:
    response = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))["response"]
    return response["status"], json.dumps(response["body"]).encode()


class FakeX(ThreadingHTTPServer):
    """Accepts a posted reply at once, then holds its answer until released: the window in which the
    worker is killed. Answers the account's timeline with the reply once one was posted."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FakeXHandler)
        self.posts: list[dict] = []
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class FakeXHandler(BaseHTTPRequestHandler):
    server: FakeX

    def do_POST(self):  # noqa: N802 (the http.server API)
        length = int(self.headers.get("Content-Length") or 0)
        self.server.posts.append(json.loads(self.rfile.read(length) or b"{}"))
        self.server.release.wait(timeout=30)
        self._answer(*_body("create_reply"))

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/2/users/me"):
            self._answer(*_body("users_me"))
        elif "/tweets" in self.path:
            self._answer(*_body("users_tweets_with_reply" if self.server.posts else "users_tweets_empty"))
        else:
            self._answer(404, b'{"title": "Not Found"}')

    def _answer(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The worker that asked was killed.

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_x():
    server = FakeX()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def test_a_reply_accepted_by_x_but_not_recorded_is_found_on_x_instead_of_posted_again(processes, fake_x):
    reply = sending_reply(platform="x", text=X_TEXT, author=UserFactory(), approver=UserFactory())
    contacts = {
        "HOSPITAL_CONTACT_PHONE": "555-0100",
        "HOSPITAL_CONTACT_EMAIL": "patientexperience@riverside.example",
        "HOSPITAL_DOMAINS": "riverside.example",
    }
    worker = processes.worker(concurrency=1, main="fake_x", FAKE_X_URL=fake_x.url, **contacts)
    processes.send("triage.reply_send", reply.pk)
    assert wait_for(lambda: fake_x.posts, timeout=45), "the reply was never posted\n" + processes.output()
    reply.refresh_from_db()
    assert (reply.status, reply.attempts, reply.platform_reply_id) == (Reply.Status.SENDING, 1, "")
    # The claim that keeps a second delivery off a running attempt lasts three minutes; move it into the
    # past, as if they had gone by, so the redelivered task may try at once.
    Reply.objects.filter(pk=reply.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    processes.kill_pool_child(worker)
    fake_x.release.set()
    assert wait_for(
        lambda: Reply.objects.filter(pk=reply.pk, status=Reply.Status.SENT).exists(), timeout=45
    ), processes.output()
    reply.refresh_from_db()
    assert len(fake_x.posts) == 1, "the reply was posted twice"
    assert reply.platform_reply_id == X_REPLY
    assert reply.attempts == 2  # The second attempt looked on X and recorded what it found.
