"""What the scheduler does about cases: announce each new case once to every active member,
warn hosts when the queue runs dry, and stay exactly-once with two schedulers at once."""
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from learnclub import jobs
from learnclub.domain.cases.editing import create_case
from learnclub.models import Case, OutboxMessage, User
from tests.factories import make_application, make_cohort, make_member, make_user
from tests.test_concurrency import MAIL_FROM, problems, smtp  # noqa: F401 - real SMTP server

LEARNCLUB = Path(sys.executable).with_name("learnclub")
#: 20:00 in Shanghai; homework is due 72 h later, 2026-12-06 20:00 Shanghai
PUBLISH = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ARRANGED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TITLE = "小区生鲜团购:从一个群到一张网"
PROMPT = "如果你来做这个小区的社群,第一周你会做哪三件事?"


@pytest.fixture
def settings(app):
    return dict(app.config, MAIL_URL="")


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")


@pytest.fixture
def people(cohort):
    """Everyone around the cohort: who should hear of a case, and who should not."""
    return {
        "host": cohort.created_by,
        "assistant": make_member(cohort, make_user(locale="en"), role="assistant"),
        "learner_en": make_member(cohort, make_user(locale="en")),
        "learner_zh": make_member(cohort, make_user(locale="zh_Hans_CN")),
        "removed": make_member(cohort, make_user(locale="en"), status="removed"),
        "applicant": make_application(cohort, make_user(locale="en")).user,
    }


def publish_case(cohort, publish_at=PUBLISH, **values):
    fields = {"title": TITLE, "body_md": "正文", "homework_prompt": PROMPT,
              "publish_at": publish_at}
    fields.update(values)
    return create_case(cohort, fields, actor=None, now=ARRANGED)


def mails(prefix):
    """{key: (to, subject, body)} of outbox messages whose key starts with `prefix`."""
    rows = OutboxMessage.select().where(OutboxMessage.key.startswith(prefix))
    return {m.key: (m.to_addr, m.subject, m.body) for m in rows.order_by(OutboxMessage.id)}


# Announcing a case --------------------------------------------------------------------------

def test_run_due_after_publish_announces_once_per_active_member(settings, cohort, people):
    case = publish_case(cohort)
    now = PUBLISH + timedelta(minutes=1)

    jobs.run_due(settings, now=now)

    sent = mails(f"case:{case.id}:")
    expected = {f"case:{case.id}:announce:member:{people[who].id}": people[who].email
                for who in ("host", "assistant", "learner_en", "learner_zh")}
    assert {key: to for key, (to, _subject, _body) in sent.items()} == expected
    assert Case.get_by_id(case.id).announced_at == now


def test_run_due_announcement_in_each_members_language(settings, cohort, people):
    case = publish_case(cohort)

    jobs.run_due(settings, now=PUBLISH + timedelta(minutes=1))

    sent = mails(f"case:{case.id}:")
    _to, subject_en, body_en = sent[f"case:{case.id}:announce:member:{people['learner_en'].id}"]
    _to, subject_zh, body_zh = sent[f"case:{case.id}:announce:member:{people['learner_zh'].id}"]
    assert subject_en == f"New case: {TITLE}"
    assert body_en == (f"A new case is out in 社群实验室:\n\n{TITLE}\n\n"
                       f"Read it: http://localhost/c/lab/cases/{case.id}\n\n"
                       f"Homework:\n{PROMPT}\n\n"
                       "Due: Sun 6 Dec, 20:00 (Beijing time)\n\n— learnclub")
    assert subject_zh == f"新案例：{TITLE}"
    lines = body_zh.splitlines()
    assert [line for line in lines if line in (TITLE, PROMPT)] == [TITLE, PROMPT]
    assert [line for line in lines if line.startswith("截止时间")] == [
        "截止时间：12月6日 周日 20:00（北京时间）"]


def test_run_due_rerun_sends_nothing_new(settings, cohort, people):
    case = publish_case(cohort)
    first = PUBLISH + timedelta(minutes=1)
    jobs.run_due(settings, now=first)
    before = [(m.key, m.created_at) for m in OutboxMessage.select().order_by(OutboxMessage.id)]

    results = jobs.run_due(settings, now=first + timedelta(hours=1))

    assert results["announce_cases"] == 0
    assert [(m.key, m.created_at) for m in OutboxMessage.select().order_by(OutboxMessage.id)] \
        == before
    assert Case.get_by_id(case.id).announced_at == first


