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


# ---- when a member's case came out: the later of its slot and its approval ------------------

def submitted(clock, *, days=1, **case_values):
    """handed(), with a text, submitted for review."""
    cohort, learner, case = handed(clock, days=days)
    if case_values:
        Case.update(**case_values).where(Case.id == case.id).execute()
        case = Case.get_by_id(case.id)
    case.body_md = "正文"
    case.save()
    member_cases.submit_case(case, actor=learner, now=now())
    return cohort, learner, Case.get_by_id(case.id)


def slot(case):
    from learnclub.domain.cases.queries import slot_of
    return slot_of(Case.get_by_id(case.id))


def test_approved_before_its_slot_it_comes_out_at_its_slot(app, clock):
    cohort, learner, case = submitted(clock, days=2)
    slot_time = case.publish_at
    member_cases.approve_case(case, actor=cohort.created_by, now=now())
    fresh = Case.get_by_id(case.id)
    assert fresh.publish_at == slot_time
    assert (fresh.has_come_out(slot_time - timedelta(seconds=1)),
            fresh.has_come_out(slot_time)) == (False, True)
    assert slot(case).due_at == slot_time + timedelta(hours=72)  # the cadence's due rule
    assert "publish_at" not in [e for e in cohort_log(cohort).entries
                                if e.action == "case_approved"][0].changes


def test_approved_after_its_slot_it_comes_out_at_the_approval_and_its_window_counts_from_then(
        app, clock):
    from learnclub.domain.participation import queries as participation
    from learnclub.domain.participation.counting import NotCounted
    cohort, learner, case = submitted(clock, days=1)
    slot_time = case.publish_at
    clock.advance(days=3)  # two days past its slot, not approved: not out
    approved_at = now()
    assert participation.published_case(cohort, case.id, now=approved_at) is None
    late_joiner = make_user()
    Membership.create(cohort=cohort, user=late_joiner, role="learner", status="active",
                      joined_at=slot_time + timedelta(hours=1))  # after the slot, before it was out
    member_cases.approve_case(case, actor=cohort.created_by, now=approved_at)
    fresh = Case.get_by_id(case.id)
    assert fresh.publish_at == approved_at
    assert (fresh.has_come_out(approved_at - timedelta(seconds=1)),
            fresh.is_out(approved_at)) == (False, True)
    assert participation.published_case(cohort, case.id, now=approved_at) == fresh
    shown = slot(case)
    assert (shown.publish_at, shown.due_at) == (approved_at, approved_at + timedelta(hours=72))
    assert Case.get_by_id(case.id).due_shown_at == shown.due_at  # kept from now on
    # the learner who joined between the slot and the approval was there when it came out
    joined = membership(cohort, late_joiner)
    assert participation.window_gap(joined, shown) is None
    # its author owes no homework on the case she wrote; everyone else there owes it
    assert participation.window_gap(membership(cohort, learner), shown) is NotCounted.WROTE_IT
    assert not participation.had_real_window(membership(cohort, learner), shown)
    later = make_user()
    Membership.create(cohort=cohort, user=later, role="learner", status="active",
                      joined_at=approved_at + timedelta(hours=1))
    assert participation.window_gap(membership(cohort, later), shown) is NotCounted.JOINED_LATER
    [entry] = [e for e in cohort_log(cohort).entries if e.action == "case_approved"]
    assert entry.changes["publish_at"] == [slot_time, approved_at]


def test_a_late_approval_with_a_fixed_due_time_too_close_is_refused_and_changes_nothing(
        app, clock):
    cohort, learner, case = submitted(clock, days=1)
    Case.update(due_at_fixed=case.publish_at + timedelta(days=2)).where(
        Case.id == case.id).execute()
    case = Case.get_by_id(case.id)
    clock.advance(days=2, hours=12)  # the fixed due time is 12 hours away: below 24
    with pytest.raises(DomainError) as refused:
        member_cases.approve_case(case, actor=cohort.created_by, now=now())
    assert refused.value.field == "due_at"
    fresh = Case.get_by_id(case.id)
    assert (fresh.review_state, fresh.publish_at, fresh.is_out(now())) == (
        "submitted", case.publish_at, False)
    # with a later due time (the host's, in the editor) it goes out now, due then
    at = now()
    Case.update(due_at_fixed=at + timedelta(days=2)).where(Case.id == case.id).execute()
    member_cases.approve_case(Case.get_by_id(case.id), actor=cohort.created_by, now=at)
    assert (slot(case).publish_at, slot(case).due_at) == (at, at + timedelta(days=2))


