"""Who earns the deposit back (docs/rules.md "Deposit"): deposit_standing at its edges, on a
real database, with the clock moved past ten cases that went out four days apart from the
factories' T0 (due 72 h after, 12 h of grace)."""
from datetime import UTC, date, datetime, timedelta

import pytest

from learnclub.domain.errors import Conflict, DomainError
from learnclub.domain.participation.deposit import (
    DepositState,
    cohort_end,
    deposit_book,
    deposit_standing,
    has_ended,
)
from learnclub.domain.participation.deposit_records import (
    mark_refunded,
    parse_yuan,
    record_deposit,
)
from learnclub.domain.participation.leave import excuse_learner
from learnclub.domain.participation.sweep import remove_member
from learnclub.models import Membership, Submission
from learnclub.models.cohorts import RemovalKind
from tests.factories import T0, make_case, make_cohort, make_member, make_user
from tests.query_count import count_queries

#: the tenth case's grace ends at T0 + 36 days + 84 h: a week later every case is closed
AFTER_ALL = T0 + timedelta(days=47)
LAST_DAY = date(2027, 1, 5)  #: in Shanghai; AFTER_ALL is 2027-01-08


@pytest.fixture
def cohort(app):
    return make_cohort(host=make_user(can_host=True, locale="en"), slug="lab",
                       deposit_fen=19900, deposit_percent=80)


@pytest.fixture
def cases(cohort):
    return [make_case(cohort, title=f"案例{i + 1}", publish_at=T0 + timedelta(days=4 * i))
            for i in range(10)]


def learner(cohort):
    user = make_member(cohort, make_user(locale="en"))
    return Membership.get((Membership.cohort == cohort) & (Membership.user == user))


def hand_in(cases, membership, *, on_time, late=0):
    """Homework on the first `on_time` cases on time, then `late` cases late."""
    for i, case in enumerate(cases[:on_time + late]):
        Submission.create(case=case, user=membership.user_id, body_md="作业", length=2,
                          submitted_at=case.publish_at + timedelta(hours=1),
                          updated_at=case.publish_at + timedelta(hours=1),
                          late_seconds=3600 if i >= on_time else 0)


def paid(cohort, membership, now=AFTER_ALL):
    record_deposit(cohort, membership, {"amount_fen": 19900, "received_on": date(2026, 11, 23),
                                        "method": "wechat"}, actor=cohort.created_by, now=now)


def ended(cohort):
    cohort.last_day = LAST_DAY
    cohort.save()
    return cohort


def test_exactly_the_share_on_time_earns_the_deposit_at_the_end(cohort, cases, clock):
    m = learner(ended(cohort))
    hand_in(cases, m, on_time=8)
    paid(cohort, m)

    standing = deposit_standing(cohort, m, AFTER_ALL)

    assert (standing.state, standing.on_time, standing.counted, standing.percent) == (
        DepositState.EARNED, 8, 10, 80)


def test_one_below_the_share_forfeits_and_a_late_homework_is_not_on_time(cohort, cases, clock):
    m = learner(ended(cohort))
    hand_in(cases, m, on_time=7, late=1)
    paid(cohort, m)

    standing = deposit_standing(cohort, m, AFTER_ALL)

    assert (standing.state, standing.on_time, standing.counted) == (
        DepositState.FORFEITED, 7, 10)


def test_while_the_cohort_runs_the_same_figures_are_on_track_or_at_risk(cohort, cases, clock):
    keeps, slips = learner(cohort), learner(cohort)
    hand_in(cases, keeps, on_time=8)
    hand_in(cases, slips, on_time=7)
    paid(cohort, keeps)
    paid(cohort, slips)

    assert [(s.state, s.on_time, s.counted) for s in (
        deposit_standing(cohort, keeps, AFTER_ALL), deposit_standing(cohort, slips, AFTER_ALL))
    ] == [(DepositState.ON_TRACK, 8, 10), (DepositState.AT_RISK, 7, 10)]


def test_no_counted_case_yet_is_on_track_and_at_the_end_earned(cohort, clock):
    case = make_case(cohort, title="刚发布", publish_at=AFTER_ALL - timedelta(hours=1))
    m = learner(cohort)
    paid(cohort, m)

    running = deposit_standing(cohort, m, AFTER_ALL)
    ended(cohort)
    after = deposit_standing(cohort, m, cohort_end(cohort) + timedelta(minutes=1))

    assert case.publish_at < AFTER_ALL
    assert (running.state, running.on_time, running.counted) == (DepositState.ON_TRACK, 0, 0)
    assert (after.state, after.counted) == (DepositState.EARNED, 0)


