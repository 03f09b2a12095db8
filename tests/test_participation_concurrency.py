"""The participation rules from the command line: two `learnclub jobs run-due` processes at
the same instant against one database and a real SMTP server record each miss once, remove
each learner once and send each mail once; `learnclub participation sweep` previews (dry run)
and applies.

The instant NOW, 20:00 in Shanghai on 1 December 2026, in a cohort of the defaults:
- 小区生鲜团购 went out 27 November; its homework was due when the next case went out
  (29 November, 20:00) and its grace ended 30 November, 08:00: closed, two learners missed it.
- 付费读书会 went out 29 November, due 2 December, 20:00: NOW is 24 h before due, the first
  reminder, and the case has not been announced yet (no scheduler ran before).
"""
import os
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from learnclub.domain.homework.submission import submit_homework
from learnclub.models import (
    ALL,
    Cohort,
    Membership,
    MembershipEvent,
    Miss,
    OutboxMessage,
    SeatOffer,
)
from tests.factories import make_application, make_case, make_cohort, make_member, make_user
from tests.test_concurrency import LEARNCLUB, MAIL_FROM, problems, smtp  # noqa: F401 - SMTP fixture

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CLOSED_AT = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
OPEN_AT = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def lab(app):
    """The cohort "lab" at NOW: who wrote what, and one applicant waiting for a seat."""
    host = make_user(can_host=True, locale="en", display_name="群主")
    cohort = make_cohort(host=host, slug="lab", capacity=5)
    # issue 13, point 4: 2 of 5 learners is over the default safety stop; these tests are of
    # the removals themselves, so the stop is set to let them through
    Cohort.update(removal_stop_percent=100).where(Cohort.id == cohort.id).execute()
    cohort.removal_stop_percent = 100
    closed = make_case(cohort, title="小区生鲜团购", publish_at=CLOSED_AT)
    open_ = make_case(cohort, title="付费读书会", publish_at=OPEN_AT)
    people = {"host": host}
    for name, locale in (("王芳", "en"), ("李雷", "en"), ("韩梅梅", "en"), ("张伟", "en"),
                         ("刘洋", "zh_Hans_CN")):
        people[name] = make_member(cohort, make_user(locale=locale, display_name=name))
    for name in ("王芳", "李雷", "韩梅梅"):
        submit_homework(closed, people[name], "我会先建三个群", now=CLOSED_AT + timedelta(hours=5))
    submit_homework(open_, people["王芳"], "先做读书会的定价", now=OPEN_AT + timedelta(hours=3))
    people["applicant"] = make_application(
        cohort, make_user(locale="en", display_name="候补一号"), status="waitlisted",
        decided_at=CLOSED_AT).user
    return cohort, people


def row_counts():
    return {model.__name__: model.select().count() for model in ALL}


