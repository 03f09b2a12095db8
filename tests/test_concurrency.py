"""Rules that must hold when several hosts, senders or processes act at the same moment."""
import ast
import os
import re
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from learnclub import jobs
from learnclub.db import db
from learnclub.domain.accounts import limits
from learnclub.domain.accounts.auth import authenticate
from learnclub.domain.cohorts.admission import decide_application
from learnclub.domain.errors import Conflict, DomainError, Throttled
from learnclub.domain.reach.outbox import enqueue_mail
from learnclub.models import Application, Membership, OutboxMessage
from tests.factories import PASSWORD, make_application, make_cohort, make_user

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
MAIL_FROM = "learnclub <noreply@example.org>"
LEARNCLUB = Path(sys.executable).with_name("learnclub")


def run_together(*calls):
    """Run each call in its own thread and connection, all released at once by a barrier.

    Returns one ("ok", value) or ("error", exception) per call, in order.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            with db.connection_context():
                barrier.wait(timeout=30)
                results[i] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the test looks at every outcome
            results[i] = ("error", exc)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.envelopes.append(envelope)
        return "250 OK"

    @property
    def recipients(self):
        return sorted(rcpt for envelope in self.envelopes for rcpt in envelope.rcpt_tos)


@pytest.fixture
def smtp():
    """A real SMTP server on loopback; yields its handler with `settings` for send_outbox."""
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp+plain://127.0.0.1:{port}"
    handler.settings = {"MAIL_URL": handler.url, "MAIL_FROM": MAIL_FROM}
    yield handler
    controller.stop()


# Capacity -----------------------------------------------------------------------------------

def test_decide_application_concurrent_admits_hold_capacity(app):
    host = make_user(can_host=True)
    cohort = make_cohort(host=host, capacity=5)
    applications = [make_application(cohort) for _ in range(20)]

    results = run_together(*[
        (lambda a=a: decide_application(a, "admitted", actor=host, now=NOW))
        for a in applications])

    errors = [value for kind, value in results if kind == "error"]
    assert [kind for kind, _ in results].count("ok") == 5
    assert [type(e) for e in errors] == [Conflict] * 15
    assert Membership.active_learners(cohort).count() == 5
    assert Application.select().where(Application.status == "admitted").count() == 5
    assert Application.select().where(Application.status == "submitted").count() == 15


# Outbox -------------------------------------------------------------------------------------

def _enqueue(n, *, subject="欢迎加入社群实验室", body="你好!"):
    for i in range(n):
        enqueue_mail(f"test:{i}", to_addr=f"learner{i}@example.org", subject=subject,
                     body=body, now=NOW)
    return sorted(f"learner{i}@example.org" for i in range(n))


def _outbox():
    rows = OutboxMessage.select().order_by(OutboxMessage.id)
    return [(m.key, m.attempts, m.sent_at) for m in rows]


def test_send_outbox_two_threads_send_each_once(app, smtp):
    expected = _enqueue(30)

    results = run_together(lambda: jobs.send_outbox(smtp.settings, now=NOW),
                           lambda: jobs.send_outbox(smtp.settings, now=NOW))

    sent = [value for _, value in results]
    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert sum(s for s, _ in sent) == 30
    assert sum(f for _, f in sent) == 0
    assert smtp.recipients == expected
    assert _outbox() == [(f"test:{i}", 1, NOW) for i in range(30)]


def problems(stderr):
    """The lines of a command's log (learnclub.logs' plain format) that are not INFO: the
    job summaries and mail lines are fine, a warning, an error or a traceback is not."""
    return [line for line in stderr.splitlines()
            if not re.match(r"^\S+ (DEBUG|INFO) ", line)]


def _run_due_processes(database_url, smtp, tmp_path):
    env = dict(os.environ, LEARNCLUB_DATABASE_URL=database_url, LEARNCLUB_MAIL_URL=smtp.url,
               LEARNCLUB_MAIL_FROM=MAIL_FROM, LEARNCLUB_INSTANCE_DIR=str(tmp_path),
               LEARNCLUB_CONTENT_DIR=str(tmp_path / "content"))
    processes = [subprocess.Popen([str(LEARNCLUB), "jobs", "run-due", "--now", NOW.isoformat()],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in processes]
    return [(p.returncode, out, err) for p, (out, err) in zip(processes, outputs, strict=True)]


def test_send_outbox_two_processes_send_each_once(app, database_url, smtp, tmp_path):
    expected = _enqueue(30)

    outcomes = _run_due_processes(database_url, smtp, tmp_path)

    sent = [ast.literal_eval(re.search(r"^send_outbox: (.*)$", out, re.M).group(1))
            for _, out, _ in outcomes]
    assert [(code, problems(err)) for code, _, err in outcomes] == [(0, []), (0, [])]
    assert (sum(s for s, _ in sent), sum(f for _, f in sent)) == (30, 0)
    assert smtp.recipients == expected
    assert _outbox() == [(f"test:{i}", 1, NOW) for i in range(30)]


# SMTP details -------------------------------------------------------------------------------

def test_send_outbox_chinese_mail_arrives_intact(app, smtp):
    body = "你好,小王:\n\n第 9 期嘉宾分享《从一个群到一张网》周日 20:00 开始。\n不在多而在分享。"
    _enqueue(1, subject="第9期嘉宾分享:小区生鲜团购", body=body)

    jobs.send_outbox(smtp.settings, now=NOW)

    mail = message_from_bytes(smtp.envelopes[0].content, policy=policy.default)
    assert len(smtp.envelopes) == 1
    assert str(mail["Subject"]) == "第9期嘉宾分享:小区生鲜团购"
    assert mail.get_content().replace("\r\n", "\n") == body + "\n"
    assert str(mail["To"]) == "learner0@example.org"
    assert str(mail["From"]) == MAIL_FROM


def test_send_outbox_server_down_schedules_retry(app):
    settings = {"MAIL_URL": f"smtp+plain://127.0.0.1:{_free_port()}", "MAIL_FROM": MAIL_FROM}
    _enqueue(1)

    result = jobs.send_outbox(settings, now=NOW)

    message = OutboxMessage.get()
    assert result == (0, 1)
    assert (message.attempts, message.sent_at, message.claimed_until) == (1, None, None)
    assert message.last_error != ""
    assert message.next_attempt_at > NOW


def test_send_outbox_before_retry_time_does_not_retry(app, smtp):
    down = {"MAIL_URL": f"smtp+plain://127.0.0.1:{_free_port()}", "MAIL_FROM": MAIL_FROM}
    _enqueue(1)
    jobs.send_outbox(down, now=NOW)
    retry_at = OutboxMessage.get().next_attempt_at

    result = jobs.send_outbox(smtp.settings, now=retry_at - timedelta(seconds=1))

    assert result == (0, 0)
    assert smtp.envelopes == []
    assert OutboxMessage.get().attempts == 1


def test_send_outbox_after_retry_time_sends(app, smtp):
    down = {"MAIL_URL": f"smtp+plain://127.0.0.1:{_free_port()}", "MAIL_FROM": MAIL_FROM}
    _enqueue(1)
    jobs.send_outbox(down, now=NOW)
    retry_at = OutboxMessage.get().next_attempt_at

    result = jobs.send_outbox(smtp.settings, now=retry_at)

    message = OutboxMessage.get()
    assert result == (1, 0)
    assert smtp.recipients == ["learner0@example.org"]
    assert (message.attempts, message.sent_at, message.last_error) == (2, retry_at, "")


# Login throttling ---------------------------------------------------------------------------

def _fail_logins(email, times, *, ip):
    """Wrong passwords, each refused as wrong (not throttled); returns how many were refused."""
    refused = 0
    for _ in range(times):
        try:
            authenticate(email, "not the password", ip=ip, now=NOW)
        except Throttled:
            raise
        except DomainError:
            refused += 1
    return refused


def test_authenticate_after_failures_elsewhere_is_throttled(app):
    user = make_user()
    [(kind, refused)] = run_together(lambda: _fail_logins(user.email, 5, ip="203.0.113.7"))

    [(kind_after, error)] = run_together(
        lambda: authenticate(user.email, PASSWORD, ip="203.0.113.7", now=NOW))

    assert (kind, refused) == ("ok", 5)
    assert (kind_after, type(error)) == ("error", Throttled)


def _fail_from_one_address(email, ip, total):
    """5 wrong passwords for `email`, then failed sign-ins of other accounts up to `total`
    from `ip` (counted as the sign-in counts them, without checking a password)."""
    refused = _fail_logins(email, 5, ip=ip)
    for i in range(total - refused):
        limits.begin_sign_in(f"stranger{i}@example.org", ip, now=NOW, tr=lambda text: text)


def test_authenticate_other_email_same_ip_allowed_below_ip_limit(app):
    user, other = make_user(), make_user()
    arranged = run_together(
        lambda: _fail_from_one_address(user.email, "203.0.113.7", limits.ADDRESS_LIMIT - 1))

    [(kind, value)] = run_together(
        lambda: authenticate(other.email, PASSWORD, ip="203.0.113.7", now=NOW))

    assert arranged == [("ok", None)]
    assert (kind, value.id) == ("ok", other.id)


def test_address_over_its_limit_still_lets_another_account_in_with_its_password(app):
    """The per-address limit refuses wrong passwords only (issue: one address behind a NAT
    must not lock everyone out)."""
    user, other = make_user(), make_user()
    arranged = run_together(
        lambda: _fail_from_one_address(user.email, "203.0.113.7", limits.ADDRESS_LIMIT))

    [(kind, value)] = run_together(
        lambda: authenticate(other.email, PASSWORD, ip="203.0.113.7", now=NOW))
    [(kind_wrong, error)] = run_together(
        lambda: authenticate(other.email, "not the password", ip="203.0.113.7", now=NOW))

    assert arranged == [("ok", None)]
    assert (kind, value.id) == ("ok", other.id)
    assert (kind_wrong, type(error)) == ("error", Throttled)
