"""Submitting homework through the windows of docs/rules.md "Homework", with named phases:
before_publish, open, in_grace, after_grace. Default cohort: due 72 h, grace 12 h."""
from datetime import timedelta

import pytest

from learnclub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from learnclub.domain.homework import feedback
from learnclub.domain.homework.progress import learner_progress
from learnclub.domain.homework.submission import count_length, submit_homework
from learnclub.domain.reach.digests import send_activity_digests
from learnclub.models import (
    Comment,
    Notification,
    OutboxMessage,
    PointEvent,
    Submission,
    SubmissionRevision,
)
from tests.factories import T0, make_case, make_cohort, make_member, make_user

BEFORE_PUBLISH = T0 - timedelta(minutes=1)
OPEN = T0 + timedelta(hours=1)
DUE = T0 + timedelta(hours=72)
IN_GRACE = DUE + timedelta(hours=5, minutes=30)
AFTER_GRACE = DUE + timedelta(hours=12)


@pytest.fixture
def setting(app):
    cohort = make_cohort()
    case = make_case(cohort)
    return cohort, case, make_member(cohort)


@pytest.mark.parametrize(("text", "length"), [
    ("我觉得这个案例很好", 9), ("I think this case is great", 6),
    ("我用了 3 个群, 每个群 200 人", 11),
    ("**重点**：[链接](https://example.org/a)", 4), ("don't e-mail 2026年", 4), ("", 0),
    ("  \n\n ", 0), ("第一，第二。Third!", 5),
])
def test_count_length_counts_like_a_reader(text, length):
    assert count_length(text) == length


def test_submit_before_publish_is_not_possible(setting):
    _cohort, case, learner = setting
    with pytest.raises(NotFound):
        submit_homework(case, learner, "写好了", now=BEFORE_PUBLISH)


def test_submit_open_is_on_time_and_earns_points(setting):
    cohort, case, learner = setting

    submission, created = submit_homework(case, learner, "我会先建三个群", now=OPEN)

    assert (created, submission.late_seconds, submission.length) == (True, 0, 7)
    assert [(p.kind, p.points) for p in PointEvent.select()] == [("on_time", 10)]


def test_submit_in_grace_is_late_by_how_much(setting):
    _cohort, case, learner = setting

    submission, _ = submit_homework(case, learner, "晚交了", now=IN_GRACE)

    assert submission.late_seconds == 5 * 3600 + 30 * 60
    assert [(p.kind, p.points) for p in PointEvent.select()] == [("late", 5)]


def test_submit_after_grace_is_refused_and_stores_nothing(setting):
    _cohort, case, learner = setting

    with pytest.raises(Conflict) as exc:
        submit_homework(case, learner, "太晚了", now=AFTER_GRACE)

    assert "closed" in exc.value.message
    assert Submission.select().count() == 0


def test_edit_keeps_history_and_first_timing(setting):
    _cohort, case, learner = setting
    submit_homework(case, learner, "第一版", now=OPEN)

    submission, created = submit_homework(case, learner, "第二版", now=IN_GRACE)

    assert (created, submission.body_md, submission.late_seconds) == (False, "第二版", 0)
    assert [r.body_md for r in SubmissionRevision.select()] == ["第一版"]
    assert Submission.select().count() == 1
    assert PointEvent.select().count() == 1


def test_one_submission_per_learner_per_case_in_the_database(setting):
    from peewee import IntegrityError

    from learnclub.db import db
    _cohort, case, learner = setting
    submit_homework(case, learner, "一份", now=OPEN)

    with pytest.raises(IntegrityError), db.atomic():
        Submission.create(case=case, user=learner, body_md="两份", submitted_at=OPEN,
                          updated_at=OPEN)


def test_minimum_length_says_how_much_is_missing(app):
    cohort = make_cohort(homework_min_length=20)
    case, learner = make_case(cohort), make_member(cohort)

    with pytest.raises(DomainError) as exc:
        submit_homework(case, learner, "只写了八个字而已", now=OPEN)

    assert exc.value.message == "Write at least 20 characters or words: 12 more to go."


def test_only_active_learners_submit(setting):
    cohort, case, _ = setting
    removed = make_member(cohort, status="removed")
    host = cohort.created_by

    for person in (removed, host, make_user()):
        with pytest.raises(NotAllowed):
            submit_homework(case, person, "想交作业", now=OPEN)


