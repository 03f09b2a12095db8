"""Sending chat-group posts to real HTTP endpoints on loopback: each platform's body and
signature as its docs describe, failures retried with backoff, a hanging endpoint holding up
nobody, and every post delivered once even with two senders at once."""
import base64
import hashlib
import hmac
import json
import socket
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from learnclub import jobs
from learnclub.config import Config
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.reach import chat_hooks, chat_posts, queries
from learnclub.models import OutboxMessage
from tests.factories import make_case, make_cohort, make_user
from tests.test_concurrency import run_together

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PUBLISH = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
BASE = "https://learn.example.org"
#: the robots in these tests listen on loopback: the operator allows private addresses
SETTINGS = {"CHAT_TIMEOUT": 5, "CHAT_ALLOW_PRIVATE": True}


@pytest.fixture(params=["zh_Hans_CN", "en"])
def cohort(request, app):
    return make_cohort(host=make_user(can_host=True), slug="lab", language=request.param)


def hook(cohort, url, kind="generic", secret="", events=("case_published",)):
    return chat_hooks.add_hook(cohort, actor=cohort.created_by, kind=kind, label="学员群",
                               url=url, secret=secret, events=list(events), now=NOW,
                               allow_private=True)


def test_post(h):
    return chat_hooks.send_test_post(h, actor=h.cohort.created_by, now=NOW, base_url=BASE)


test_post.__test__ = False  # a helper, not a test


def case_posts(cohort):
    """Queue the "new case" post for the cohort's robots; returns the posts, oldest first."""
    case = make_case(cohort, publish_at=PUBLISH, title="小区生鲜团购 [第1期] <b>")
    slot = next(s for s in schedule_of(cohort) if s.case.id == case.id)
    chat_posts.post_case_published(case, slot=slot, now=NOW, base_url=BASE)
    return list(OutboxMessage.select().order_by(OutboxMessage.id))


def state(message):
    row = OutboxMessage.get_by_id(message.id)
    return (row.attempts, row.sent_at, row.claimed_until, row.last_error, row.next_attempt_at)


def sign_of(key, message):
    return hmac.new(key.encode(), message, hashlib.sha256)


# Bodies and signatures ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["wecom", "feishu", "dingtalk", "generic"])
def test_send_posts_unsigned_body_arrives_exactly_as_stored(cohort, receiver, kind):
    hook(cohort, receiver.url(f"/{kind}?key=abc"), kind=kind)
    [post] = case_posts(cohort)

    result = jobs.send_posts(SETTINGS, now=NOW)

    [request] = receiver.requests
    assert result == (1, 0)
    assert (request.method, request.path, request.body) == (
        "POST", f"/{kind}?key=abc", post.body.encode())
    assert request.json["msgtype" if kind in ("wecom", "dingtalk") else
                        "msg_type" if kind == "feishu" else "event"] == {
        "wecom": "markdown", "dingtalk": "markdown", "feishu": "post",
        "generic": "case_published"}[kind]
    assert state(post) == (1, NOW, None, "", NOW)


def test_send_posts_feishu_signs_body_with_timestamp_and_sign(cohort, receiver):
    hook(cohort, receiver.url("/feishu"), kind="feishu", secret="feishu-secret")
    [post] = case_posts(cohort)

    jobs.send_posts(SETTINGS, now=NOW)

    received = receiver.requests[0].json
    timestamp = received["timestamp"]
    # Feishu: HMAC-SHA256 keyed with "timestamp\nsecret" over an empty message, base64
    expected = base64.b64encode(sign_of(f"{timestamp}\nfeishu-secret", b"").digest()).decode()
    assert timestamp.isdigit()
    assert received == dict(json.loads(post.body), timestamp=timestamp, sign=expected)


@pytest.mark.parametrize(("path", "joiner"), [("/robot/send?access_token=t0k", "&"),
                                              ("/robot/send", "?")])
def test_send_posts_dingtalk_signs_the_address(cohort, receiver, path, joiner):
    hook(cohort, receiver.url(path), kind="dingtalk", secret="SEC-ding")
    [post] = case_posts(cohort)

    jobs.send_posts(SETTINGS, now=NOW)

    [request] = receiver.requests
    stamp = parse_qs(urlsplit(request.path).query)["timestamp"][0]
    # DingTalk: HMAC-SHA256 keyed with the secret over "timestamp\nsecret", base64, URL-quoted
    digest = base64.b64encode(sign_of("SEC-ding", f"{stamp}\nSEC-ding".encode()).digest())
    assert request.path == f"{path}{joiner}timestamp={stamp}&sign={quote(digest, safe='')}"
    assert len(stamp) == 13  # milliseconds
    assert request.body == post.body.encode()


def test_send_posts_generic_signs_timestamp_and_raw_body(cohort, receiver):
    hook(cohort, receiver.url("/generic"), secret="generic-secret")
    [post] = case_posts(cohort)

    jobs.send_posts(SETTINGS, now=NOW)

    [request] = receiver.requests
    stamp = request.headers["X-Learnclub-Timestamp"]
    signature = sign_of("generic-secret", f"{stamp}.".encode() + request.body).hexdigest()
    assert request.body == post.body.encode()
    assert {k: v for k, v in request.headers.items() if k.startswith(("X-", "Content-T"))} == {
        "Content-Type": "application/json", "X-Learnclub-Event": "case_published",
        "X-Learnclub-Delivery": post.key, "X-Learnclub-Timestamp": stamp,
        "X-Learnclub-Signature": f"sha256={signature}"}


