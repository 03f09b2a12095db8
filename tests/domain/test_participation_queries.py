"""The participation area's questions (domain/participation/queries.py): the one
active-learner filter, where a learner stands against the strike limit, and removal reasons
read from their fields.

The case is published at T0 in a cohort with the defaults (due 72 h later, 12 h of grace,
one strike) unless a test says otherwise."""
from datetime import timedelta

import pytest

from learnclub.domain.participation import queries
from learnclub.domain.participation.queries import MissStanding, RemovalReason
from learnclub.domain.participation.readmission import readmit
from learnclub.domain.participation.sweep import remove_member, sweep_all
from learnclub.models import Case, Cohort, Membership, MembershipEvent, Miss
from learnclub.models.cohorts import MembershipStatus, RemovalKind, Role
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries

AFTER_GRACE = T0 + timedelta(hours=84)
LATER = AFTER_GRACE + timedelta(days=1)


@pytest.fixture
def cohort(app):
    return make_cohort(slug="lab")


def membership(cohort, user):
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


def sweep(now):
    return sweep_all(now=now, base_url="http://localhost")


def miss(cohort, case, user, at=AFTER_GRACE):
    Miss.create(cohort=cohort, user=user, case=case, created_at=at)


# ---- the one active-learner filter -------------------------------------------------------

def test_active_learners_are_the_learners_still_in_the_cohort(cohort):
    active = make_member(cohort)
    make_member(cohort, status="removed")
    make_member(cohort, role="guest")
    make_member(cohort, role="assistant")
    make_member(make_cohort(), make_user())

    found = [(m.user_id, m.user.display_name)
             for m in queries.active_learners(cohort, with_users=True)]

    assert found == [(active.id, active.display_name)]
    assert [m.user_id for m in queries.active_learners(cohort)] == [active.id]


def test_is_active_learner_agrees_with_the_filter(cohort):
    for role in Role:
        for status in MembershipStatus:
            make_member(cohort, role=role, status=status)
    filtered = {m.id for m in queries.active_learners(cohort)}

    loaded = {m.id for m in Membership.select().where(Membership.cohort == cohort)
              if m.is_active_learner}

    assert (loaded, len(filtered)) == (filtered, 1)


def test_active_learner_of_a_stranger_or_an_impossible_id_is_none(cohort):
    learner = make_member(cohort)
    removed = make_member(cohort, status="removed")

    assert queries.active_learner(cohort, learner.id).user_id == learner.id
    assert [queries.active_learner(cohort, i) for i in (removed.id, 2**64, 0, None)] == [
        None] * 4


def test_role_and_status_are_stored_as_before(cohort):
    make_member(cohort, role=Role.LEARNER, status=MembershipStatus.REMOVED)

    stored = Membership.select(Membership.role, Membership.status).where(
        Membership.cohort == cohort).order_by(Membership.id).tuples()

    assert list(stored) == [("host", "active"), ("learner", "removed")]


# ---- standing against the strike limit ---------------------------------------------------

def test_standing_without_misses_has_the_whole_limit(cohort):
    make_case(cohort)
    learner = make_member(cohort)

    assert queries.standing(cohort, membership(cohort, learner), now=T0) == MissStanding(
        misses=0, limit=1, remaining=1, paused=False, pending_removal=False)


def test_standing_with_a_miss_at_the_limit_is_pending_removal(app):
    cohort = make_cohort(strike_limit=2)
    first, second = make_case(cohort), make_case(cohort, publish_at=T0 + timedelta(days=4))
    learner = make_member(cohort)
    miss(cohort, first, learner)
    one = queries.standing(cohort, membership(cohort, learner), now=LATER)
    miss(cohort, second, learner, at=LATER)

    two = queries.standing(cohort, membership(cohort, learner), now=LATER)

    assert (one.misses, one.remaining, one.pending_removal) == (1, 1, False)
    assert (two.misses, two.remaining, two.pending_removal) == (2, 0, True)


def test_standing_while_removals_are_paused_is_not_pending(cohort):
    case = make_case(cohort)
    Cohort.update(removals_paused=True).where(Cohort.id == cohort.id).execute()
    cohort = Cohort.get_by_id(cohort.id)
    learner = make_member(cohort)
    miss(cohort, case, learner)

    assert queries.standing(cohort, membership(cohort, learner), now=LATER) == MissStanding(
        misses=1, limit=1, remaining=0, paused=True, pending_removal=False)


def test_standing_readmitted_with_misses_kept_counts_only_the_next_miss(cohort):
    make_case(cohort)
    learner = make_member(cohort)
    sweep(AFTER_GRACE)
    readmit(membership(cohort, learner), actor=cohort.created_by, reason="给一次机会",
            reset_misses=False, now=LATER)

    standing = queries.standing(cohort, membership(cohort, learner), now=LATER)

    assert standing == MissStanding(misses=1, limit=1, remaining=1, paused=False,
                                    pending_removal=False)
    assert queries.standing_of(cohort, [membership(cohort, learner)]) == {learner.id: (1, False)}