def test_comments_are_one_level_and_staff_comments_are_feedback(setting):
    cohort, case, author = setting
    peer = make_member(cohort)
    submission, _ = submit_homework(case, author, "我的作业", now=OPEN)

    top = feedback.add_comment(submission, peer, "写得好", now=OPEN)
    reply = feedback.add_comment(submission, author, "谢谢", parent=top, now=OPEN)
    deeper = feedback.add_comment(submission, peer, "不客气", parent=reply, now=OPEN)
    note = feedback.add_comment(submission, cohort.created_by, "再具体一点", now=OPEN)

    assert (reply.parent_id, deeper.parent_id) == (top.id, top.id)
    assert [c.is_feedback for c in Comment.select().order_by(Comment.id)] == [
        False, False, False, True]
    assert note.is_feedback is True


def test_comment_points_stop_at_the_cap(setting):
    cohort, case, author = setting
    peer = make_member(cohort)
    submission, _ = submit_homework(case, author, "我的作业", now=OPEN)

    for n in range(8):
        feedback.add_comment(submission, peer, f"第{n}条", now=OPEN)

    points = [p.points for p in PointEvent.select().where(PointEvent.user == peer)]
    assert points == [1] * 5


def test_featured_earns_points_once_and_unfeature_takes_them_back(setting):
    cohort, case, author = setting
    submission, _ = submit_homework(case, author, "精彩", now=OPEN)

    assert feedback.toggle_featured(submission, actor=cohort.created_by, now=OPEN) is True
    featured = sorted(p.kind for p in PointEvent.select())
    assert feedback.toggle_featured(Submission.get_by_id(submission.id), actor=cohort.created_by,
                                    now=OPEN) is False

    assert featured == ["featured", "on_time"]
    assert [p.kind for p in PointEvent.select()] == ["on_time"]


def test_learner_cannot_feature(setting):
    cohort, case, author = setting
    submission, _ = submit_homework(case, author, "作业", now=OPEN)

    with pytest.raises(NotAllowed):
        feedback.toggle_featured(submission, actor=make_member(cohort), now=OPEN)


def test_likes_toggle_and_never_notify(setting):
    cohort, case, author = setting
    peer = make_member(cohort)
    submission, _ = submit_homework(case, author, "作业", now=OPEN)

    assert feedback.toggle_like(submission, peer, now=OPEN) is True
    assert feedback.toggle_like(submission, peer, now=OPEN) is False
    assert Notification.select().count() == 0


def test_digest_batches_comments_into_one_mail_after_they_settle(setting):
    cohort, case, author = setting
    submission, _ = submit_homework(case, author, "作业", now=OPEN)
    for n in range(3):
        feedback.add_comment(submission, make_member(cohort), f"评论{n}", now=OPEN)

    early = send_activity_digests(now=OPEN + timedelta(minutes=5), base_url="http://x")
    settled = send_activity_digests(now=OPEN + timedelta(minutes=11), base_url="http://x")
    again = send_activity_digests(now=OPEN + timedelta(hours=1), base_url="http://x")

    assert (early, settled, again) == (0, 1, 0)
    mails = list(OutboxMessage.select())
    assert [m.to_addr for m in mails] == [author.email]
    assert mails[0].body.count("http://x/c/") == 3


def test_progress_streak_and_next_due(app):
    cohort = make_cohort()
    learner = make_member(cohort)
    first = make_case(cohort, publish_at=T0, title="一")
    second = make_case(cohort, publish_at=T0 + timedelta(days=4), title="二")
    third = make_case(cohort, publish_at=T0 + timedelta(days=8), title="三")
    submit_homework(first, learner, "一", now=T0 + timedelta(hours=1))
    submit_homework(second, learner, "二", now=T0 + timedelta(days=4, hours=1))
    now = T0 + timedelta(days=8, hours=1)

    rows, upcoming, streak = learner_progress(cohort, learner, now=now)

    assert [(r.slot.case.title, r.outcome) for r in rows] == [
        ("三", "todo"), ("二", "on_time"), ("一", "on_time")]
    assert (upcoming.slot.case.id, streak) == (third.id, 2)
