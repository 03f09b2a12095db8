"""Who did their homework (docs/rules.md "Participation and removal"): the learner × case
matrix, one case's report, one learner's history, submission rates, featured homework, points.

Read-only. Each function runs a fixed number of queries, whatever the number of learners
or cases: rows are loaded in bulk and joined in Python.

A cell's state: "on_time" or "late" (a submission; late when `late_seconds` > 0),
"excused" (an Excuse row), "missed" (no submission nor excuse once grace is over), "open"
(nothing yet, window open or in grace), or "not_member": the learner joined after the case
went out, or had been removed before its grace ended, so nothing was expected.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from peewee import JOIN, fn

from learnclub.domain.cases import queries as case_queries
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError, NotFound, untranslated
from learnclub.domain.homework import queries as homework_queries
from learnclub.domain.participation.queries import (
    active_learners,
    had_real_window,
)
from learnclub.models import Case, Excuse, Membership, PointEvent, Submission, User
from learnclub.models.cohorts import MembershipStatus, Role

SORTS = ("name", "joined", "missed")
STATES = ("on_time", "late", "missed", "excused", "open", "not_member")
RANKED_ROLES = (Role.LEARNER, Role.GUEST)  #: staff hand out points; they are not ranked


@dataclass
class Cell:
    """One learner's homework on one case."""

    case: Case
    state: str
    submitted_at: datetime | None = None
    late_seconds: int = 0
    length: int = 0
    featured: bool = False
    excuse_reason: str = ""


@dataclass
class Row:
    """A learner and their cells, one per published case, with counts per state."""

    membership: Membership  #: with .user loaded
    cells: list
    counts: Counter = field(default_factory=Counter)

    @property
    def user(self):
        return self.membership.user

    @property
    def removed(self):
        return self.membership.status == MembershipStatus.REMOVED

    @property
    def submitted(self):
        return self.counts["on_time"] + self.counts["late"]


@dataclass
class Matrix:
    slots: list  #: published slots, oldest first: the columns
    rows: list
    sort: str


@dataclass
class Rate:
    slot: object
    submitted: int
    expected: int  #: active learners who were members when the case went out

    @property
    def percent(self):
        return round(100 * self.submitted / self.expected) if self.expected else 0


@dataclass
class CaseReport:
    slot: object
    on_time: list  #: [(membership, cell)], by submission time
    late: list
    missing: list  #: state "missed" once grace is over, "open" before
    excused: list


@dataclass
class Standing:
    membership: Membership
    points: int
    rank: int


def published_slots(cohort, *, now):
    """The schedule's slots whose case is out at `now`, oldest first (one query)."""
    return [s for s in schedule_of(cohort) if case_queries.is_out_at(s, now)]


def _learners(cohort, *, include_removed, user=None):
    query = active_learners(cohort, with_users=True) if not include_removed else (
        Membership.select(Membership, User).join(User)
        .where((Membership.cohort == cohort) & (Membership.role == Role.LEARNER)))
    if user is not None:
        query = query.where(Membership.user == user)
    return list(query)


def _work(case_ids, user=None, *, times=True):
    """Submissions and excuses on these cases, keyed by (case_id, user_id): two queries.
    Without `times`, no submission time (the heatmap shows none: 30,000 dates not parsed)."""
    subs = Submission.select(Submission.id, Submission.case, Submission.user,
                             *([Submission.submitted_at] if times else []),
                             Submission.late_seconds, Submission.length, Submission.featured_at)
    excuses = Excuse.select(Excuse.case, Excuse.user, Excuse.reason)
    subs, excuses = subs.where(Submission.case.in_(case_ids)), excuses.where(
        Excuse.case.in_(case_ids))
    if user is not None:
        subs, excuses = subs.where(Submission.user == user), excuses.where(Excuse.user == user)
    # named tuples, not model instances: a 500 × 60 cohort has 30,000 of them
    return ({(s.case, s.user): s for s in subs.namedtuples()},
            {(e.case, e.user): e for e in excuses.namedtuples()})


