"""What to do now, per role (domain/cohorts/todo.py): the rules as plain data."""
from datetime import timedelta

from learnclub import clock
from learnclub.domain.cohorts import todo
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.participation.leave import excuse_learner
from learnclub.domain.sharing.talks import (
    accept_talk,
    decline_talk,
    generate_slots,
    propose_talk,
)
from learnclub.models import Membership, ShareSlot
from tests.factories import make_application, make_case, make_cohort, make_member


def _weeks(cohort):
    generate_slots(cohort, now=clock.now())
    return list(ShareSlot.select().where(ShareSlot.cohort == cohort)
                .order_by(ShareSlot.starts_at))


def test_learner_todo_is_the_open_case_due_first(app):
    cohort = make_cohort()
    learner = make_member(cohort)
    make_case(cohort, title="旧的", publish_at=clock.now() - timedelta(days=10))
    first = make_case(cohort, title="先到期", publish_at=clock.now() - timedelta(days=2))
    make_case(cohort, title="后到期", publish_at=clock.now() - timedelta(hours=2),
              due_at=clock.now() + timedelta(days=5))

    case, _progress = todo.learner_todo(cohort, learner, now=clock.now())

    assert (case.case.id, case.state, case.handed_in, case.writable) == (
        first.id, "open", False, True)


def test_learner_todo_falls_back_to_the_newest_case_when_all_are_written(app):
    cohort = make_cohort()
    learner = make_member(cohort)
    older = make_case(cohort, title="旧的", publish_at=clock.now() - timedelta(days=6))
    newest = make_case(cohort, title="新的", publish_at=clock.now() - timedelta(days=1))
    submit_homework(newest, learner, "写完了", now=clock.now())

    case, progress = todo.learner_todo(cohort, learner, now=clock.now())

    assert (case.case.id, case.handed_in, case.writable) == (newest.id, True, True)
    assert progress.outcomes == [(older.title, "missed"), (newest.title, "on_time")]
    assert (progress.streak, progress.on_time, progress.counted) == (1, 1, 2)


def test_learner_progress_counts_excused_cases_out_of_the_on_time_rate(app):
    cohort = make_cohort()
    learner = make_member(cohort)
    excused = make_case(cohort, title="请假", publish_at=clock.now() - timedelta(days=12))
    written = make_case(cohort, title="写了", publish_at=clock.now() - timedelta(days=8))
    excuse_learner(excused, learner, actor=cohort.created_by, reason="出差",
                   now=clock.now())
    submit_homework(written, learner, "按时", now=written.publish_at + timedelta(hours=2))

    _case, progress = todo.learner_todo(cohort, learner, now=clock.now())

    assert progress.outcomes == [("请假", "excused"), ("写了", "on_time")]
    assert (progress.on_time, progress.counted, progress.streak) == (1, 1, 1)


def test_learner_with_no_case_out_has_nothing_to_write(app):
    cohort = make_cohort()
    learner = make_member(cohort)
    make_case(cohort, title="明天", publish_at=clock.now() + timedelta(days=1))

    case, progress = todo.learner_todo(cohort, learner, now=clock.now())

    assert (case, progress.outcomes, progress.streak) == (None, [], 0)


def test_staff_todo_counts_what_waits(app):
    cohort = make_cohort()
    weeks = _weeks(cohort)
    make_application(cohort)
    make_application(cohort, status="rejected")
    guest = make_member(cohort, role="guest")
    waiting = propose_talk(cohort, guest, topic="等待决定", abstract="讲讲", now=clock.now(),
                           preferred_slots=[weeks[0]])
    declined = propose_talk(cohort, guest, topic="婉拒", abstract="讲讲", now=clock.now(),
                            preferred_slots=[weeks[1]])
    decline_talk(declined, actor=cohort.created_by, now=clock.now())
    case = make_case(cohort, publish_at=clock.now() - timedelta(days=1))
    learners = [make_member(cohort) for _ in range(4)]
    submit_homework(case, learners[0], "交了", now=clock.now())

    staff = todo.staff_todo(cohort, now=clock.now())

    assert (staff.applications, staff.talks_to_decide, staff.guests_to_notify,
            staff.held_removals, staff.badge) == (1, 1, 1, 0, 2)
    assert (staff.rate.slot.case.id, staff.rate.submitted, staff.rate.expected,
            staff.case_state) == (case.id, 1, 4, "open")
    assert staff.queue_dry_at is not None  # nothing queued after this case
    assert waiting.status == "submitted"


def test_guest_may_propose_until_a_talk_is_live(app):
    cohort = make_cohort()
    weeks = _weeks(cohort)
    guest = make_member(cohort, role="guest")
    membership = Membership.get(Membership.user == guest)

    before = todo.cohort_todo(cohort, guest, now=clock.now(), membership=membership)
    talk = propose_talk(cohort, guest, topic="第一周", abstract="讲讲", now=clock.now(),
                        preferred_slots=[weeks[2]])
    proposed = todo.cohort_todo(cohort, guest, now=clock.now(), membership=membership)
    accept_talk(talk, weeks[2], actor=cohort.created_by, now=clock.now())
    accepted = todo.cohort_todo(cohort, guest, now=clock.now(), membership=membership)

    assert [(t.may_propose, [s.step for s in t.talks]) for t in (before, proposed, accepted)] \
        == [(True, []), (False, ["wait"]), (False, ["confirm"])]


def test_next_sharing_is_the_next_week_with_its_guest(app):
    cohort = make_cohort()
    weeks = _weeks(cohort)
    guest = make_member(cohort, role="guest")
    talk = propose_talk(cohort, guest, topic="第一周", abstract="讲讲", now=clock.now(),
                        preferred_slots=[weeks[0]])

    empty = todo.next_sharing(cohort, now=clock.now())
    accept_talk(talk, weeks[0], actor=cohort.created_by, now=clock.now())
    held = todo.next_sharing(cohort, now=clock.now())

    assert (empty.slot.id, empty.talk) == (weeks[0].id, None)
    assert (held.slot.id, held.talk.id, held.talk.guest.id) == (weeks[0].id, talk.id, guest.id)


def test_removed_members_and_outsiders_have_no_todo(app):
    cohort = make_cohort()
    removed = make_member(cohort, status="removed")
    outsider = make_member(make_cohort())

    assert [todo.cohort_todo(cohort, person, now=clock.now())
            for person in (removed, outsider)] == [None, None]


def test_menu_counts_only_for_staff(app):
    cohort = make_cohort()
    learner = make_member(cohort)
    make_application(cohort)

    assert (todo.menu_counts(cohort, cohort.created_by), todo.menu_counts(cohort, learner)) == (
        {"manage": 1, "applications": 1, "talks_to_decide": 0}, {})


def test_home_todos_cover_each_active_cohort_by_name(app):
    person = make_member(make_cohort(name="乙社群"))
    make_member(make_cohort(name="甲社群"), person, role="guest")
    make_member(make_cohort(name="丙社群"), person, status="removed")

    todos = todo.home_todos(person, now=clock.now())

    assert sorted((t.cohort.name, t.role) for t in todos) == [
        ("乙社群", "learner"), ("甲社群", "guest")]
