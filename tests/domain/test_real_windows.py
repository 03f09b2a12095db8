"""A miss only for a window that was really open to that learner, and no window in the past
or too short made by accident (issue 13, points 1 and 2; docs/rules.md "Who is expected")."""
from datetime import timedelta

import pytest

from learnclub import clock
from learnclub.domain.cases.editing import create_case, schedule_of
from learnclub.domain.cases.windows import check_window
from learnclub.domain.errors import DomainError
from learnclub.domain.participation.queries import had_real_window, window_opened
from learnclub.domain.participation.sweep import apply_sweep, plan_sweep
from learnclub.models import Case, Extension, Membership, Miss
from tests.factories import make_cohort, make_member
from tests.timeline import START


def slot_of_case(cohort, case):
    return next(s for s in schedule_of(cohort) if s.case.id == case.id)


def write(cohort, *, publish_at, due_at=None, now=START, no_homework=False, title="案例"):
    """A case saved at `now` through the domain, as the editor and sync save them."""
    return create_case(cohort, {"title": title, "body_md": "正文", "homework_prompt": "?",
                                "publish_at": publish_at, "due_at": due_at,
                                "no_homework": no_homework}, actor=None, now=now)


def membership(cohort, user, joined_at):
    Membership.update(joined_at=joined_at).where(Membership.user == user).execute()
    return Membership.get(Membership.user == user)


@pytest.fixture
def cohort(app):
    return make_cohort(strike_limit=1)


def test_had_real_window_a_whole_window_counts(cohort):
    case = write(cohort, publish_at=START - timedelta(days=5), now=START - timedelta(days=6))
    member = membership(cohort, make_member(cohort), START - timedelta(days=10))

    assert had_real_window(member, slot_of_case(cohort, case)) is True


def test_had_real_window_joined_late_owes_nothing(cohort):
    case = write(cohort, publish_at=START - timedelta(days=5), now=START - timedelta(days=6))
    member = membership(cohort, make_member(cohort), START - timedelta(days=4))

    assert had_real_window(member, slot_of_case(cohort, case)) is False


def test_had_real_window_published_in_the_past_opened_when_saved(cohort):
    # saved 6 days after its publication time, due 3 days after it: never open
    case = write(cohort, publish_at=START - timedelta(days=6),
                 due_at=START - timedelta(days=3), now=START)
    member = membership(cohort, make_member(cohort), START - timedelta(days=10))
    slot = slot_of_case(cohort, case)

    assert (window_opened(slot, member), had_real_window(member, slot)) == (START, False)


def test_had_real_window_cut_short_below_the_minimum(cohort):
    publish = START - timedelta(days=5)
    case = write(cohort, publish_at=publish, due_at=publish + timedelta(hours=23),
                 now=publish - timedelta(days=1))
    member = membership(cohort, make_member(cohort), START - timedelta(days=10))
    slot = slot_of_case(cohort, case)

    assert (had_real_window(member, slot), had_real_window(member, slot, min_hours=23)) == (
        False, True)


def test_had_real_window_extension_keeps_it_open(cohort):
    publish = START - timedelta(days=5)
    case = write(cohort, publish_at=publish, due_at=publish + timedelta(hours=2),
                 now=publish - timedelta(days=1))
    member = membership(cohort, make_member(cohort), START - timedelta(days=10))
    slot = slot_of_case(cohort, case)

    assert had_real_window(member, slot, extended_until=publish + timedelta(days=2)) is True


def test_had_real_window_no_homework_never_counts(cohort):
    case = write(cohort, publish_at=START - timedelta(days=5), now=START - timedelta(days=6),
                 no_homework=True)
    member = membership(cohort, make_member(cohort), START - timedelta(days=10))

    assert (Case.get_by_id(case.id).no_homework,
            had_real_window(member, slot_of_case(cohort, case))) == (True, False)


def test_sweep_case_saved_with_a_past_window_removes_nobody(cohort):
    for _ in range(5):
        membership(cohort, make_member(cohort), START - timedelta(days=30))
    write(cohort, publish_at=START - timedelta(days=6), due_at=START - timedelta(days=3))
    clock.travel_to(START + timedelta(hours=1))

    plan = apply_sweep(cohort, now=clock.now(), base_url="http://x")

    assert (plan.new_misses, plan.removals, Miss.select().count(),
            Membership.select().where(Membership.status == "active").count()) == ([], [], 0, 6)


def test_sweep_learner_on_leave_gets_no_miss(cohort):
    from learnclub.domain.participation.leave import excuse_learner
    user = make_member(cohort)
    membership(cohort, user, START - timedelta(days=30))
    case = write(cohort, publish_at=START - timedelta(days=5), now=START - timedelta(days=6))
    excuse_learner(case, user, actor=cohort.created_by, reason="出差", now=START)

    assert plan_sweep(cohort, now=START).new_misses == []


def test_sweep_running_extension_then_a_miss_once_it_ends(cohort):
    user = make_member(cohort)
    membership(cohort, user, START - timedelta(days=30))
    publish = START - timedelta(days=5)
    case = write(cohort, publish_at=publish, due_at=publish + timedelta(hours=2),
                 now=publish - timedelta(days=1))
    Extension.create(case=case, user=user, until=START + timedelta(days=1),
                     granted_by=cohort.created_by, created_at=publish)

    during = plan_sweep(cohort, now=START).new_misses
    after = plan_sweep(cohort, now=START + timedelta(days=2)).new_misses

    assert (during, [(m.user_id, s.case.id) for m, s in after]) == ([], [(user.id, case.id)])


