"""Who earns the deposit (押金) back (docs/rules.md "Deposit"): the one rule, for the member's
own page, the staff's list, the refund list and its CSV.

A case counts for a member when they owed homework on it (queries.window_gap: it asked for
homework, they were in the cohort when it went out and had a real window), it was not
excused (staff or approved leave), and it is decided: handed in, or closed as a miss under
the participation counting rule (counting.why_not_counted: not paused, no extension still
running, no voided miss). It counts on time if handed in before its due time. The member
earns the deposit back by handing in on time at least the cohort's `deposit_percent` of
the cases that counted; with none counted, nothing was missed. Read-only; a fixed number of
queries for any number of members."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from learnclub.domain.participation import counting
from learnclub.domain.participation.queries import window_gap
from learnclub.domain.participation.tracking import published_slots
from learnclub.models import Membership, Miss, Submission, User
from learnclub.models.cohorts import MembershipStatus, Role
from learnclub.models.deposits import Deposit


class DepositState(StrEnum):
    """Where a member's deposit stands, as deposit_standing decides it."""

    NOT_RECEIVED = "not_received"  #: staff recorded none
    ON_TRACK = "on_track"  #: the cohort runs and the member meets the rule so far
    AT_RISK = "at_risk"  #: the cohort runs and the member is below the rule so far
    EARNED = "earned"  #: the cohort ended and the member met the rule: refund due
    FORFEITED = "forfeited"  #: below the rule at the end, or removed where removal forfeits
    REFUNDABLE = "refundable"  #: removed where removal does not forfeit: refund due
    REFUNDED = "refunded"  #: staff marked the refund paid


#: the states in which the deposit is to be paid back
TO_REFUND = (DepositState.EARNED, DepositState.REFUNDABLE)


@dataclass(frozen=True)
class DepositStanding:
    """A member's deposit and the figures the rule decides it on."""

    state: DepositState
    on_time: int  #: cases that counted and were handed in on time
    counted: int  #: cases that counted for the member so far
    percent: int  #: the share (%) of counted cases to hand in on time
    deposit: Deposit | None  #: as recorded, or None

    @property
    def meets(self):
        """Whether the figures meet the rule (exactly the share is enough; none counted too)."""
        return meets_rule(self.on_time, self.counted, self.percent)

    @property
    def amount_fen(self):
        return self.deposit.amount_fen if self.deposit is not None else 0

    @property
    def on_time_percent(self):
        """The on-time share, rounded down; None with no case counted."""
        return self.on_time * 100 // self.counted if self.counted else None


def meets_rule(on_time, counted, percent):
    """on_time / counted ≥ percent %, in whole numbers (8 of 10 meets 80 %)."""
    return on_time * 100 >= percent * counted


def cohort_end(cohort):
    """The instant the cohort ends (the midnight after its last day, in its zone), or None."""
    if cohort.last_day is None:
        return None
    local = datetime.combine(cohort.last_day + timedelta(days=1), time(), ZoneInfo(
        cohort.timezone))
    return local.astimezone(ZoneInfo("UTC"))


def has_ended(cohort, now):
    """Whether the cohort's last day is over at `now`."""
    end = cohort_end(cohort)
    return end is not None and now >= end


def deposit_standing(cohort, membership, now):
    """The member's DepositStanding at `now` (see the module's docstring). Eight queries."""
    return deposit_standings(cohort, [membership], now)[membership.id]