def test_an_open_case_counts_once_handed_in_on_time_and_not_before(cohort, clock):
    case = make_case(cohort, title="进行中", publish_at=AFTER_ALL - timedelta(hours=1))
    m = learner(cohort)
    paid(cohort, m)
    before = deposit_standing(cohort, m, AFTER_ALL)
    hand_in([case], m, on_time=1)

    after = deposit_standing(cohort, m, AFTER_ALL)

    assert [(s.on_time, s.counted) for s in (before, after)] == [(0, 0), (1, 1)]


def test_excused_cases_do_not_count(cohort, cases, clock):
    m = learner(ended(cohort))
    hand_in(cases, m, on_time=8)
    for case in cases[8:]:
        excuse_learner(case, m.user, actor=cohort.created_by, reason="出差",
                       now=case.publish_at + timedelta(hours=2))
    paid(cohort, m)

    standing = deposit_standing(cohort, m, AFTER_ALL)

    assert (standing.state, standing.on_time, standing.counted) == (
        DepositState.EARNED, 8, 8)


def test_a_case_that_went_out_before_joining_does_not_count(cohort, cases, clock):
    m = learner(cohort)
    Membership.update(joined_at=cases[5].publish_at + timedelta(hours=1)).where(
        Membership.id == m.id).execute()
    m = Membership.get_by_id(m.id)
    hand_in(cases[6:], m, on_time=4)
    paid(cohort, m)

    standing = deposit_standing(cohort, m, AFTER_ALL)

    assert (standing.state, standing.on_time, standing.counted) == (
        DepositState.ON_TRACK, 4, 4)


@pytest.mark.parametrize(("forfeits", "state"), [
    (True, DepositState.FORFEITED), (False, DepositState.REFUNDABLE)])
def test_removal_by_the_rule_follows_the_cohorts_setting(cohort, cases, clock, forfeits,
                                                         state):
    cohort.deposit_removal_forfeits = forfeits
    cohort.save()
    m = learner(cohort)
    hand_in(cases, m, on_time=10)
    paid(cohort, m)
    remove_member(m, kind=RemovalKind.STRIKES, actor=None, now=AFTER_ALL - timedelta(days=1),
                  case_ids=[cases[0].id], reason="未交作业")

    standing = deposit_standing(cohort, Membership.get_by_id(m.id), AFTER_ALL)

    assert standing.state == state


def test_no_deposit_recorded_is_not_received_with_its_figures(cohort, cases, clock):
    m = learner(ended(cohort))
    hand_in(cases, m, on_time=9)

    standing = deposit_standing(cohort, m, AFTER_ALL)

    assert (standing.state, standing.on_time, standing.counted, standing.deposit) == (
        DepositState.NOT_RECEIVED, 9, 10, None)


def test_the_cohort_ends_at_midnight_after_its_last_day_in_its_zone(cohort):
    ended(cohort)
    midnight = datetime(2027, 1, 5, 16, 0, tzinfo=UTC)  # 2027-01-06 00:00 in Shanghai

    assert cohort_end(cohort) == midnight
    assert [has_ended(cohort, midnight - timedelta(seconds=1)), has_ended(cohort, midnight)] \
        == [False, True]


def test_a_refund_is_marked_paid_once_and_only_when_due(cohort, cases, clock):
    m, short = learner(ended(cohort)), learner(cohort)
    hand_in(cases, m, on_time=10)
    paid(cohort, m)
    paid(cohort, short)

    mark_refunded(cohort, m, actor=cohort.created_by, now=AFTER_ALL)
    with pytest.raises(Conflict):
        mark_refunded(cohort, short, actor=cohort.created_by, now=AFTER_ALL)
    with pytest.raises(Conflict):
        paid(cohort, m)

    assert deposit_standing(cohort, m, AFTER_ALL).state == DepositState.REFUNDED
    assert deposit_standing(cohort, short, AFTER_ALL).state == DepositState.FORFEITED


@pytest.mark.parametrize(("text", "fen"), [("199", 19900), ("199.5", 19950), ("¥ 0.01", 1),
                                           ("0", 0), ("100000", 10_000_000)])
def test_amounts_in_yuan_are_kept_in_fen(text, fen):
    assert parse_yuan(text, field="amount") == fen


@pytest.mark.parametrize("text", ["", "-1", "100000.01", "1e3", "1.234", "一百", "NaN"])
def test_amounts_out_of_range_or_not_numbers_are_refused(text):
    with pytest.raises(DomainError, match="from 0 to 100000"):
        parse_yuan(text, field="amount")


def test_the_book_runs_the_same_queries_for_one_learner_as_for_twenty(cohort, cases, clock):
    def queries():
        with count_queries() as statements:
            book = deposit_book(cohort, AFTER_ALL)
        return len(statements), len(book.rows)

    paid(cohort, learner(cohort))
    one = queries()
    for _ in range(19):
        m = learner(cohort)
        hand_in(cases, m, on_time=5)
        paid(cohort, m)
    twenty = queries()

    assert (one[1], twenty[1]) == (1, 20)
    assert one[0] == twenty[0]