def test_run_due_homework_already_closed_marks_announced_without_mail(settings, cohort, people):
    case = publish_case(cohort)
    late = PUBLISH + timedelta(hours=73)  # due was PUBLISH + 72 h

    results = jobs.run_due(settings, now=late)

    assert results["announce_cases"] == 0
    assert mails(f"case:{case.id}:") == {}
    assert Case.get_by_id(case.id).announced_at == late


def test_run_due_before_publish_sends_nothing(settings, cohort, people):
    case = publish_case(cohort)

    results = jobs.run_due(settings, now=PUBLISH - timedelta(minutes=1))

    assert results["announce_cases"] == 0
    assert mails("case:") == {}
    assert Case.get_by_id(case.id).announced_at is None


# The queue running dry ----------------------------------------------------------------------

def test_run_due_one_scheduled_case_warns_host_once(settings, cohort, people):
    publish_case(cohort)
    now = PUBLISH - timedelta(days=1)
    jobs.run_due(settings, now=now)

    jobs.run_due(settings, now=now + timedelta(hours=1))

    host = people["host"]
    # the queue runs dry 5 days (the maximum gap) after the only case: 2026-12-08 20:00
    key = f"cohort:{cohort.id}:queue-dry:202612081200:host:{host.id}"
    assert {k: (to, subject) for k, (to, subject, _body) in mails("cohort:").items()} == {
        key: (host.email, "社群实验室: the case queue is running dry")}


# Two scheduler processes at once ------------------------------------------------------------

CASE_FILES = {
    "01-shengxian.md": ("小区生鲜团购", "2026-11-30 20:00"),
    "02-dushuhui.md": ("付费读书会", "2026-12-01 19:00"),
}
RUN_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai: both cases are out


def _write_case_files(folder):
    folder.mkdir(parents=True)
    for name, (title, publish_at) in CASE_FILES.items():
        (folder / name).write_text(
            f"---\ntitle: {title}\npublish_at: {publish_at}\ndue_at: 2026-12-04 20:00\n"
            f"homework: 你会怎么做?\n---\n正文\n", encoding="utf-8")


def _run_due_processes(database_url, mail_url, tmp_path):
    env = dict(os.environ, LEARNCLUB_DATABASE_URL=database_url, LEARNCLUB_MAIL_URL=mail_url,
               LEARNCLUB_MAIL_FROM=MAIL_FROM, LEARNCLUB_INSTANCE_DIR=str(tmp_path),
               LEARNCLUB_CONTENT_DIR=str(tmp_path / "content"))
    processes = [subprocess.Popen([str(LEARNCLUB), "jobs", "run-due", "--now", RUN_AT.isoformat()],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in processes]
    return [(p.returncode, err) for p, (_out, err) in zip(processes, outputs, strict=True)]


def test_run_due_two_processes_announce_each_case_once(app, database_url, smtp, tmp_path,  # noqa: F811
                                                       cohort, people):
    User.update(locale="en").execute()
    _write_case_files(Path(app.config["CONTENT_DIR"]) / "lab")

    outcomes = _run_due_processes(database_url, smtp.url, tmp_path)

    assert [(code, problems(err)) for code, err in outcomes] == [(0, []), (0, [])]
    assert [(c.source_path, c.title, c.announced_at) for c in Case.select().order_by(
        Case.source_path)] == [("01-shengxian.md", "小区生鲜团购", RUN_AT),
                               ("02-dushuhui.md", "付费读书会", RUN_AT)]
    received = Counter(
        (rcpt, str(message_from_bytes(envelope.content, policy=policy.default)["Subject"]))
        for envelope in smtp.envelopes for rcpt in envelope.rcpt_tos)
    members = ("host", "assistant", "learner_en", "learner_zh")
    expected = Counter({(people[who].email, f"New case: {title}"): 1
                        for who in members for title, _ in CASE_FILES.values()})
    expected[(people["host"].email, "社群实验室: the case queue is running dry")] = 1
    assert received == expected