def run_due_twice_at_once(database_url, smtp, tmp_path):  # noqa: F811
    env = dict(os.environ, LEARNCLUB_DATABASE_URL=database_url, LEARNCLUB_MAIL_URL=smtp.url,
               LEARNCLUB_MAIL_FROM=MAIL_FROM, LEARNCLUB_INSTANCE_DIR=str(tmp_path),
               LEARNCLUB_CONTENT_DIR=str(tmp_path / "content"),
               LEARNCLUB_BASE_URL="https://learn.example.org")
    processes = [subprocess.Popen([str(LEARNCLUB), "jobs", "run-due", "--now", NOW.isoformat()],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in processes]
    return [(p.returncode, err) for p, (_out, err) in zip(processes, outputs, strict=True)]


def received(smtp):  # noqa: F811
    return Counter(
        (rcpt, str(message_from_bytes(envelope.content, policy=policy.default)["Subject"]))
        for envelope in smtp.envelopes for rcpt in envelope.rcpt_tos)


def test_run_due_two_processes_record_remove_and_mail_once(app, database_url, smtp,  # noqa: F811
                                                           tmp_path, lab):
    cohort, people = lab

    outcomes = run_due_twice_at_once(database_url, smtp, tmp_path)

    slackers = [people["张伟"], people["刘洋"]]
    assert [(code, problems(err)) for code, err in outcomes] == [(0, []), (0, [])]
    assert sorted((m.case.title, m.user_id) for m in Miss.select()) == sorted(
        ("小区生鲜团购", s.id) for s in slackers)
    assert Counter(e.user_id for e in MembershipEvent.select().where(
        MembershipEvent.action == "removed")) == Counter({s.id: 1 for s in slackers})
    assert sorted(m.user.display_name for m in Membership.select().where(
        Membership.status == "removed")) == ["刘洋", "张伟"]
    assert [(o.application.user_id, o.status) for o in SeatOffer.select()] == [
        (people["applicant"].id, "offered")]
    en = ("王芳", "李雷", "韩梅梅", "张伟")
    expected = Counter({
        **{(people[n].email, "New case: 付费读书会"): 1 for n in ("host", *en)},
        (people["刘洋"].email, "新案例：付费读书会"): 1,
        # changed on purpose (issue 13, point 9): the reminders queued for 张伟 and 刘洋 are
        # re-checked when sent; removed by the same run's sweep, they are skipped
        **{(people[n].email, "Homework due in 24 hours: 付费读书会"): 1
           for n in ("李雷", "韩梅梅")},
        (people["张伟"].email, "You have left 社群实验室"): 1,
        (people["刘洋"].email, "你已离开 社群实验室"): 1,
        (people["applicant"].email, "A seat is free in 社群实验室"): 1,
        (people["host"].email, "社群实验室: the case queue is running dry"): 1,
        (people["host"].email, "社群实验室: 2 learners removed"): 1,
    })
    assert received(smtp) == expected
    assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0


# `learnclub participation sweep` ------------------------------------------------------------

PLAN = ["lab: {verb} record 2 misses, {verb} remove 2",
        "  miss     张伟 · 小区生鲜团购",
        "  miss     刘洋 · 小区生鲜团购",
        "  remove   张伟 · 小区生鲜团购",
        "  remove   刘洋 · 小区生鲜团购",
        # which case counted against each of them, due time in the cohort's zone
        *["           counted: 小区生鲜团购 (due 2026-11-30 20:00 Asia/Shanghai)"] * 2]


def sweep(runner, *options):
    """(exit code, first line, the detail lines sorted): learners come in database order."""
    result = runner.invoke(args=["participation", "sweep", *options, "--now", NOW.isoformat()])
    first, *details = result.output.splitlines()
    return result.exit_code, first, sorted(details)


def plan(verb):
    return (0, PLAN[0].format(verb=verb), sorted(PLAN[1:]))


def test_sweep_dry_run_prints_the_plan_and_changes_nothing(runner, lab):
    before = row_counts()

    outcome = sweep(runner, "--dry-run")

    assert outcome == plan("would")
    assert row_counts() == before


def test_sweep_prints_what_it_did(runner, lab):
    _cohort, people = lab

    outcome = sweep(runner)

    assert outcome == plan("did")
    assert [m.user.display_name for m in Membership.select().where(
        Membership.status == "removed").order_by(Membership.id)] == ["张伟", "刘洋"]
    assert sorted(m.key.split(":")[0] for m in OutboxMessage.select()) == [
        "cohort", "removal", "removal", "seat-offer"]  # the host's summary, two notices


def test_sweep_again_does_nothing_more(runner, lab):
    sweep(runner)
    before = row_counts()

    outcome = sweep(runner)

    assert outcome == (0, "lab: did record 0 misses, did remove 0", [])
    assert row_counts() == before


def test_sweep_dry_run_with_removals_paused_says_so(runner, lab):
    cohort, _people = lab
    cohort.removals_paused = True
    cohort.save()

    outcome = sweep(runner, "--dry-run")

    assert outcome == (0, "lab: would record 2 misses, would remove 0 (removals paused)",
                       sorted(PLAN[1:3]))


def test_sweep_before_any_case_closes_says_so(runner, app):
    make_cohort(slug="quiet")

    outcome = sweep(runner, "--dry-run")

    assert outcome == (0, "No cohort has a case whose homework window has closed.", [])