def test_sweep_whole_window_still_gives_a_miss(cohort):
    user = make_member(cohort)
    membership(cohort, user, START - timedelta(days=30))
    case = write(cohort, publish_at=START - timedelta(days=5), now=START - timedelta(days=6))

    plan = plan_sweep(cohort, now=START)

    assert [(m.user_id, s.case.id) for m, s in plan.new_misses] == [(user.id, case.id)]


# ---- the editor's and sync's check -------------------------------------------------------

def test_check_window_due_in_the_past_is_refused_on_due_at(cohort):
    values = {"publish_at": START - timedelta(days=6), "due_at": START - timedelta(days=3)}

    with pytest.raises(DomainError) as refused:
        check_window(cohort, values, now=START)

    assert (refused.value.field, refused.value.message) == (
        "due_at", 'The homework due time is already past. Choose a later due time, or mark '
        'the case "no homework due".')


def test_check_window_too_short_names_the_hours(cohort):
    values = {"publish_at": START - timedelta(days=2), "due_at": START + timedelta(hours=10)}

    with pytest.raises(DomainError) as refused:
        check_window(cohort, values, now=START)

    assert (refused.value.field, refused.value.message) == (
        "due_at", "Learners would have only 10 hours to write; this cohort needs at least 24. "
        'Choose a later due time, or mark the case "no homework due".')


def test_check_window_default_due_from_a_past_publication_names_publish_at(cohort):
    with pytest.raises(DomainError) as refused:
        check_window(cohort, {"publish_at": START - timedelta(days=6)}, now=START)

    assert refused.value.field == "publish_at"


def test_check_window_accepts_no_homework_a_whole_window_and_the_queue(cohort):
    past = {"publish_at": START - timedelta(days=6), "due_at": START - timedelta(days=3)}

    results = [check_window(cohort, {**past, "no_homework": True}, now=START),
               check_window(cohort, {"publish_at": START + timedelta(hours=1)}, now=START),
               check_window(cohort, {"publish_at": None, "due_at": None}, now=START)]

    assert results == [None, None, None]


def test_check_window_follows_the_cohorts_minimum(cohort):
    cohort.min_window_hours = 6
    values = {"publish_at": START, "due_at": START + timedelta(hours=10)}

    assert check_window(cohort, values, now=START) is None


def test_board_and_sweep_apply_the_cohorts_own_minimum(app):
    # a 48 h minimum: a learner who joined 30 h before the due time owes nothing, and the
    # heatmap, the learner's progress and the sweep all say so
    from learnclub.domain.homework.progress import learner_progress
    from learnclub.domain.participation.tracking import participation_matrix
    cohort = make_cohort(strike_limit=1, min_window_hours=48)
    case = write(cohort, publish_at=START - timedelta(days=5), now=START - timedelta(days=6))
    due = slot_of_case(cohort, case).due_at
    learner = make_member(cohort)
    membership(cohort, learner, due - timedelta(hours=30))
    after_grace = START + timedelta(days=1)

    rows = participation_matrix(cohort, now=after_grace).rows
    progress_rows, _todo, _streak = learner_progress(cohort, learner, now=after_grace)

    assert [c.state for c in rows[0].cells] == ["not_member"]
    assert [r.expected for r in progress_rows] == [False]
    assert plan_sweep(cohort, now=after_grace).new_misses == []


def test_the_sweeps_learner_records_answer_as_their_memberships(cohort):
    # the plan reads learners as plain records (counting.learners): the rule must give each
    # the answer it gives their Membership, case by case (joined before, after, in between;
    # a case saved after its publication time; one too short; one the learner wrote)
    from learnclub.domain.participation import counting
    from learnclub.domain.participation.queries import window_gap
    joined = [START - timedelta(days=d) for d in (30, 5, 2)]
    members = [membership(cohort, make_member(cohort), at) for at in joined]
    write(cohort, publish_at=START - timedelta(days=10), now=START - timedelta(days=11))
    write(cohort, publish_at=START - timedelta(days=4), due_at=START - timedelta(days=1),
          now=START - timedelta(days=3), title="保存晚了")
    write(cohort, publish_at=START - timedelta(days=8),
          due_at=START - timedelta(days=8) + timedelta(hours=20),
          now=START - timedelta(days=9), title="太短")
    write(cohort, publish_at=START - timedelta(days=9), now=START - timedelta(days=10),
          title="学员写的")
    Case.update(author=members[0].user_id).where(Case.title == "学员写的").execute()
    slots = schedule_of(cohort)
    records = {r.id: r for r in counting.learners(cohort)}

    answers = [[window_gap(m, s, min_hours=24) for s in slots] for m in members]
    assert [[window_gap(records[m.id], s, min_hours=24) for s in slots]
            for m in members] == answers
    assert {g for row in answers for g in row} == {
        None, counting.NotCounted.JOINED_LATER, counting.NotCounted.WINDOW_SHORT,
        counting.NotCounted.WROTE_IT}