def test_send_posts_generic_without_secret_sends_no_signature(cohort, receiver):
    [post] = [test_post(hook(cohort, receiver.url("/generic")))]

    jobs.send_posts(SETTINGS, now=NOW)

    headers = receiver.requests[0].headers
    assert {k: v for k, v in headers.items() if k.startswith("X-")} == {
        "X-Learnclub-Event": "test", "X-Learnclub-Delivery": post.key}


# Failures and retries -------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "path", "error"), [
    ("wecom", "/errcode", "HTTP 200, errcode 310000: keywords not in content"),
    ("dingtalk", "/errcode", "HTTP 200, errcode 310000: keywords not in content"),
    ("feishu", "/feishu-refuses", "HTTP 200, code 19021: sign match fail"),
    ("wecom", "/fail", "HTTP 500 Internal Server Error"),
    ("generic", "/huge", "HTTP 500 Internal Server Error"),
])
def test_send_posts_refused_is_retried_later_with_backoff(cohort, receiver, kind, path,
                                                         error):
    post = test_post(hook(cohort, receiver.url(path), kind=kind))

    first = jobs.send_posts(SETTINGS, now=NOW)
    retry_at = NOW + timedelta(minutes=1)
    early = jobs.send_posts(SETTINGS, now=retry_at - timedelta(seconds=1))
    after_early = state(post)
    second = jobs.send_posts(SETTINGS, now=retry_at)

    assert (first, early, second) == ((0, 1), (0, 0), (0, 1))
    assert after_early == (1, None, None, error, retry_at)
    assert state(post) == (2, None, None, error, retry_at + timedelta(minutes=2))
    assert len(receiver.to(path)) == 2
    assert queries.delivery_state(OutboxMessage.get_by_id(post.id)) == "retrying"


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_send_posts_nobody_listening_is_retried(cohort):
    post = test_post(hook(cohort, f"http://127.0.0.1:{_closed_port()}/hook"))

    result = jobs.send_posts(SETTINGS, now=NOW)

    assert result == (0, 1)
    assert state(post) == (1, None, None, "could not connect (ConnectionRefusedError)",
                           NOW + timedelta(minutes=1))


def test_send_posts_hanging_endpoint_holds_up_nobody(cohort, receiver):
    hanging = test_post(hook(cohort, receiver.url("/hang")))
    failing = test_post(hook(cohort, receiver.url("/fail")))
    fine = test_post(hook(cohort, receiver.url("/ok")))

    result = jobs.send_posts(dict(SETTINGS, CHAT_TIMEOUT=1), now=NOW)

    still_hanging = not receiver.release.is_set()
    receiver.release.set()
    retry_at = NOW + timedelta(minutes=1)
    assert still_hanging
    assert result == (1, 2)
    assert [len(receiver.to(p)) for p in ("/hang", "/fail", "/ok")] == [1, 1, 1]
    assert state(fine) == (1, NOW, None, "", NOW)
    assert state(failing) == (1, None, None, "HTTP 500 Internal Server Error", retry_at)
    assert state(hanging) == (1, None, None, "no answer within 1 s", retry_at)


def test_send_posts_hook_deleted_after_queueing_sends_nothing(cohort, receiver):
    h = hook(cohort, receiver.url("/ok"))
    test_post(h)
    chat_hooks.delete_hook(h, actor=cohort.created_by, now=NOW)

    assert jobs.send_posts(SETTINGS, now=NOW) == (0, 0)
    assert receiver.requests == []


# Once only ------------------------------------------------------------------------------------

def test_send_posts_two_senders_at_once_deliver_each_post_once(app, receiver):
    cohort = make_cohort(host=make_user(can_host=True), slug="lab")
    hooks = [hook(cohort, receiver.url(f"/ok{i}")) for i in range(4)]
    posts = [test_post(h) for h in hooks for _ in range(5)]

    results = run_together(lambda: jobs.send_posts(SETTINGS, now=NOW),
                           lambda: jobs.send_posts(SETTINGS, now=NOW))

    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert sum(sent for _, (sent, _failed) in results) == 20
    assert receiver.deliveries() == {p.key: 1 for p in posts}
    assert [state(p)[:2] for p in posts] == [(1, NOW)] * 20


# Configuration --------------------------------------------------------------------------------

def test_chat_timeout_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNCLUB_CHAT_TIMEOUT", "2.5")

    assert Config().CHAT_TIMEOUT == 2.5


@pytest.mark.parametrize("value", ["0", "-1", "61", "ten", "nan", ""])
def test_chat_timeout_not_a_sensible_number_fails_at_start(monkeypatch, tmp_path, value):
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNCLUB_CHAT_TIMEOUT", value)

    with pytest.raises(ValueError, match="LEARNCLUB_CHAT_TIMEOUT"):
        Config()
