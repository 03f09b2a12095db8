"""Chat robots under abuse and faults: an endpoint dripping its answer is cut off at a
wall-clock deadline and holds up neither the other posts nor the mail outbox; each result is
recorded as soon as it is known (a crash mid-batch sends nothing twice); at most 20 posts per
robot a minute, the rest waiting in the queue; and no robot reaches into the private network
unless the operator allows it."""
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from learnclub import jobs
from learnclub.config import Config
from learnclub.domain.errors import DomainError
from learnclub.domain.reach import chat_hooks, chat_posts, outbox
from learnclub.models import ChatHook, OutboxMessage
from learnclub.outbound import chat, robot_http
from tests.factories import make_cohort, make_user

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BASE = "https://learn.example.org"
LOCAL = {"CHAT_TIMEOUT": 5, "CHAT_ALLOW_PRIVATE": True}  #: posting to the loopback receiver
PUBLIC = {"CHAT_TIMEOUT": 5}  #: the default: private addresses refused


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True), slug="lab")


def hook(cohort, url, kind="generic", allow_private=True):
    return chat_hooks.add_hook(cohort, actor=cohort.created_by, kind=kind, label="学员群",
                               url=url, secret="", events=["case_published"], now=NOW,
                               allow_private=allow_private)


def queue_test_post(h):
    return chat_hooks.send_test_post(h, actor=h.cohort.created_by, now=NOW, base_url=BASE)


def row(message):
    return OutboxMessage.get_by_id(message.id)


# A dripping endpoint --------------------------------------------------------------------------

class Dripper:
    """A robot endpoint on loopback that reads the request, then answers one byte per 0.2 s."""

    ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\n"
              b"\r\n{\"errcode\":0,\"errmsg\":\"ok\"}")

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, path="/drip"):
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self):
        self.server.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _addr = self.server.accept()
            except OSError:
                continue
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn):
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                for byte in self.ANSWER:
                    if self.stop.wait(0.2):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the sender gave up, as it should

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture
def dripper():
    running = Dripper()
    yield running
    running.close()


def test_run_due_dripping_endpoint_is_cut_off_at_the_deadline_and_mail_still_goes(
        app, cohort, dripper):
    post = queue_test_post(hook(cohort, dripper.url()))
    outbox.enqueue_mail("mail:faults:1", to_addr="a@example.org", subject="主题", body="正文",
                        now=NOW)
    settings = dict(app.config, MAIL_URL="", CHAT_TIMEOUT=1, CHAT_ALLOW_PRIVATE=True)

    started = time.monotonic()
    results = jobs.run_due(settings, now=NOW)
    took = time.monotonic() - started

    mail = OutboxMessage.get(OutboxMessage.key == "mail:faults:1")
    assert took < 1 + 3  # the headers alone would take 20 s
    assert results["send_posts"] == (0, 1)
    assert (row(post).sent_at, row(post).last_error) == (None, "no answer within 1 s")
    assert (results["send_outbox"], mail.sent_at) == ((1, 0), NOW)


def test_run_due_mail_outbox_runs_even_if_chat_delivery_breaks(app, cohort, monkeypatch):
    outbox.enqueue_mail("mail:faults:2", to_addr="a@example.org", subject="主题", body="正文",
                        now=NOW)

    def broken(settings, *, now):
        raise RuntimeError("chat delivery broke")

    monkeypatch.setitem(jobs.JOBS, "post_guest_week", (broken, 300))
    monkeypatch.setitem(jobs.JOBS, "send_posts", (broken, 15))
    with pytest.raises(RuntimeError, match="chat delivery broke"):
        jobs.run_due(dict(app.config, MAIL_URL=""), now=NOW)

    assert OutboxMessage.get(OutboxMessage.key == "mail:faults:2").sent_at == NOW


class Crash(BaseException):
    """The process dying mid-batch (not an error a delivery would catch)."""