def test_standing_ignores_voided_misses_and_misses_after_now(cohort):
    case, later = make_case(cohort), make_case(cohort, publish_at=T0 + timedelta(days=4))
    learner = make_member(cohort)
    Miss.create(cohort=cohort, user=learner, case=case, created_at=AFTER_GRACE,
                voided_at=AFTER_GRACE, void_reason="excused")
    miss(cohort, later, learner, at=LATER)

    assert queries.standing(cohort, membership(cohort, learner), now=AFTER_GRACE).misses == 0


def test_standings_of_many_learners_run_one_query(cohort):
    case = make_case(cohort)
    learners = [make_member(cohort) for _ in range(5)]
    for learner in learners[:3]:
        miss(cohort, case, learner)
    members = list(Membership.select().where(Membership.role == "learner"))

    with count_queries() as statements:
        found = queries.standings(cohort, members, now=LATER)

    assert len(statements) == 1
    assert [found[u.id].misses for u in learners] == [1, 1, 1, 0, 0]


# ---- removal reasons as fields -----------------------------------------------------------

def test_sweep_removal_stores_the_kind_and_the_cases_and_keeps_the_words(cohort):
    case = make_case(cohort, title="小区生鲜团购")
    learner = make_member(cohort)

    sweep(AFTER_GRACE)

    member = membership(cohort, learner)
    event = MembershipEvent.get(MembershipEvent.action == "removed")
    assert (member.removed_kind, member.removed_case_ids, member.removed_reason) == (
        "strikes", [case.id], "strikes: 小区生鲜团购")
    assert (event.reason_kind, event.case_ids, event.reason) == (
        "strikes", [case.id], "strikes: 小区生鲜团购")
    assert queries.removal_reason(member) == queries.removal_reason(event) == RemovalReason(
        "strikes", ("小区生鲜团购",), "strikes: 小区生鲜团购")


def test_removal_reason_names_a_case_by_its_title_now(cohort):
    case = make_case(cohort, title="小区生鲜团购")
    learner = make_member(cohort)
    sweep(AFTER_GRACE)
    Case.update(title="社区团购：生鲜").where(Case.id == case.id).execute()

    reason = queries.removal_reason(membership(cohort, learner))

    assert reason.cases == ("社区团购：生鲜",)


def test_removal_by_host_keeps_what_they_typed(cohort):
    learner = make_member(cohort)

    removed = remove_member(membership(cohort, learner), kind=RemovalKind.BY_HOST,
                            actor=cohort.created_by, now=T0, reason="多次发广告")

    member = membership(cohort, learner)
    assert (removed, member.status, member.removed_at) == (True, "removed", T0)
    assert queries.removal_reason(member) == RemovalReason("by_host", (), "多次发广告")
    assert [(e.actor_id, e.reason_kind, e.case_ids, e.reason) for e in MembershipEvent.select()
            .where(MembershipEvent.action == "removed")] == [
        (cohort.created_by_id, "by_host", [], "多次发广告")]


def test_removing_someone_already_removed_changes_nothing(cohort):
    learner = make_member(cohort, status="removed")

    removed = remove_member(membership(cohort, learner), kind=RemovalKind.LEFT, actor=None,
                            now=T0)

    assert (removed, membership(cohort, learner).removed_kind) == (False, "")


def test_removal_reasons_of_many_name_their_cases_in_one_query(cohort):
    cases = [make_case(cohort, title=f"案例{i}", publish_at=T0 + timedelta(days=4 * i))
             for i in range(3)]
    learners = [make_member(cohort) for _ in range(4)]
    for i, learner in enumerate(learners):
        Membership.update(status="removed", removed_at=T0, removed_kind="strikes",
                          removed_case_ids=[c.id for c in cases[:i]]).where(
            Membership.user == learner).execute()
    members = [membership(cohort, learner) for learner in learners]

    with count_queries() as statements:
        reasons = queries.removal_reasons(members)

    assert len(statements) == 1
    assert [reasons[m.id].cases for m in members] == [
        (), ("案例0",), ("案例0", "案例1"), ("案例0", "案例1", "案例2")]


@pytest.mark.parametrize(("words", "reason"), [
    ("strikes: 案例一, 案例二",
     RemovalReason("strikes", ("案例一, 案例二",), "strikes: 案例一, 案例二")),
    ("strikes", RemovalReason("strikes", (), "strikes")),
    ("家里有事", RemovalReason("", (), "家里有事")),
    ("strikes out", RemovalReason("", (), "strikes out")),
])
def test_unconverted_words_are_read_as_they_were_stored(words, reason):
    assert queries.unconverted_reason(words) == reason
