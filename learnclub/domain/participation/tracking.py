"""Who did their homework (docs/rules.md "Participation and removal"): the learner × case
matrix, one case's report, one learner's history, submission rates, featured homework
(points: standings.py).

Read-only. Each function runs a fixed number of queries, whatever the number of learners
or cases: rows are loaded in bulk and joined in Python.

A cell's state: "on_time" or "late" (a submission; late when `late_seconds` > 0),
"excused" (an Excuse row), "missed" (no submission nor excuse once grace is over), "open"
(nothing yet, window open or in grace), or "not_member": the learner joined after the case
went out, or had been removed before its grace ended, so nothing was expected.
"""
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from learnclub.domain.cases import queries as case_queries
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError, NotFound, untranslated
from learnclub.domain.homework import queries as homework_queries
from learnclub.domain.participation.queries import (
    active_learners,
    had_real_window,
)
from learnclub.models import Case, Excuse, Membership, Submission, User
from learnclub.models.cohorts import MembershipStatus, Role

SORTS = ("name", "joined", "missed")
STATES = ("on_time", "late", "missed", "excused", "open", "not_member")
CODE = {state: i for i, state in enumerate(STATES)}  #: a state's byte in Row.states


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
    cells: list | None  #: None in a matrix built without cells, until its page is filled
    counts: Counter = field(default_factory=Counter)
    states: bytes = b""  #: one code a case (an index into STATES): what rates and sorts read

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


def _work(case_ids, user=None, *, times=True, users=None):
    """Submissions and excuses on these cases, keyed by (case_id, user_id): two queries; of
    one user, or of the `users` (ids) given. Without `times`, no submission time (the
    heatmap shows none: 30,000 dates not parsed)."""
    subs = Submission.select(Submission.id, Submission.case, Submission.user,
                             *([Submission.submitted_at] if times else []),
                             Submission.late_seconds, Submission.length, Submission.featured_at)
    excuses = Excuse.select(Excuse.case, Excuse.user, Excuse.reason)
    subs, excuses = subs.where(Submission.case.in_(case_ids)), excuses.where(
        Excuse.case.in_(case_ids))
    if user is not None:
        subs, excuses = subs.where(Submission.user == user), excuses.where(Excuse.user == user)
    if users is not None:
        subs, excuses = (subs.where(Submission.user.in_(users)),
                         excuses.where(Excuse.user.in_(users)))
    # named tuples, not model instances: a 500 × 60 cohort has 30,000 of them
    return ({(s.case, s.user): s for s in subs.namedtuples()},
            {(e.case, e.user): e for e in excuses.namedtuples()})


def state_of(slot, membership, late_seconds, excused, *, now, min_hours):
    """A cell's state (see the module's docstring): late_seconds is None without a
    submission; `excused` whether an Excuse row covers it. The one rule for cells."""
    if late_seconds is not None:
        return "late" if late_seconds > 0 else "on_time"
    if excused:
        return "excused"
    if not had_real_window(membership, slot, min_hours=min_hours):
        return "not_member"
    return "missed" if now >= slot.grace_until else "open"


def cell_for(slot, membership, submission, excuse, *, now, min_hours):
    """The cell of one learner on one case at `now`; see the module's docstring."""
    state = state_of(slot, membership, getattr(submission, "late_seconds", None),
                     excuse is not None, now=now, min_hours=min_hours)
    if submission is not None:
        return Cell(slot.case, state, getattr(submission, "submitted_at", None),
                    submission.late_seconds, submission.length,
                    submission.featured_at is not None)
    return Cell(slot.case, state, excuse_reason=excuse.reason if excuse is not None else "")


def _rows(cohort, slots, memberships, *, now, user=None, times=True, users=None):
    subs, excuses = _work([s.case.id for s in slots], user, times=times, users=users)
    rows = []
    for m in memberships:
        cells = [cell_for(s, m, subs.get((s.case.id, m.user_id)),
                          excuses.get((s.case.id, m.user_id)), now=now,
                          min_hours=cohort.min_window_hours) for s in slots]
        rows.append(Row(m, cells, Counter(c.state for c in cells),
                        bytes(CODE[c.state] for c in cells)))
    return rows


