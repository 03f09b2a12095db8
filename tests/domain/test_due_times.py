"""Due times learners were shown (issue 13 points 3 and 9): once a case is out or announced,
publishing another case early, reordering the queue or changing the cadence never moves its
due time earlier; the host moves it earlier only by hand, after a preview and a confirmation,
and the learners are mailed.

Every test starts at timeline.START (the clock fixture) and travels from there.
"""
from datetime import UTC, datetime, timedelta

import pytest

from learnclub.clock import now
from learnclub.domain.cases.announcements import announce_cases
from learnclub.domain.cases.due_times import EarlierDueNeedsConfirmation
from learnclub.domain.cases.editing import create_case, move_in_queue, schedule_of, update_case
from learnclub.domain.cases.schedule import add_local_days
from learnclub.domain.cohorts import settings as cohort_settings
from learnclub.domain.homework.submission import submit_homework
from learnclub.models import Case, CohortEvent, OutboxMessage
from tests.factories import default_settings, make_cohort, make_member

BASE = "https://learn.example.org"


@pytest.fixture
def cohort(app):
    return make_cohort(slug="lab")


def write(cohort, title, publish_at=None):
    return create_case(cohort, {"title": title, "body_md": "正文", "homework_prompt": "写三点",
                                "publish_at": publish_at}, actor=cohort.created_by,
                       now=now())


def values_of(case, **changes):
    values = {"title": case.title, "body_md": case.body_md, "tags": case.tags,
              "homework_prompt": case.homework_prompt,
              "publish_at": case.publish_at if case.publish_fixed else None,
              "due_at": case.due_at_fixed}
    values.update(changes)
    return values


def due_of(case):
    return next(s.due_at for s in schedule_of(case.cohort) if s.case.id == case.id)


def out_and_announced(cohort, clock):
    """Case 1 out an hour ago and mailed; cases 2, 3 and 4 waiting in the queue."""
    first = write(cohort, "案例一", publish_at=now() + timedelta(hours=1))
    queued = [write(cohort, f"案例{n}") for n in "二三四"]
    clock.advance(hours=2)
    announce_cases(now=now(), base_url=BASE)
    return Case.get_by_id(first.id), queued


def test_due_shown_kept_when_host_publishes_early_reorders_and_changes_cadence(cohort, clock):
    first, (second, third, fourth) = out_and_announced(cohort, clock)
    shown = due_of(first)
    host = cohort.created_by

    update_case(second, values_of(second, publish_at=now()), actor=host, now=now())
    clock.advance(hours=1)
    move_in_queue(fourth, -1, now=now(), actor=host)
    cohort_settings.update_cohort(cohort, default_settings(homework_due_hours=24,
                                                           cadence_target_days=3),
                                  actor=host, now=now())

    assert (shown, Case.get_by_id(first.id).due_shown_at) == (
        add_local_days(first.publish_at, 3, cohort_zone(cohort)), shown)
    assert due_of(first) == shown


def cohort_zone(cohort):
    from zoneinfo import ZoneInfo
    return ZoneInfo(cohort.timezone)


def test_due_shown_kept_once_out_even_before_announcement(cohort, clock):
    first = write(cohort, "案例一", publish_at=now() + timedelta(hours=1))
    second = write(cohort, "案例二")
    clock.advance(hours=2)
    shown = due_of(first)

    update_case(second, values_of(second, publish_at=now()), actor=cohort.created_by,
                now=now())

    assert (due_of(first), Case.get_by_id(first.id).due_shown_at) == (shown, shown)


def test_due_earlier_by_hand_needs_confirmation_and_says_who_it_affects(cohort, clock):
    first, _queued = out_and_announced(cohort, clock)
    wrote, _silent = make_member(cohort), make_member(cohort)
    submit_homework(first, wrote, "我的三点", now=now())
    shown = due_of(first)
    earlier = first.publish_at + timedelta(hours=48)

    with pytest.raises(EarlierDueNeedsConfirmation) as refused:
        update_case(first, values_of(first, due_at=earlier), actor=cohort.created_by,
                    now=now())

    assert (refused.value.affected, refused.value.unwritten, refused.value.field) == (
        2, 1, "due_at")
    assert (Case.get_by_id(first.id).due_at_fixed, due_of(first)) == (None, shown)


def due_mails():
    return sorted((m.to_addr, m.subject) for m in OutboxMessage.select()
                  if ":due:" in m.key)


def test_due_earlier_confirmed_is_saved_mailed_and_logged(cohort, clock):
    first, _queued = out_and_announced(cohort, clock)
    learners = sorted(u.email for u in (make_member(cohort), make_member(cohort)))
    earlier = first.publish_at + timedelta(hours=48)

    changed = update_case(first, values_of(first, due_at=earlier, confirm_earlier=True),
                          actor=cohort.created_by, now=now(), base_url=BASE)

    event = CohortEvent.select().order_by(CohortEvent.id.desc()).get()
    assert (changed, due_of(first), Case.get_by_id(first.id).due_shown_at) == (
        ["due_at"], earlier, earlier)
    assert due_mails() == [(email, "案例一：截止时间已变更") for email in learners]
    assert (event.action, event.subject_id) == ("case_edited", first.id)


def test_due_later_by_hand_needs_no_confirmation_and_is_mailed(cohort, clock):
    first, _queued = out_and_announced(cohort, clock)
    learner = make_member(cohort)
    later = due_of(first) + timedelta(days=1)

    update_case(first, values_of(first, due_at=later), actor=cohort.created_by,
                now=now(), base_url=BASE)

    assert (due_of(first), due_mails()) == (
        later, [(learner.email, "案例一：截止时间已变更")])


def test_due_earlier_of_case_not_out_needs_no_confirmation_nor_mail(cohort, clock):
    case = write(cohort, "案例一", publish_at=now() + timedelta(days=1))
    make_member(cohort)
    earlier = case.publish_at + timedelta(hours=30)

    update_case(case, values_of(case, due_at=earlier), actor=cohort.created_by,
                now=now())

    assert (due_of(case), due_mails()) == (earlier, [])


def test_due_by_local_days_across_spring_forward_in_new_york(app, clock):
    ny = make_cohort(slug="ny", timezone="America/New_York")
    publish = datetime(2027, 3, 13, 20, 0, tzinfo=cohort_zone(ny)).astimezone(UTC)
    clock.travel_to(publish - timedelta(days=1))

    case = write(ny, "Case one", publish_at=publish)

    due = datetime(2027, 3, 16, 20, 0, tzinfo=cohort_zone(ny)).astimezone(UTC)
    assert (due_of(case), due - publish) == (due, timedelta(hours=71))