def test_a_never_approved_case_gives_no_miss_and_no_homework(app, clock):
    from learnclub.domain.participation import queries as participation
    from learnclub.domain.participation.sweep import plan_sweep
    cohort, learner, case = submitted(clock, days=1)
    clock.advance(days=10)  # slot, due time and grace all long past
    assert Case.get_by_id(case.id).has_come_out(now()) is False
    assert participation.published_case(cohort, case.id, now=now()) is None
    plan = plan_sweep(cohort, now=now())
    assert plan.new_misses == []  # before approval, it is no case for homework and misses
    assert Case.get_by_id(case.id).due_shown_at is None  # no due time was shown


# ---- taking a case back, withdrawing an approval ------------------------------------------

def test_take_back_keeps_the_text_returns_the_case_to_staff_and_tells_the_member(app, clock):
    from learnclub.models import InboxMessage
    cohort, learner, case = handed(clock, days=3)
    case.body_md = "## 第一周\n\n我的草稿"
    case.save()
    slot_time = case.publish_at
    member_cases.take_back(case, actor=cohort.created_by, now=now())
    fresh = Case.get_by_id(case.id)
    assert (fresh.author_id, fresh.review_state, fresh.body_md, fresh.publish_at) == (
        None, "", "## 第一周\n\n我的草稿", slot_time)
    assert access.may_edit_case(learner, fresh) is False
    [message] = InboxMessage.select().where(InboxMessage.recipient == learner.id)
    assert (message.kind, message.link, message.cohort_id) == (
        "case_taken_back", f"/c/{cohort.slug}/", cohort.id)
    assert "社群的冷启动" in message.params
    [entry] = [e for e in cohort_log(cohort).entries if e.action == "case_taken_back"]
    assert (entry.person.id, entry.by.id) == (learner.id, cohort.created_by.id)
    assert member_cases.drafts_of(cohort, learner) == []
    # it can be handed out again, to anyone
    member_cases.assign_case(fresh, learner.id, actor=cohort.created_by, now=now())
    assert Case.get_by_id(case.id).review_state == "writing"


def test_a_late_draft_taken_back_goes_back_into_the_queue_not_out(app, clock):
    cohort, learner, case = handed(clock, days=1)
    clock.advance(days=2)
    member_cases.take_back(case, actor=cohort.created_by, now=now())
    fresh = Case.get_by_id(case.id)
    assert (fresh.review_state, fresh.publish_at > now()) == ("", True)
    assert fresh.is_out(now()) is False


@pytest.mark.parametrize("state", ["", "approved"])
def test_only_a_member_case_not_yet_approved_can_be_taken_back(app, clock, state):
    cohort, learner, case = handed(clock)
    Case.update(review_state=state).where(Case.id == case.id).execute()
    with pytest.raises(DomainError):
        member_cases.take_back(Case.get_by_id(case.id), actor=cohort.created_by, now=now())
    assert Case.get_by_id(case.id).review_state == state


def test_withdrawing_an_approval_before_it_is_out_puts_it_back_to_review(app, clock):
    cohort, learner, case = submitted(clock, days=2)
    member_cases.approve_case(case, actor=cohort.created_by, now=now())
    member_cases.withdraw_approval(Case.get_by_id(case.id), actor=cohort.created_by, now=now())
    fresh = Case.get_by_id(case.id)
    assert (fresh.review_state, fresh.author_id) == ("submitted", learner.id)
    assert access.may_edit_case(learner, fresh) is False
    clock.advance(days=3)
    assert fresh.is_out(now()) is False
    with pytest.raises(DomainError):  # not approved: nothing to withdraw
        member_cases.withdraw_approval(fresh, actor=cohort.created_by, now=now())
    member_cases.approve_case(fresh, actor=cohort.created_by, now=now())  # late: out now
    out = Case.get_by_id(case.id)
    assert out.is_out(now()) is True
    with pytest.raises(DomainError):  # out: too late to withdraw
        member_cases.withdraw_approval(out, actor=cohort.created_by, now=now())
    actions = [e.action for e in cohort_log(cohort).entries]
    assert "case_approval_withdrawn" in actions
