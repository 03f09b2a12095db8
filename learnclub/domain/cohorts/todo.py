"""What to do now (docs/rules.md "People"): the one place that decides what a member's home
leads with, by role. A learner: this case (write it, or it is handed in), the next guest
sharing and their own progress. Hosts and assistants: applications waiting, talks to decide
or to tell, this case's submission rate, a queue running dry, removals held, leave requests,
case files the last sync found wrong,
members' cases to review or late (轮值). A learner the host handed a case to: "轮到你写案例".
A guest: choosing a week, and where their talk stands. Every member: "写一段自我介绍" until
they have (accounts.introductions). Plain data; the pages only show it.

Every question is answered in a fixed number of queries, whatever the number of learners,
cases or talks (tests/web/test_todo_home.py counts them).
"""
from dataclasses import dataclass, field
from datetime import datetime

from peewee import JOIN, Select, fn

from learnclub.domain.accounts.introductions import is_introduced
from learnclub.domain.cases import member_cases, sync_report
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.queries import is_out_at
from learnclub.domain.cases.schedule import Cadence, queue_warning, window_state
from learnclub.domain.cohorts import access
from learnclub.domain.homework.progress import learner_progress
from learnclub.domain.homework.queries import WRITABLE
from learnclub.domain.participation.queries import active_learners
from learnclub.domain.participation.tracking import Rate, cell_for
from learnclub.domain.sharing.review import untold_decisions
from learnclub.models import (
    Application,
    Cohort,
    Excuse,
    LeaveRequest,
    Membership,
    ShareSlot,
    Submission,
    Talk,
    User,
)
from learnclub.models.cohorts import STAFF_ROLES, MembershipStatus
from learnclub.models.sharing import TalkStatus
from learnclub.prepared import Prepared

#: how many of the latest cases the learner's progress picture shows
CHART_CASES = 12
#: talks still going somewhere: while a guest has one, the home does not ask for another
LIVE_TALK = (TalkStatus.SUBMITTED, TalkStatus.ACCEPTED, TalkStatus.CONFIRMED)
#: a talk's state -> the guest's next step
TALK_STEPS = {TalkStatus.SUBMITTED: "wait", TalkStatus.ACCEPTED: "confirm",
              TalkStatus.CONFIRMED: "prepare", TalkStatus.HELD: "held"}


@dataclass
class CaseTodo:
    """The case a learner should look at now, and where they stand on it."""

    slot: object  #: schedule.Slot: .case, .publish_at, .due_at, .grace_until
    state: str  #: the window: open, grace or closed
    submission: object | None

    @property
    def case(self):
        return self.slot.case

    @property
    def handed_in(self):
        return self.submission is not None

    @property
    def writable(self):
        """Still open to writing (or editing) homework: open or in grace."""
        return self.state in WRITABLE


@dataclass
class Progress:
    """A learner's own picture: the streak and the latest cases' outcomes, oldest first."""

    streak: int
    outcomes: list  #: [(case title, outcome)]: on_time, late, missed, excused, todo
    on_time: int  #: of the cases counted (handed in or missed)
    counted: int


@dataclass
class NextSharing:
    """The next weekly session: its slot, and the talk that has it (None: no guest yet)."""

    slot: object
    talk: object | None = None


@dataclass
class TalkStep:
    talk: object  #: with .slot (or None)
    step: str  #: wait (the host decides), confirm, prepare, held, or closed


@dataclass
class StaffTodo:
    applications: int = 0  #: waiting for a decision
    talks_to_decide: int = 0  #: proposals still submitted
    guests_to_notify: int = 0  #: decided, guest not told yet
    leave_requests: int = 0  #: waiting for a decision
    held_removals: int = 0  #: removals the safety stop holds for a host's confirmation
    rate: object | None = None  #: tracking.Rate of this case
    case_state: str = ""  #: this case's window: open, grace or closed
    queue_dry_at: datetime | None = None  #: the queue runs dry then (schedule.queue_warning)
    content_problems: int = 0  #: case files the last sync found wrong (sync_report)
    #: slots of members' cases not yet approved whose time is near or past (轮值): not out
    late_drafts: list = field(default_factory=list)
    reviews: int = 0  #: members' cases submitted for review (待审阅)

    @property
    def badge(self):
        """The number on the 管理 menu: decisions people are waiting for."""
        return self.applications + self.talks_to_decide

    @property
    def count(self):
        """How many things wait for the host (the card summary on the home page)."""
        return (self.applications + self.talks_to_decide + self.guests_to_notify
                + self.leave_requests + (1 if self.held_removals else 0)
                + (1 if self.queue_dry_at else 0) + self.content_problems
                + len(self.late_drafts) + self.reviews)