def test_send_posts_result_recorded_as_soon_as_known_so_a_crash_sends_nothing_twice(
        cohort, receiver, monkeypatch):
    fine = queue_test_post(hook(cohort, receiver.url("/ok")))
    doomed = queue_test_post(hook(cohort, receiver.url("/doomed")))
    real_deliver = chat.deliver

    def crashing(message, **kwargs):
        if message.hook.url.endswith("/doomed"):
            time.sleep(0.5)  # the other delivery has long finished
            raise Crash
        return real_deliver(message, **kwargs)

    monkeypatch.setattr(chat, "deliver", crashing)
    with pytest.raises(Crash):
        jobs.send_posts(LOCAL, now=NOW)
    marked = row(fine).sent_at
    monkeypatch.setattr(chat, "deliver", real_deliver)
    after_restart = jobs.send_posts(LOCAL, now=NOW + outbox.CLAIM_FOR + timedelta(seconds=1))

    assert marked == NOW
    assert after_restart == (1, 0)
    assert receiver.deliveries() == {fine.key: 1, doomed.key: 1}


# Rate limit -----------------------------------------------------------------------------------

def test_send_posts_at_most_20_a_minute_per_robot_the_rest_wait_queued(cohort, receiver):
    busy = hook(cohort, receiver.url("/busy"), kind="wecom")
    queued = [queue_test_post(busy) for _ in range(25)]
    other = queue_test_post(hook(cohort, receiver.url("/other"), kind="dingtalk"))

    first = jobs.send_posts(LOCAL, now=NOW)
    waiting = [(r.attempts, r.sent_at, r.last_error) for r in map(row, queued[20:])]
    too_soon = jobs.send_posts(LOCAL, now=NOW + timedelta(seconds=59))
    later = jobs.send_posts(LOCAL, now=NOW + timedelta(seconds=61))

    assert (first, too_soon, later) == ((21, 0), (0, 0), (5, 0))
    assert waiting == [(0, None, "")] * 5
    assert [len(receiver.to(p)) for p in ("/busy", "/other")] == [25, 1]
    assert row(other).sent_at == NOW
    assert [row(m).sent_at for m in queued] == [NOW] * 20 + [NOW + timedelta(seconds=61)] * 5


def test_send_posts_rate_limit_counts_a_rolling_minute(cohort, receiver):
    busy = hook(cohort, receiver.url("/busy"), kind="dingtalk")
    for _ in range(10):
        queue_test_post(busy)
    jobs.send_posts(LOCAL, now=NOW)
    for _ in range(15):
        queue_test_post(busy)

    half_minute = jobs.send_posts(LOCAL, now=NOW + timedelta(seconds=30))
    minute_on = jobs.send_posts(LOCAL, now=NOW + timedelta(seconds=61))

    assert (half_minute, minute_on) == ((10, 0), (5, 0))
    assert chat_posts.POSTS_PER_MINUTE == 20


# Private network ------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_send_posts_to_loopback_is_refused_without_the_setting(cohort, receiver, host):
    url = receiver.url("/internal").replace("127.0.0.1", host)
    post = queue_test_post(ChatHook.create(cohort=cohort, kind="generic", label="旧", url=url,
                                           secret="", events="", created_at=NOW))

    result = jobs.send_posts(PUBLIC, now=NOW)

    assert result == (0, 1)
    assert receiver.requests == []
    assert row(post).last_error == "refused: the address is in a private network"


def fake_dns(monkeypatch, answers):
    """getaddrinfo as the robot's outbound module sees it: name -> addresses."""
    real = socket.getaddrinfo

    def lookup(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6,
                     "", (ip, port)) for ip in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(robot_http.socket, "getaddrinfo", lookup)


@pytest.mark.parametrize("addresses", [["169.254.169.254"], ["93.184.215.14", "10.0.0.8"],
                                       ["::ffff:127.0.0.1"], ["100.64.0.1"], ["0.0.0.0"],
                                       ["224.0.0.1"], ["fd00::1"]])
