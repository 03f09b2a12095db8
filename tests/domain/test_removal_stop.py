"""The safety stop on mass removal, removal by hand and leaving (issue 13, points 4 and 10;
docs/rules.md "Participation and removal"), on a real database and the test clock."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from learnclub.domain.errors import Conflict, DomainError, NotAllowed
from learnclub.domain.participation.leaving import (
    confirm_held_removals,
    leave_cohort,
    remove_by_host,
)
from learnclub.domain.participation.readmission import readmit
from learnclub.domain.participation.safety_stop import removal_held, removal_stop
from learnclub.domain.participation.sweep import plan_sweep, sweep_all
from learnclub.models import Cohort, Membership, MembershipEvent, Miss, OutboxMessage
from tests.factories import make_case, make_cohort, make_member, make_user

BASE = "http://localhost"
STOP = SimpleNamespace(removal_stop_percent=20, removal_stop_count=5)


# The threshold -------------------------------------------------------------------------------

@pytest.mark.parametrize(("active", "allowed"), [
    (100, 5),  # 20 % is 20 people: 5 is fewer
    (29, 5),  # 20 % is 5.8: 5 is fewer
    (25, 5),  # both are 5
    (10, 2),  # 20 % is 2: fewer than 5
    (12, 2),  # 20 % is 2.4, rounded down
    (3, 1),  # 20 % is 0.6: one removal is never held
])
def test_removal_stop_is_the_fewer_of_the_share_and_the_count(active, allowed):
    assert removal_stop(STOP, active) == allowed


@pytest.mark.parametrize(("removals", "active", "held"), [
    (5, 25, False), (6, 25, True),  # exactly at the threshold is allowed
    (5, 100, False), (6, 100, True),
    (2, 10, False), (3, 10, True),
    (1, 3, False), (2, 3, True),
    (29, 29, True),
])
def test_removal_held_only_above_the_threshold(removals, active, held):
    assert removal_held(STOP, removals, active) == held


def test_removal_stop_follows_the_cohort_setting():
    lenient = SimpleNamespace(removal_stop_percent=50, removal_stop_count=100)

    assert (removal_stop(lenient, 10), removal_held(lenient, 5, 10),
            removal_held(lenient, 6, 10)) == (5, False, True)


# The sweep holds -----------------------------------------------------------------------------

@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab")


def closed_case_with(cohort, clock, learners):
    """`learners` active learners who joined long ago; a case out 4 days ago, nobody wrote."""
    people = [make_member(cohort, make_user(locale="en")) for _ in range(learners)]
    case = make_case(cohort, title="小区生鲜团购", publish_at=clock.now() - timedelta(days=4))
    return people, case


def status_of(cohort, users):
    return sorted(Membership.get((Membership.cohort == cohort) & (Membership.user == u)).status
                  for u in users)


def held_mails():
    return list(OutboxMessage.select().where(OutboxMessage.key.contains(":removals-held:")))


def test_sweep_over_the_stop_records_misses_removes_nobody_and_mails_staff_once(cohort, clock):
    assistant = make_member(cohort, make_user(locale="en"), role="assistant")
    people, _case = closed_case_with(cohort, clock, 7)

    first = sweep_all(now=clock.now(), base_url=BASE)
    second = sweep_all(now=clock.advance(hours=1), base_url=BASE)

    assert [(p.held, len(p.removals)) for p in first + second] == [(True, 7), (True, 7)]
    assert status_of(cohort, people) == ["active"] * 7
    assert Miss.select().count() == 7
    assert sorted(m.user_id for m in held_mails()) == sorted([cohort.created_by_id,
                                                              assistant.id])
    mail = held_mails()[0]
    assert mail.subject == "社群实验室: the check held 7 removals"
    assert "more than its safety stop allows (20 % of the active learners or 5 people" \
        in mail.body
    stored = Cohort.get_by_id(cohort.id)
    assert sorted(stored.removals_held_ids) == sorted(u.id for u in people)
    assert stored.removals_held_at is not None
    assert OutboxMessage.select().where(OutboxMessage.key.startswith("removal:")).count() == 0


def test_sweep_at_the_stop_removes_as_before(cohort, clock):
    people, case = closed_case_with(cohort, clock, 10)
    from learnclub.models import Submission
    for user in people[2:]:
        Submission.create(case=case, user=user, body_md="写了", submitted_at=clock.now(),
                          updated_at=clock.now())

    (plan,) = sweep_all(now=clock.now(), base_url=BASE)

    assert (plan.held, len(plan.removals)) == (False, 2)
    assert status_of(cohort, people) == ["active"] * 8 + ["removed"] * 2
    assert held_mails() == []


def test_dry_run_says_would_hold_and_changes_nothing(cohort, clock):
    people, _case = closed_case_with(cohort, clock, 6)

    (plan,) = sweep_all(now=clock.now(), base_url=BASE, dry_run=True)

    assert (plan.held, len(plan.removals)) == (True, 6)
    assert (Miss.select().count(), held_mails()) == (0, [])
    assert Cohort.get_by_id(cohort.id).removals_held_at is None


def test_host_confirms_a_held_sweep_removes_them_logged_as_the_host(cohort, clock):
    people, _case = closed_case_with(cohort, clock, 6)
    sweep_all(now=clock.now(), base_url=BASE)
    host = cohort.created_by

    plan = confirm_held_removals(cohort, actor=host, now=clock.advance(hours=1),
                                 base_url=BASE)

    assert len(plan.removals) == 6
    assert status_of(cohort, people) == ["removed"] * 6
    events = list(MembershipEvent.select().where(MembershipEvent.action == "removed"))
    assert sorted((e.actor_id, e.reason_kind) for e in events) == [(host.id, "strikes")] * 6
    assert OutboxMessage.select().where(OutboxMessage.key.startswith("removal:")).count() == 6
    stored = Cohort.get_by_id(cohort.id)
    assert (stored.removals_held_at, stored.removals_held_ids) == (None, [])
    with pytest.raises(Conflict):
        confirm_held_removals(cohort, actor=host, now=clock.now(), base_url=BASE)


def test_excusing_the_case_releases_the_hold(cohort, clock):
    from learnclub.domain.participation.leave import excuse_learner
    people, case = closed_case_with(cohort, clock, 6)
    sweep_all(now=clock.now(), base_url=BASE)
    for user in people:
        excuse_learner(case, user, actor=cohort.created_by, reason="案例出错",
                       now=clock.now())

    (plan,) = sweep_all(now=clock.advance(hours=1), base_url=BASE)

    assert (plan.held, plan.removals) == (False, [])
    assert status_of(cohort, people) == ["active"] * 6
    assert Cohort.get_by_id(cohort.id).removals_held_at is None
    assert plan_sweep(cohort, now=clock.now()).removals == []


# Removal by hand and leaving -----------------------------------------------------------------

def membership(cohort, user):
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


def test_host_removes_a_member_by_hand_with_a_reason_and_a_notice(cohort, clock):
    user = make_member(cohort, make_user(locale="en"))
    host = cohort.created_by

    assert remove_by_host(membership(cohort, user), actor=host, reason="在群里发广告",
                          now=clock.now(), base_url=BASE)

    member = membership(cohort, user)
    assert (member.status, member.removed_kind, member.removed_reason) == \
        ("removed", "by_host", "在群里发广告")
    event = MembershipEvent.get(MembershipEvent.user == user)
    assert (event.action, event.actor_id, event.reason_kind, event.reason) == \
        ("removed", host.id, "by_host", "在群里发广告")
    (mail,) = OutboxMessage.select().where(OutboxMessage.user == user)
    assert mail.subject == "You have left 社群实验室"
    assert "The reason they gave:\n\n在群里发广告" in mail.body


def test_remove_by_hand_needs_a_reason_and_spares_hosts(cohort, clock):
    user = make_member(cohort)
    other_host = make_member(cohort, role="host")
    host = cohort.created_by

    with pytest.raises(DomainError):
        remove_by_host(membership(cohort, user), actor=host, reason=" ", now=clock.now(),
                       base_url=BASE)
    with pytest.raises(NotAllowed):
        remove_by_host(membership(cohort, other_host), actor=host, reason="不合适",
                       now=clock.now(), base_url=BASE)
    assert status_of(cohort, [user, other_host]) == ["active", "active"]


def test_learner_leaves_keeping_their_homework_and_can_be_readmitted(cohort, clock):
    user = make_member(cohort, make_user(locale="en"))
    case = make_case(cohort, publish_at=clock.now() - timedelta(hours=1))
    from learnclub.models import Submission
    Submission.create(case=case, user=user, body_md="我的作业", submitted_at=clock.now(),
                      updated_at=clock.now())

    assert leave_cohort(membership(cohort, user), now=clock.now(), base_url=BASE)

    member = membership(cohort, user)
    assert (member.status, member.removed_kind) == ("removed", "left")
    event = MembershipEvent.get(MembershipEvent.user == user)
    assert (event.actor_id, event.reason_kind) == (user.id, "left")
    assert Submission.select().where(Submission.user == user).count() == 1
    (mail,) = OutboxMessage.select().where(OutboxMessage.user == user)
    assert mail.subject == "You have left 社群实验室"
    with pytest.raises(Conflict):
        leave_cohort(member, now=clock.now(), base_url=BASE)

    readmit(member, actor=cohort.created_by, reason="想回来", reset_misses=True,
            now=clock.advance(hours=1))
    assert membership(cohort, user).status == "active"


def test_member_removed_by_hand_can_be_readmitted(cohort, clock):
    user = make_member(cohort)
    remove_by_host(membership(cohort, user), actor=cohort.created_by, reason="广告",
                   now=clock.now(), base_url=BASE)

    readmit(membership(cohort, user), actor=cohort.created_by, reason="误会一场",
            reset_misses=False, now=clock.advance(hours=1))

    assert [e.action for e in MembershipEvent.select().where(MembershipEvent.user == user)
            .order_by(MembershipEvent.id)] == ["removed", "readmitted"]
    assert membership(cohort, user).status == "active"
