"""Members write too (轮值, docs/rules.md "Members write too"): who may edit a member's case,
and a member's case is not out until the host approves it, whatever its time."""
from datetime import timedelta

import pytest

from learnclub.domain.cases import member_cases
from learnclub.domain.cases.queries import is_out
from learnclub.domain.cohorts import access
from learnclub.domain.cohorts.activity import cohort_log
from learnclub.domain.errors import DomainError
from learnclub.models import Case, Membership
from tests.factories import make_case, make_cohort, make_member, make_user
from tests.timeline import now


def handed(clock, *, days=3):
    """A cohort, its host, a learner, and a coming case handed to the learner."""
    cohort = make_cohort()
    learner = make_member(cohort)
    case = make_case(cohort, publish_at=now() + timedelta(days=days), title="社群的冷启动")
    member_cases.assign_case(case, learner.id, actor=cohort.created_by, now=now())
    return cohort, learner, Case.get_by_id(case.id)


def membership(cohort, user):
    return Membership.get_or_none((Membership.cohort == cohort) & (Membership.user == user))


@pytest.mark.parametrize(("state", "author_may"), [("writing", True), ("submitted", False),
                                                ("approved", False)])
def test_may_edit_case_matrix(app, clock, state, author_may):
    cohort, learner, case = handed(clock)
    case.review_state = state
    other = make_member(cohort)
    assistant = make_member(cohort, role="assistant")
    removed = make_member(cohort, status="removed")
    stranger = make_user()
    answers = {name: access.may_edit_case(user, case, membership(cohort, user))
               for name, user in (("host", cohort.created_by), ("assistant", assistant),
                                  ("author", learner), ("other", other),
                                  ("removed", removed), ("stranger", stranger))}
    assert answers == {"host": True, "assistant": True, "author": author_may, "other": False,
                       "removed": False, "stranger": False}


def test_the_author_may_not_edit_once_removed_or_archived(app, clock):
    cohort, learner, case = handed(clock)
    assert access.may_edit_case(learner, case) is True
    case.archived_at = now()
    assert access.may_edit_case(learner, case) is False
    case.archived_at = None
    Membership.update(status="removed").where(Membership.user == learner.id).execute()
    assert access.may_edit_case(learner, case) is False


def test_a_staff_case_is_editable_by_staff_only(app, clock):
    cohort = make_cohort()
    learner = make_member(cohort)
    case = make_case(cohort, publish_at=now() + timedelta(days=2))
    assert (access.may_edit_case(cohort.created_by, case),
            access.may_edit_case(learner, case)) == (True, False)


def test_an_unapproved_case_is_not_out_when_its_time_comes(app, clock):
    cohort, learner, case = handed(clock, days=1)
    clock.advance(days=2)
    assert (is_out(case, now()), Case.select().where(Case.is_out(now())).count()) == (False, 0)
    case.body_md = "正文"
    case.save()
    member_cases.submit_case(case, actor=learner, now=now())
    assert Case.get_by_id(case.id).is_out(now()) is False
    member_cases.approve_case(case, actor=cohort.created_by, now=now())
    fresh = Case.get_by_id(case.id)
    assert (fresh.is_out(now()), Case.select().where(Case.is_out(now())).count()) == (True, 1)
    assert fresh.is_out(fresh.publish_at - timedelta(minutes=1)) is False


def test_submit_then_send_back_then_approve_logs_every_step(app, clock):
    cohort, learner, case = handed(clock)
    case.body_md = "  "
    with pytest.raises(DomainError):  # nothing written yet
        member_cases.submit_case(case, actor=learner, now=now())
    case.body_md = "正文"
    member_cases.submit_case(case, actor=learner, now=now())
    with pytest.raises(DomainError):  # a note is needed
        member_cases.send_back(case, "  ", actor=cohort.created_by, now=now())
    assert Case.get_by_id(case.id).review_state == "submitted"
    member_cases.send_back(case, "请补充数据", actor=cohort.created_by, now=now())
    fresh = Case.get_by_id(case.id)
    assert (fresh.review_state, fresh.review_note) == ("writing", "请补充数据")
    member_cases.submit_case(fresh, actor=learner, now=now())
    member_cases.approve_case(fresh, actor=cohort.created_by, now=now())
    actions = [e.action for e in cohort_log(cohort).entries]
    for action in ("case_assigned", "case_submitted", "case_sent_back", "case_approved"):
        assert action in actions


def test_only_an_active_learner_can_be_handed_a_coming_case(app, clock):
    cohort = make_cohort()
    guest = make_member(cohort, role="guest")
    removed = make_member(cohort, status="removed")
    coming = make_case(cohort, publish_at=now() + timedelta(days=2))
    for user_id in (guest.id, removed.id, cohort.created_by.id, 0, 2**70):
        with pytest.raises(DomainError):
            member_cases.assign_case(coming, user_id, actor=cohort.created_by, now=now())
    out = make_case(cohort, publish_at=now() - timedelta(days=1), title="已发布")
    learner = make_member(cohort)
    with pytest.raises(DomainError):
        member_cases.assign_case(out, learner.id, actor=cohort.created_by, now=now())
    assert Case.select().where(Case.review_state != "").count() == 0


def test_late_drafts_warn_within_two_days_and_after(app, clock):
    from learnclub.domain.cases.editing import schedule_of
    cohort, learner, case = handed(clock, days=3)
    assert member_cases.late_drafts(schedule_of(cohort), now=now()) == []
    clock.advance(days=2)
    [(slot, passed)] = member_cases.late_drafts(schedule_of(cohort), now=now())
    assert (slot.case.id, passed) == (case.id, False)
    clock.advance(days=2)
    [(slot, passed)] = member_cases.late_drafts(schedule_of(cohort), now=now())
    assert passed is True