def test_send_posts_name_resolving_to_any_private_address_is_refused(cohort, monkeypatch,
                                                                     addresses):
    fake_dns(monkeypatch, {"robot.example.org": addresses})
    post = queue_test_post(hook(cohort, "http://robot.example.org/hook", allow_private=False))

    result = jobs.send_posts(PUBLIC, now=NOW)

    assert result == (0, 1)
    assert row(post).last_error == "refused: the address is in a private network"


def test_send_posts_connects_to_the_address_it_checked(cohort, receiver, monkeypatch):
    fake_dns(monkeypatch, {"robot.example.test": ["127.0.0.1"]})
    url = receiver.url("/checked").replace("127.0.0.1", "robot.example.test")
    queue_test_post(hook(cohort, url))

    result = jobs.send_posts(LOCAL, now=NOW)

    [request] = receiver.requests
    assert result == (1, 0)
    assert request.headers["Host"] == f"robot.example.test:{receiver.port}"


def test_send_posts_log_keeps_only_the_status_and_a_short_reason(cohort, receiver):
    refused = queue_test_post(hook(cohort, receiver.url("/huge")))
    errcode = queue_test_post(hook(cohort, receiver.url("/errcode"), kind="wecom"))

    jobs.send_posts(LOCAL, now=NOW)

    assert row(refused).last_error == "HTTP 500 Internal Server Error"
    assert row(errcode).last_error == "HTTP 200, errcode 310000: keywords not in content"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook",
                                 "https://api.localhost/hook", "http://[::1]/hook",
                                 "http://10.1.2.3/hook", "http://192.168.0.10/send",
                                 "http://169.254.169.254/latest/meta-data/",
                                 "http://0.0.0.0:5000/"])
def test_add_hook_private_address_is_refused_on_the_url_field(cohort, url):
    with pytest.raises(DomainError) as raised:
        hook(cohort, url, allow_private=False)

    assert raised.value.field == "url"
    assert "private network" in str(raised.value)
    assert ChatHook.select().count() == 0


def test_add_hook_private_address_allowed_by_the_operator_is_saved(cohort):
    saved = hook(cohort, "http://10.1.2.3/hook", allow_private=True)

    assert ChatHook.get_by_id(saved.id).url == "http://10.1.2.3/hook"


def test_update_hook_to_a_private_address_changes_nothing(cohort):
    saved = hook(cohort, "https://oapi.dingtalk.com/robot/send?access_token=t", kind="dingtalk",
                 allow_private=False)

    with pytest.raises(DomainError):
        chat_hooks.update_hook(saved, actor=cohort.created_by, kind="dingtalk", label="群",
                               url="http://127.0.0.1/x", secret=None,
                               events=["case_published"], now=NOW)

    assert ChatHook.get_by_id(saved.id).url == "https://oapi.dingtalk.com/robot/send?access_token=t"


def test_robot_form_refuses_a_private_address_with_a_message(app, client, login_as):
    host = login_as(make_user(can_host=True))
    lab = make_cohort(host=host, slug="lab2")
    app.config["CHAT_ALLOW_PRIVATE"] = False

    response = client.post(f"/c/{lab.slug}/integrations/new", data={
        "kind": "wecom", "label": "群", "url": "http://127.0.0.1:9000/hook",
        "events": ["case_published"]})

    assert response.status_code == 200
    assert ("The webhook address points into a private network (this machine or the local "
            "network): a chat robot must be reachable on the internet.") in response.get_data(
                as_text=True)
    assert ChatHook.select().count() == 0


@pytest.mark.parametrize(("value", "allowed"), [("1", True), ("", False), ("0", False)])
def test_chat_allow_private_comes_from_the_environment(monkeypatch, tmp_path, value, allowed):
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNCLUB_CHAT_ALLOW_PRIVATE", value)

    assert Config().CHAT_ALLOW_PRIVATE is allowed
