"""Editing homework until the window closes (domain/homework/timing.py): the first submission
decides on time or late for good; an edit saved after the due time is shown as such; after
grace (or the learner's extension) nothing changes any more. Default cohort: due 72 h,
grace 12 h."""
from datetime import timedelta

import pytest

from learnclub.domain.cases.queries import slot_of
from learnclub.domain.errors import Conflict
from learnclub.domain.homework.progress import learner_progress
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.homework.timing import edited_after_due_at, edits_after_due
from learnclub.domain.participation.leave import grant_extension
from learnclub.models import PointEvent, Submission, SubmissionRevision
from tests.factories import make_case, make_cohort, make_member
from tests.timeline import phase


@pytest.fixture
def setting(app):
    cohort = make_cohort()
    case = make_case(cohort)
    return cohort, case, make_member(cohort)


def write(case, learner, body, clock):
    submission, _created = submit_homework(case, learner, body, now=clock.now())
    return Submission.get_by_id(submission.id)


def slot(case):
    return slot_of(case)


def test_edits_before_due_leave_no_mark(setting, clock):
    _cohort, case, learner = setting
    clock.to(case, "open")
    write(case, learner, "初稿", clock)
    clock.to(case, "before_due")

    edited = write(case, learner, "改过的稿", clock)

    assert (edited.late_seconds, edited_after_due_at(edited, slot(case))) == (0, None)


def test_never_edited_has_no_mark_even_if_late(setting, clock):
    _cohort, case, learner = setting
    clock.to(case, "in_grace")

    late = write(case, learner, "晚交的", clock)

    assert late.is_late
    assert edited_after_due_at(late, slot(case)) is None


def test_edit_in_grace_keeps_on_time_and_is_marked_with_its_time(setting, clock):
    _cohort, case, learner = setting
    clock.to(case, "before_due")
    write(case, learner, "按时交的", clock)
    edited_at = clock.to(case, "in_grace", frozen=True)

    edited = write(case, learner, "宽限期里改的", clock)

    assert (edited.body_md, edited.late_seconds) == ("宽限期里改的", 0)
    assert edited_after_due_at(edited, slot(case)) == edited_at
    assert edits_after_due([edited], [slot(case)]) == {edited.id: edited_at}
    assert [r.body_md for r in SubmissionRevision.select()] == ["按时交的"]
    assert [p.kind for p in PointEvent.select()] == ["on_time"]
    rows, _next, _streak = learner_progress(case.cohort, learner, now=clock.now())
    row = next(r for r in rows if r.slot.case.id == case.id)
    assert (row.outcome, row.edited_after_due_at) == ("on_time", edited_at)


def test_after_grace_the_homework_and_its_mark_stay(setting, clock):
    _cohort, case, learner = setting
    clock.to(case, "before_due")
    first = write(case, learner, "按时交的", clock)
    clock.to(case, "after_close")

    with pytest.raises(Conflict):
        write(case, learner, "太晚了", clock)

    kept = Submission.get_by_id(first.id)
    assert (kept.body_md, edited_after_due_at(kept, slot(case))) == ("按时交的", None)


def test_extension_lets_an_edit_in_after_grace_and_marks_it(setting, clock):
    cohort, case, learner = setting
    clock.to(case, "before_due")
    write(case, learner, "按时交的", clock)
    grant_extension(case, learner, until=phase(case, "after_close") + timedelta(days=1),
                    actor=cohort.created_by, now=clock.now())
    edited_at = clock.to(case, "after_close", frozen=True)

    edited = write(case, learner, "延期里改的", clock)

    assert (edited.body_md, edited.is_late) == ("延期里改的", False)
    assert edited_after_due_at(edited, slot(case)) == edited_at