@dataclass
class CohortTodo:
    cohort: object
    role: str  #: the member's role: host, assistant, learner, guest
    case: CaseTodo | None = None  #: learners
    progress: Progress | None = None  #: learners
    staff: StaffTodo | None = None  #: hosts and assistants
    talks: list = field(default_factory=list)  #: guests: [TalkStep], newest first
    may_propose: bool = False  #: guests without a live talk: "choose a week"
    sharing: NextSharing | None = None
    #: "写一段自我介绍": the member has not introduced themselves yet (accounts.introductions)
    introduce: bool = False
    #: learners: the cases the host handed them to write, still their drafts (轮值)
    to_write: list = field(default_factory=list)

    @property
    def is_staff(self):
        return self.role in STAFF_ROLES


def cohort_todo(cohort, user, *, now, membership=None):
    """What the active member should do now in the cohort (a CohortTodo), or None for
    anyone else. A fixed number of queries."""
    membership = membership or access.membership_of(user, cohort)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        return None
    todo = CohortTodo(cohort, membership.role, sharing=next_sharing(cohort, now=now),
                      introduce=not is_introduced(user))
    if membership.role in STAFF_ROLES:
        todo.staff = staff_todo(cohort, now=now)
    elif membership.role == "guest":
        todo.talks = guest_steps(cohort, user)
        todo.may_propose = not any(t.talk.status in LIVE_TALK for t in todo.talks)
    else:
        todo.case, todo.progress = learner_todo(cohort, user, now=now)
        todo.to_write = member_cases.drafts_of(cohort, user)
    return todo


def home_todos(user, *, now):
    """A CohortTodo per active membership of the user, by cohort name (the signed-in home)."""
    memberships = (Membership.select(Membership, Cohort).join(Cohort).where(
        (Membership.user == user.id) & (Membership.status == MembershipStatus.ACTIVE)))
    rows = sorted(memberships, key=lambda m: (m.cohort.name, m.cohort.id))
    return [cohort_todo(m.cohort, user, now=now, membership=m) for m in rows]


def learner_todo(cohort, user, *, now):
    """(CaseTodo or None, Progress): the open case still to write that is due first, else
    the newest case out; and the learner's streak and outcomes (homework.progress)."""
    rows, upcoming, streak = learner_progress(cohort, user, now=now)
    row = upcoming or next((r for r in rows if r.outcome != "not_member"), None)
    case = CaseTodo(row.slot, row.state, row.submission) if row is not None else None
    shown = [r for r in rows if r.outcome != "not_member"][:CHART_CASES]
    outcomes = [(r.slot.case.title, r.outcome) for r in reversed(shown)]
    counted = [o for _title, o in outcomes if o in ("on_time", "late", "missed")]
    return case, Progress(streak, outcomes, counted.count("on_time"), len(counted))


def staff_todo(cohort, *, now):
    """Everything waiting for the cohort's hosts and assistants (a StaffTodo)."""
    slots = schedule_of(cohort)
    out = [s for s in slots if is_out_at(s, now)]
    todo = StaffTodo(**staff_badges(cohort), guests_to_notify=untold_decisions(cohort),
                     leave_requests=LeaveRequest.select().where(
                         (LeaveRequest.cohort == cohort)
                         & (LeaveRequest.status == "requested")).count(),
                     held_removals=len(cohort.removals_held_ids or [])
                     if cohort.removals_held_at else 0,
                     queue_dry_at=queue_warning(slots, Cadence.of(cohort), now=now),
                     content_problems=sync_report.problem_count(cohort),
                     late_drafts=member_cases.late_drafts(slots, now=now),
                     reviews=sum(s.case.review_state == member_cases.SUBMITTED for s in slots))
    current = _this_case(out, now)
    if current is not None:
        todo.rate = case_rate(cohort, current, now=now)
        todo.case_state = window_state(current, now)
    return todo