def was_member(membership, slot, *, min_hours):
    """Whether homework on this case was expected of the member: queries.had_real_window,
    the one rule for the sweep, tracking and progress (min_hours: the cohort's minimum)."""
    return had_real_window(membership, slot, min_hours=min_hours)


def cell_for(slot, membership, submission, excuse, *, now, min_hours):
    """The cell of one learner on one case at `now`; see the module's docstring."""
    if submission is not None:
        return Cell(slot.case, "late" if submission.late_seconds > 0 else "on_time",
                    getattr(submission, "submitted_at", None), submission.late_seconds,
                    submission.length,
                    submission.featured_at is not None)
    if excuse is not None:
        return Cell(slot.case, "excused", excuse_reason=excuse.reason)
    if not was_member(membership, slot, min_hours=min_hours):
        return Cell(slot.case, "not_member")
    return Cell(slot.case, "missed" if now >= slot.grace_until else "open")


def _rows(cohort, slots, memberships, *, now, user=None, times=True):
    subs, excuses = _work([s.case.id for s in slots], user, times=times)
    rows = []
    for m in memberships:
        cells = [cell_for(s, m, subs.get((s.case.id, m.user_id)),
                          excuses.get((s.case.id, m.user_id)), now=now,
                          min_hours=cohort.min_window_hours) for s in slots]
        rows.append(Row(m, cells, Counter(c.state for c in cells)))
    return rows


def _name_key(row):
    return (row.user.display_name.casefold(), row.user.id)


_SORT_KEYS = {
    "name": _name_key,
    "joined": lambda r: (r.membership.joined_at, *_name_key(r)),
    "missed": lambda r: (-r.counts["missed"], *_name_key(r)),
}


def participation_matrix(cohort, *, now, sort="name", include_removed=False, times=True,
                         tr=untranslated):
    """Learners × published cases with each cell's state, sorted; removed learners last;
    without `times`, cells have no submission time. Four queries; DomainError for a sort
    not in SORTS."""
    if sort not in SORTS:
        raise DomainError(tr("Unknown order for the table."), field="sort")
    slots = published_slots(cohort, now=now)
    rows = _rows(cohort, slots, _learners(cohort, include_removed=include_removed), now=now,
                 times=times)
    rows.sort(key=lambda r: (r.removed, *_SORT_KEYS[sort](r)))
    return Matrix(slots, rows, sort)


PER_PAGE = 50  #: learners a heatmap page: 50 × 60 cases is ~500 KB of accessible cells


