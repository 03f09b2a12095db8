"""Mail preferences honoured by the outbox, end to end through a real SMTP server on loopback:
the footer and List-Unsubscribe headers, kinds turned off, the daily digest, mail that always
goes, the query count, and two senders (threads, processes) at once."""
import ast
import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from learnclub import jobs
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.participation.leave import excuse_learner
from learnclub.domain.participation.reminders import send_reminders
from learnclub.domain.reach import mail_footer, notices
from learnclub.domain.reach.outbox import enqueue_mail
from learnclub.domain.reach.preferences import KINDS, set_preferences, unsubscribe
from learnclub.models import Membership, OutboxMessage
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries
from tests.test_concurrency import (  # noqa: F401 - smtp is the real SMTP server fixture
    MAIL_FROM,
    _run_due_processes,
    problems,
    run_together,
    smtp,
)

#: 20:00 in Shanghai (the zone of people without a cohort)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BEFORE_EIGHT = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 07:30 on 2 December in Shanghai
EIGHT = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 08:00 on 2 December in Shanghai


@pytest.fixture
def settings(app, smtp):  # noqa: F811
    return dict(app.config, MAIL_URL=smtp.url, MAIL_FROM=MAIL_FROM)


def _mail(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


def _body(mail):
    """The text of a mail: the whole of a text-only one, the text part of text + HTML."""
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _queue(user, key, kind, *, subject=None, body="正文", at=NOW):
    enqueue_mail(key, to_addr=user.email, user=user, subject=subject or key, body=body, now=at,
                 kind=kind)


def _rows():
    return [(m.key, m.outcome, m.sent_at) for m in OutboxMessage.select().order_by(
        OutboxMessage.id)]


# what arrives ---------------------------------------------------------------------------------

def test_send_outbox_instant_mail_has_footer_and_one_click_headers(app, settings, smtp):  # noqa: F811
    user = make_user(locale="en")
    _queue(user, "case:1:reminder:24h", "reminders", body="Due tomorrow.\n\n— learnclub")

    jobs.send_outbox(settings, now=NOW)

    [mail] = [_mail(e) for e in smtp.envelopes]
    url = mail_footer.unsubscribe_url(user, "reminders", secret=settings["SECRET_KEY"],
                                      base_url=settings["BASE_URL"])
    assert _body(mail) == ("Due tomorrow.\n\n— learnclub\n\n"
                           f"Don't want these mails? Unsubscribe: {url}\n"
                           f"All mail settings: {settings['BASE_URL']}/me/notifications\n")
    assert (str(mail["List-Unsubscribe"]), str(mail["List-Unsubscribe-Post"])) == (
        f"<{url}>", "List-Unsubscribe=One-Click")
    assert OutboxMessage.get().body == "Due tomorrow.\n\n— learnclub"  # footer not stored
    assert _rows() == [("case:1:reminder:24h", "sent", NOW)]


def test_send_outbox_off_kind_is_not_sent_and_marked_off(app, settings, smtp):  # noqa: F811
    user = make_user()
    set_preferences(user, {"new_case": "off"}, now=NOW)
    _queue(user, "case:1:announce", "new_case")

    result = jobs.send_outbox(settings, now=NOW)

    assert (result, smtp.envelopes) == ((0, 0), [])
    assert _rows() == [("case:1:announce", "off", NOW)]


def test_send_outbox_honours_a_choice_made_after_the_mail_was_queued(app, settings, smtp):  # noqa: F811
    user = make_user()
    _queue(user, "case:1:announce", "new_case")
    unsubscribe(user, "new_case", now=NOW)

    jobs.send_outbox(settings, now=NOW)

    assert (smtp.envelopes, _rows()) == ([], [("case:1:announce", "off", NOW)])


def test_removal_notice_goes_with_every_kind_off(app, settings, smtp):  # noqa: F811
    cohort = make_cohort(name="社群实验室")
    user = make_member(cohort, make_user(locale="en"))
    unsubscribe(user, "all", now=NOW)
    notices.mail_removed(membership=Membership.get(Membership.user == user), titles=["案例一"],
                         link="https://learn.example.org/c/lab", now=NOW)

    result = jobs.send_outbox(settings, now=NOW)

    [mail] = [_mail(e) for e in smtp.envelopes]
    assert result == (1, 0)
    assert str(mail["Subject"]) == "You have left 社群实验室"
    assert mail["List-Unsubscribe"] is None
    assert _body(mail).endswith(
        f"— learnclub\n\nAll mail settings: {settings['BASE_URL']}/me/notifications\n")


def test_daily_kind_is_held_then_one_digest_arrives_at_eight_local(app, settings, smtp):  # noqa: F811
    user = make_user(locale="en")
    set_preferences(user, {"reminders": "daily", "sharing": "daily"}, now=NOW)
    _queue(user, "r", "reminders", subject="Homework due in 24 hours: 案例一", body="Write it.")
    _queue(user, "s", "sharing", subject="Today: 张三 on “社区团购”", body="20:00 tonight.")

    held = jobs.run_due(settings, now=NOW)["send_outbox"]
    early = jobs.run_due(settings, now=BEFORE_EIGHT)["send_daily_digests"]
    arrivals_before_eight = len(smtp.envelopes)
    first = jobs.run_due(settings, now=EIGHT)
    second = jobs.run_due(settings, now=EIGHT + timedelta(hours=1))

    [digest] = [_mail(e) for e in smtp.envelopes]
    key = f"daily-digest:user:{user.id}:2026-12-02"
    assert (held, early, arrivals_before_eight) == ((0, 0), 0, 0)
    assert (first["send_daily_digests"], first["send_outbox"]) == (1, (1, 0))
    assert (second["send_daily_digests"], second["send_outbox"]) == (0, (0, 0))
    assert str(digest["Subject"]) == "Your daily digest: 2 mails"
    assert _body(digest) == (
        "These mails came for you since your last digest. You chose to get them once a day."
        "\n\n\n1. Homework due in 24 hours: 案例一\n\n    Write it."
        "\n\n\n2. Today: 张三 on “社区团购”\n\n    20:00 tonight.\n\n— learnclub\n\n"
        f"All mail settings: {settings['BASE_URL']}/me/notifications\n")
    assert _rows() == [("r", "digest", EIGHT), ("s", "digest", EIGHT), (key, "sent", EIGHT)]


# queries --------------------------------------------------------------------------------------

def _queries_to_send(people):
    """Statements send_outbox runs for six mails of mixed kinds spread over `people`."""
    set_preferences(people[0], {"new_case": "off", "reminders": "daily"}, now=NOW)
    for i, kind in enumerate(("", "new_case", "reminders", "feedback", "sharing", "digests")):
        _queue(people[i % len(people)], f"{len(people)}:{i}", kind)
    with count_queries() as statements:
        jobs.send_outbox({"MAIL_URL": "", "MAIL_FROM": MAIL_FROM, "SECRET_KEY": "k",
                          "BASE_URL": "https://x"}, now=NOW)
    return len(statements)


def test_send_outbox_queries_do_not_grow_with_recipients(app):
    one = _queries_to_send([make_user()])
    OutboxMessage.delete().execute()
    six = _queries_to_send([make_user() for _ in range(6)])

    assert one == six == 2 + 2 * 6  # due mails, readers; then claim and settle each mail


# two senders at once --------------------------------------------------------------------------

def _mixed_mailing(n):
    """n people with new cases off, reminders daily, the rest instant; three mails each."""
    people = [make_user() for _ in range(n)]
    for person in people:
        set_preferences(person, {"new_case": "off", "reminders": "daily"}, now=NOW)
        for kind in ("new_case", "reminders", "feedback"):
            _queue(person, f"{kind}:{person.id}", kind)
    return people


def test_send_outbox_two_threads_settle_each_mail_once(app, settings, smtp):  # noqa: F811
    people = _mixed_mailing(10)

    results = run_together(lambda: jobs.send_outbox(settings, now=NOW),
                           lambda: jobs.send_outbox(settings, now=NOW))

    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert sum(sent for _, (sent, _failed) in results) == 10
    assert smtp.recipients == sorted(p.email for p in people)
    assert sorted((m.kind, m.outcome, m.attempts) for m in OutboxMessage.select()) == sorted(
        [("new_case", "off", 1), ("reminders", "held", 1), ("feedback", "sent", 1)] * 10)


def test_send_daily_digests_two_threads_make_one_digest_each(app, settings, smtp):  # noqa: F811
    people = _mixed_mailing(10)
    jobs.send_outbox(settings, now=NOW)

    results = run_together(lambda: jobs.send_daily_digests(settings, now=EIGHT),
                           lambda: jobs.send_daily_digests(settings, now=EIGHT))

    digests = OutboxMessage.select().where(OutboxMessage.key.startswith("daily-digest:"))
    assert [kind for kind, _ in results] == ["ok", "ok"]
    assert sum(queued for _, queued in results) == 10
    assert sorted(d.user_id for d in digests) == sorted(p.id for p in people)
    assert OutboxMessage.select().where(OutboxMessage.outcome == "held").count() == 0
    assert OutboxMessage.select().where(OutboxMessage.outcome == "digest").count() == 10


def test_run_due_two_processes_send_one_digest_each(app, database_url, smtp, tmp_path):  # noqa: F811
    people = _mixed_mailing(10)
    jobs.send_outbox(dict(app.config, MAIL_URL=smtp.url, MAIL_FROM=MAIL_FROM), now=NOW)
    smtp.envelopes.clear()

    outcomes = _run_due_processes(database_url, smtp, tmp_path)  # at 20:00 Shanghai

    digests = [ast.literal_eval(re.search(r"^send_daily_digests: (.*)$", out, re.M).group(1))
               for _, out, _ in outcomes]
    assert [(code, problems(err)) for code, _, err in outcomes] == [(0, []), (0, [])]
    assert sum(digests) == 10
    assert smtp.recipients == sorted(p.email for p in people)
    assert sorted((m.kind, m.outcome) for m in OutboxMessage.select()
                  if m.kind in KINDS) == sorted(
        [("new_case", "off"), ("reminders", "digest"), ("feedback", "sent")] * 10)


# reminders re-checked when sent, and a backlog drained in one run (issue 13, point 9) ----------

REMINDER_24H = T0 + timedelta(hours=48)  # the first case is due 72 h after T0


def _reminded_cohort():
    """A cohort whose first case has 24 h reminders queued for three learners, unsent."""
    cohort = make_cohort()
    case = make_case(cohort)
    people = [make_member(cohort, make_user(locale="en")) for _ in range(3)]
    send_reminders(now=REMINDER_24H, base_url="http://localhost")
    return cohort, case, people


def _reminder_outcomes(case):
    return sorted((m.user_id, m.outcome) for m in OutboxMessage.select().where(
        OutboxMessage.key.startswith(f"case:{case.id}:reminder:")))


def test_send_outbox_skips_a_reminder_to_someone_who_wrote_since(app, settings, smtp):  # noqa: F811
    _cohort, case, (writer, excused, waiting) = _reminded_cohort()
    submit_homework(case, writer, "写了", now=REMINDER_24H + timedelta(minutes=30))
    excuse_learner(case, excused, actor=case.cohort.created_by, reason="出差",
                   now=REMINDER_24H + timedelta(minutes=40))

    jobs.send_outbox(settings, now=REMINDER_24H + timedelta(hours=1))

    assert smtp.recipients == [waiting.email]
    assert _reminder_outcomes(case) == sorted(
        [(writer.id, "skipped"), (excused.id, "skipped"), (waiting.id, "sent")])


def test_send_outbox_skips_a_reminder_to_someone_no_longer_a_learner(app, settings, smtp):  # noqa: F811
    cohort, case, (gone, *staying) = _reminded_cohort()
    Membership.update(status="removed").where(
        (Membership.cohort == cohort) & (Membership.user == gone)).execute()

    jobs.send_outbox(settings, now=REMINDER_24H + timedelta(hours=1))

    assert smtp.recipients == sorted(p.email for p in staying)
    assert dict(_reminder_outcomes(case))[gone.id] == "skipped"


def test_send_outbox_drains_a_backlog_in_one_run(app, settings, smtp):  # noqa: F811
    people = [make_user() for _ in range(jobs.OUTBOX_BATCH * 2 + 7)]
    for person in people:
        _queue(person, f"feedback:{person.id}", "feedback")

    sent, failed = jobs.send_outbox(settings, now=NOW)

    assert (sent, failed) == (len(people), 0)
    assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0