def case_rate(cohort, slot, *, now):
    """The case's tracking.Rate (handed in, of the active learners expected to write), each
    learner's state as the heatmap has it (tracking.cell_for). Three queries."""
    members = list(active_learners(cohort))
    subs = {s.user_id: s for s in Submission.select(
        Submission.user, Submission.late_seconds, Submission.length, Submission.featured_at)
        .where(Submission.case == slot.case.id)}
    excuses = {e.user_id: e for e in Excuse.select(Excuse.user, Excuse.reason)
               .where(Excuse.case == slot.case.id)}
    states = [cell_for(slot, m, subs.get(m.user_id), excuses.get(m.user_id), now=now,
                       min_hours=cohort.min_window_hours).state for m in members]
    expected = [state for state in states if state != "not_member"]
    return Rate(slot, sum(state in ("on_time", "late") for state in expected), len(expected))


def _this_case(out, now):
    """The case the cohort is writing on: the open one due first, else the newest out."""
    writing = [s for s in out if window_state(s, now) in ("open", "grace")]
    if writing:
        return min(writing, key=lambda s: s.due_at)
    return out[-1] if out else None


def _badges(cohort_id):
    """Both counts of the 管理 menu in one statement: SELECT (SELECT COUNT ...), (...)."""
    waiting = Application.select(fn.COUNT(Application.id)).where(
        (Application.cohort == cohort_id) & (Application.status == "submitted"))
    to_decide = Talk.select(fn.COUNT(Talk.id)).where(
        (Talk.cohort == cohort_id) & (Talk.status == TalkStatus.SUBMITTED.value))
    return Select(columns=[waiting, to_decide]).tuples()


_BADGES = Prepared(_badges, -7_000_000_001)  #: on every staff page: its SQL built once


def staff_badges(cohort):
    """{"applications": waiting, "talks_to_decide": proposals still submitted}: the counts on
    the 管理 menu. One query."""
    applications, talks = _BADGES.first(getattr(cohort, "id", cohort))
    return {"applications": applications, "talks_to_decide": talks}


def guest_steps(cohort, guest):
    """The guest's talks in the cohort with their next step, newest first. One query."""
    talks = (Talk.select(Talk, ShareSlot).join(ShareSlot, on=(Talk.slot == ShareSlot.id),
                                                join_type=JOIN.LEFT_OUTER)
             .where((Talk.cohort == cohort) & (Talk.guest == guest.id))
             .order_by(Talk.created_at.desc(), Talk.id.desc()))
    return [TalkStep(t, TALK_STEPS.get(t.status, "closed")) for t in talks]


def next_sharing(cohort, *, now):
    """The next weekly session that has not started, with its guest's talk if one holds it;
    None if no week is on the calendar. Two queries at most."""
    slot = (ShareSlot.upcoming(cohort, now).where(ShareSlot.status == "open").first())
    if slot is None:
        return None
    talk = (Talk.select(Talk, User).join(User, on=(Talk.guest == User.id))
            .where((Talk.slot == slot.id)
                   & Talk.status.in_((TalkStatus.ACCEPTED, TalkStatus.CONFIRMED))).first())
    return NextSharing(slot, talk)


def menu_counts(cohort, user, *, membership=None):
    """The cohort menu's badges: for staff {"manage": the 管理 badge, "applications": ...,
    "talks_to_decide": ...}; {} for anyone else. One query for staff (none otherwise,
    given the membership)."""
    if not access.can(user, "edit_cohort", cohort, membership):
        return {}
    counts = staff_badges(cohort)
    return {"manage": sum(counts.values()), **counts}