def deposit_standings(cohort, memberships, now):
    """{membership id: DepositStanding} at `now`: eight queries whatever their number."""
    user_ids = [m.user_id for m in memberships]
    if not user_ids:
        return {}
    slots = published_slots(cohort, now=now)
    ids = [s.case.id for s in slots]
    work = counting.work_on(cohort, ids, now=now)
    on_time = set(Submission.select(Submission.case, Submission.user).where(
        Submission.case.in_(ids) & (Submission.late_seconds <= 0)
        & Submission.user.in_(user_ids)).tuples()) if ids else set()
    voided = set(Miss.select(Miss.case, Miss.user).where(
        (Miss.cohort == cohort) & Miss.voided_at.is_null(False)
        & Miss.user.in_(user_ids)).tuples())
    deposits = {d.user_id: d for d in Deposit.select().where(
        (Deposit.cohort == cohort) & Deposit.user.in_(user_ids))}
    ended = has_ended(cohort, now)
    standings = {}
    for m in memberships:
        counted = made = 0
        for slot in slots:
            decided = _counts(cohort, m, slot, work, voided, now)
            if decided:
                counted += 1
                made += (slot.case.id, m.user_id) in on_time
        standings[m.id] = DepositStanding(
            _state(cohort, m, deposits.get(m.user_id), meets_rule(made, counted,
                                                                  cohort.deposit_percent),
                   ended),
            made, counted, cohort.deposit_percent, deposits.get(m.user_id))
    return standings


def _counts(cohort, membership, slot, work, voided, now):
    """Whether this case counts for the member at `now` (the module's docstring)."""
    key = (slot.case.id, membership.user_id)
    gap = window_gap(membership, slot, min_hours=cohort.min_window_hours,
                     extended_until=work.extended.get(key))
    if gap is not None or key in work.excused:
        return False
    if key in work.done:
        return True
    if now < slot.grace_until:
        return False  # still open: not decided yet
    return counting.why_not_counted(gap, slot, key, work, voided) is None


def _state(cohort, membership, deposit, meets, ended):
    if deposit is None:
        return DepositState.NOT_RECEIVED
    if deposit.refunded_at is not None:
        return DepositState.REFUNDED
    if membership.status == MembershipStatus.REMOVED:
        return DepositState.FORFEITED if cohort.deposit_removal_forfeits \
            else DepositState.REFUNDABLE
    if ended:
        return DepositState.EARNED if meets else DepositState.FORFEITED
    return DepositState.ON_TRACK if meets else DepositState.AT_RISK


def shows_deposit(cohort, standing):
    """Whether a member's page tells their deposit: the cohort asks one, or one is recorded."""
    return cohort.deposit_fen > 0 or standing.deposit is not None


def own_standing(cohort, membership, now):
    """The standing a member reads of their own deposit (their cohort page, the API), or
    None where nothing is said of it: no membership, not a learner, or `shows_deposit` says
    no. Eight queries (none without a learner's membership)."""
    if membership is None or membership.role != Role.LEARNER:
        return None
    standing = deposit_standing(cohort, membership, now)
    return standing if shows_deposit(cohort, standing) else None


@dataclass(frozen=True)
class DepositRow:
    """One learner on the staff's deposit list."""

    membership: Membership  #: with .user
    standing: DepositStanding

    @property
    def user(self):
        return self.membership.user


@dataclass(frozen=True)
class DepositBook:
    """The cohort's deposits: a row per learner (active first, by name), and the totals."""

    rows: list
    received_fen: int  #: everything recorded as received
    to_refund_fen: int  #: earned or refundable, not yet paid back
    refunded_fen: int
    forfeited_fen: int


def deposit_book(cohort, now):
    """Every learner of the cohort (removed ones too) with their standing, and the totals:
    nine queries whatever the number of learners."""
    memberships = list(Membership.select(Membership, User).join(User).where(
        (Membership.cohort == cohort) & (Membership.role == Role.LEARNER))
        .order_by(Membership.status, User.display_name, User.id))
    standings = deposit_standings(cohort, memberships, now)
    rows = [DepositRow(m, standings[m.id]) for m in memberships]

    def total(*states):
        return sum(r.standing.amount_fen for r in rows if r.standing.state in states)
    return DepositBook(rows, sum(r.standing.amount_fen for r in rows), total(*TO_REFUND),
                       total(DepositState.REFUNDED), total(DepositState.FORFEITED))