def _state_rows(cohort, slots, memberships, *, now):
    """Rows without cells: each learner's states as codes, with counts. Three columns of
    submissions and excuses streamed, no model or Cell per cell, so 10,000 learners × 60
    cases fit in a few MB; the states come from state_of, as the cells' do. Two queries."""
    index = {s.case.id: i for i, s in enumerate(slots)}
    if not index:
        return [Row(m, None) for m in memberships]
    late = {}  # user id -> late seconds per case, -1 where there is no submission
    for case_id, user_id, late_seconds in (
            Submission.select(Submission.case, Submission.user, Submission.late_seconds)
            .where(Submission.case.in_(list(index))).tuples().iterator()):
        per_case = late.get(user_id)
        if per_case is None:
            per_case = late[user_id] = array("q", [-1]) * len(slots)
        per_case[index[case_id]] = late_seconds
    excused = {(user_id, index[case_id]) for case_id, user_id in (
        Excuse.select(Excuse.case, Excuse.user).where(Excuse.case.in_(list(index)))
        .tuples().iterator())}
    nothing = array("q", [-1]) * len(slots)
    rows = []
    for m in memberships:
        per_case = late.pop(m.user_id, nothing)
        states = [state_of(slot, m, per_case[i] if per_case[i] >= 0 else None,
                           (m.user_id, i) in excused, now=now,
                           min_hours=cohort.min_window_hours)
                  for i, slot in enumerate(slots)]
        rows.append(Row(m, None, Counter(states), bytes(CODE[s] for s in states)))
    return rows


def _name_key(row):
    return (row.user.display_name.casefold(), row.user.id)


_SORT_KEYS = {
    "name": _name_key,
    "joined": lambda r: (r.membership.joined_at, *_name_key(r)),
    "missed": lambda r: (-r.counts["missed"], *_name_key(r)),
}


def participation_matrix(cohort, *, now, sort="name", include_removed=False, times=True,
                         cells=True, tr=untranslated):
    """Learners × published cases with each cell's state, sorted; removed learners last;
    without `times`, cells have no submission time; without `cells`, rows carry only their
    states and counts until matrix_page fills the cells of one page (the heatmap at 10,000
    learners). Four queries; DomainError for a sort not in SORTS."""
    if sort not in SORTS:
        raise DomainError(tr("Unknown order for the table."), field="sort")
    slots = published_slots(cohort, now=now)
    learners = _learners(cohort, include_removed=include_removed)
    rows = _rows(cohort, slots, learners, now=now, times=times) if cells else \
        _state_rows(cohort, slots, learners, now=now)
    rows.sort(key=lambda r: (r.removed, *_SORT_KEYS[sort](r)))
    return Matrix(slots, rows, sort)


PER_PAGE = 50  #: learners a heatmap page: 50 × 60 cases is ~500 KB of accessible cells


def matrix_page(matrix, page, *, cohort=None, now=None, times=False):
    """(the rows on that page of the matrix, the page moved into range, how many pages).
    Rows of a matrix built without cells get theirs here: two queries, for that page only."""
    pages = max(1, -(-len(matrix.rows) // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = matrix.rows[(page - 1) * PER_PAGE:page * PER_PAGE]
    if any(r.cells is None for r in rows):
        rows = _rows(cohort, matrix.slots, [r.membership for r in rows], now=now,
                     times=times, users=[r.membership.user_id for r in rows])
    return rows, page, pages


def rates_from(matrix):
    """Per column of the matrix: how many active learners handed in, of those expected."""
    active = [r.states for r in matrix.rows if not r.removed]
    handed_in, not_member = {CODE["on_time"], CODE["late"]}, CODE["not_member"]
    rates = []
    for i, slot in enumerate(matrix.slots):
        codes = [states[i] for states in active]
        rates.append(Rate(slot, sum(1 for c in codes if c in handed_in),
                          sum(1 for c in codes if c != not_member)))
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