def matrix_page(matrix, page):
    """(the rows on that page of the matrix, the page moved into range, how many pages)."""
    pages = max(1, -(-len(matrix.rows) // PER_PAGE))
    page = min(max(page, 1), pages)
    return matrix.rows[(page - 1) * PER_PAGE:page * PER_PAGE], page, pages


def rates_from(matrix):
    """Per column of the matrix: how many active learners handed in, of those expected."""
    active = [r for r in matrix.rows if not r.removed]
    rates = []
    for i, slot in enumerate(matrix.slots):
        states = [r.cells[i].state for r in active]
        expected = sum(1 for s in states if s != "not_member")
        rates.append(Rate(slot, sum(1 for s in states if s in ("on_time", "late")), expected))
    return rates


def submission_rates(cohort, *, now):
    """Per published case, oldest first: submitted count over active learners (a Rate)."""
    return rates_from(participation_matrix(cohort, now=now))


def case_report(cohort, case, *, now, tr=untranslated):
    """Who handed in on time, late, nothing yet or missed, or was excused, for one case.

    Removed learners who were members then are included. Raises NotFound if not published.
    """
    slots = [s for s in published_slots(cohort, now=now) if s.case.id == case.id]
    if not slots:
        raise NotFound(tr("This case is not out yet."))
    rows = _rows(cohort, slots, _learners(cohort, include_removed=True), now=now)
    rows.sort(key=_name_key)
    by_state = {state: [(r.membership, r.cells[0]) for r in rows if r.cells[0].state == state]
                for state in STATES}
    return CaseReport(slots[0], sorted(by_state["on_time"], key=lambda p: p[1].submitted_at),
                      sorted(by_state["late"], key=lambda p: p[1].submitted_at),
                      by_state["missed"] + by_state["open"], by_state["excused"])


def learner_history(cohort, user, *, now, reader=None, tr=untranslated):
    """A learner's Row over every published case (removed learners too); NotFound if none.

    With `reader`, over the published cases that reader sees (cases.queries.out_slots):
    staff every one, a removed learner reading their own those out before their removal."""
    memberships = _learners(cohort, include_removed=True, user=user)
    if not memberships:
        raise NotFound(tr("This person is not a learner of this cohort."))
    slots = published_slots(cohort, now=now) if reader is None else \
        case_queries.out_slots(cohort, reader, now=now)
    return _rows(cohort, slots, memberships, now=now, user=user)[0]


def require_history_reader(actor, cohort, user_id, *, tr=untranslated):
    """The learner themself (even once removed) or staff tracking homework; else NotAllowed."""
    if getattr(actor, "is_authenticated", False) and actor.id == user_id:
        return None
    return access.require(actor, "track_homework", cohort, tr=tr)


def featured_submissions(cohort, *, now, reader=None, everything=False):
    """Featured homework of published cases, newest case first: [(slot, [submission])],
    as the reader may read it (homework.queries.featured_picks; without a reader, as a
    member who has written nothing, or staff if `everything`). Each has .user loaded."""
    slots = published_slots(cohort, now=now) if reader is None else \
        case_queries.out_slots(cohort, reader, now=now)
    picks = homework_queries.featured_picks(cohort, slots, reader, now=now,
                                            everything=everything)
    return [(s, picks[s.case.id]) for s in reversed(slots) if s.case.id in picks]


def _require_points(cohort, tr):
    if not cohort.points_enabled:
        raise NotFound(tr("This cohort does not keep points."))


def leaderboard(cohort, *, tr=untranslated):
    """Active learners and guests with their total points and rank (1, 2, 2, 4 …).

    Two queries. Raises NotFound when the cohort keeps no points.
    """
    _require_points(cohort, tr)
    members = (Membership.select(Membership, User).join(User)
               .where((Membership.cohort == cohort)
                      & (Membership.status == MembershipStatus.ACTIVE)
                      & Membership.role.in_(RANKED_ROLES)))
    totals = dict(PointEvent.select(PointEvent.user, fn.SUM(PointEvent.points))
                  .where(PointEvent.cohort == cohort).group_by(PointEvent.user).tuples())
    ranked = sorted(((m, int(totals.get(m.user_id) or 0)) for m in members),
                    key=lambda p: (-p[1], p[0].user.display_name.casefold(), p[0].user_id))
    standings = []
    for i, (membership, points) in enumerate(ranked):
        tied = standings and standings[-1].points == points
        standings.append(Standing(membership, points, standings[-1].rank if tied else i + 1))
    return standings


def points_history(cohort, user, *, tr=untranslated):
    """(membership, [PointEvent with .case or None], total), newest first; NotFound if none."""
    _require_points(cohort, tr)
    membership = (Membership.select(Membership, User).join(User)
                  .where((Membership.cohort == cohort) & (Membership.user == user)).first())
    if membership is None:
        raise NotFound(tr("This person is not a member of this cohort."))
    events = list(PointEvent.select(PointEvent, Case).join(Case, JOIN.LEFT_OUTER)
                  .where((PointEvent.cohort == cohort) & (PointEvent.user == user))
                  .order_by(PointEvent.created_at.desc(), PointEvent.id.desc()))
    return membership, events, sum(e.points for e in events)
