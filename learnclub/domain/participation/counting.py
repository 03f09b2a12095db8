"""Which closed cases count as misses against a learner, and why the others do not (docs/rules.md
"Who is expected", "Misses"): what the sweep's plan tells a learner it removes (their notice)
and the hosts (the dry run). The reasons are codes here, put into words by `reason_words`;
everything is loaded for a whole cohort in a fixed number of queries, never per learner."""
from dataclasses import dataclass
from enum import StrEnum

from peewee import JOIN, SQL

from learnclub.db import db
from learnclub.domain.errors import untranslated
from learnclub.models import Case, Excuse, Extension, LeaveRequest, Membership, Submission, User


class NotCounted(StrEnum):
    """Why a closed case gave a learner no miss although they handed nothing in, in the order
    the reasons are checked and told."""

    NO_HOMEWORK = "no_homework"  #: the case asks for none ("no homework due")
    WROTE_IT = "wrote_it"  #: they wrote the case itself (a member's case, 轮值)
    PAUSED = "paused"  #: staff paused misses for the case
    JOINED_LATER = "joined_later"  #: they joined (or were readmitted) after it came out
    LEFT_BEFORE = "left_before"  #: their membership ended before its grace did
    WINDOW_SHORT = "window_short"  #: open to them for less than min_window_hours
    ON_LEAVE = "on_leave"  #: excused by an approved leave request (请假)
    EXCUSED = "excused"  #: excused by staff directly
    EXTENSION = "extension"  #: their extension (延期) is still running
    VOIDED = "voided"  #: a miss on it was voided and never returns


def reason_words(reason, *, min_hours, tr=untranslated):
    """A NotCounted in words (`tr` translates them; English without it)."""
    if reason == NotCounted.WINDOW_SHORT:
        return tr("window shorter than the minimum (%(hours)d h)") % {"hours": min_hours}
    return {NotCounted.NO_HOMEWORK: tr("no homework due"),
            NotCounted.WROTE_IT: tr("wrote the case"),
            NotCounted.PAUSED: tr("misses paused for the case"),
            NotCounted.JOINED_LATER: tr("joined after it came out"),
            NotCounted.LEFT_BEFORE: tr("no longer a member when it closed"),
            NotCounted.ON_LEAVE: tr("on leave"),
            NotCounted.EXCUSED: tr("excused by staff"),
            NotCounted.EXTENSION: tr("extension still running"),
            NotCounted.VOIDED: tr("miss voided")}[NotCounted(reason)]


@dataclass(frozen=True)
class CountedCase:
    """A case that counts as missed: its title and due time (UTC; None if not known)."""

    case_id: int
    title: str
    due_at: object = None


@dataclass
class Work:
    """What the learners did about some closed cases, each keyed (case id, user id)."""

    now: object
    done: set  #: homework handed in
    excused: dict  #: -> True if by an approved leave request, False if by staff directly
    extended: dict  #: -> the latest end of an extension

    def running(self, key):
        """Whether an extension on this case is still running for this learner."""
        return key in self.extended and self.extended[key] > self.now


def work_on(cohort, case_ids, *, now):
    """The Work on these cases of the cohort at `now`: three queries (none without cases)."""
    if not case_ids:
        return Work(now, set(), {}, {})
    done = set(Submission.select(Submission.case, Submission.user)
               .where(Submission.case.in_(case_ids)).tuples())
    # an approved leave request excuses its cases at the moment it is decided
    leave = ((LeaveRequest.user == Excuse.user) & (LeaveRequest.status == "approved")
             & (LeaveRequest.decided_at == Excuse.created_at)
             & ((LeaveRequest.case == Excuse.case)
                | (LeaveRequest.case.is_null() & (LeaveRequest.cohort == cohort))))
    excused = {}
    for case_id, user_id, leave_id in (
            Excuse.select(Excuse.case, Excuse.user, LeaveRequest.id)
            .join(LeaveRequest, JOIN.LEFT_OUTER, on=leave)
            .where(Excuse.case.in_(case_ids)).tuples()):
        excused[case_id, user_id] = excused.get((case_id, user_id), False) or bool(leave_id)
    extended = {}
    for r in Extension.select(Extension.case, Extension.user, Extension.until).where(
            Extension.case.in_(case_ids)):
        key = (r.case_id, r.user_id)
        extended[key] = max(extended.get(key, r.until), r.until)
    return Work(now, done, excused, extended)


def why_not_counted(gap, slot, key, work, voided):
    """Why this closed case gives this learner no miss (a NotCounted), or None: it is a miss.

    `gap` is why they did not owe it (queries.window_gap), `key` (case id, user id), `voided`
    the keys with a voided miss. The caller has checked they handed nothing in."""
    if gap == NotCounted.NO_HOMEWORK:
        return gap
    if slot.case.removals_paused:
        return NotCounted.PAUSED
    if gap is not None:
        return gap
    if key in work.excused:
        return NotCounted.ON_LEAVE if work.excused[key] else NotCounted.EXCUSED
    if work.running(key):
        return NotCounted.EXTENSION
    return NotCounted.VOIDED if key in voided else None


def tally(reasons):
    """[(NotCounted, how many)] of these reasons, in NotCounted's order."""
    if not reasons:  # most learners: the sweep asks for every one of them
        return []
    return [(r, reasons.count(r)) for r in NotCounted if r in reasons]


def counted_cases(case_ids, slots):
    """[CountedCase] for these case ids, in their order: titles and due times from the
    schedule's slots; cases no longer in it (archived) in one more query, with the due time
    they showed."""
    known = {s.case.id: CountedCase(s.case.id, s.case.title, s.due_at) for s in slots}
    others = [i for i in case_ids if i not in known]
    if others:
        for case in Case.select(Case.id, Case.title, Case.due_shown_at, Case.due_at_fixed) \
                .where(Case.id.in_(others)):
            known[case.id] = CountedCase(case.id, case.title,
                                         case.due_shown_at or case.due_at_fixed)
    return [known.get(i, CountedCase(i, "")) for i in case_ids]


@dataclass(slots=True, eq=False)
class LearnerName:
    """A learner's user as the sweep and what tells it read them: what names them (in the
    staff mail, the chat post and the dry run) and the language their notice is in."""

    id: int
    display_name: str
    group_nickname: str
    locale: str


@dataclass(slots=True, eq=False)
class Learner:
    """An active learner's membership as the sweep's plan reads it (window_gap's fields and
    .user): a plain record, not a Membership, so loading 10,000 of them costs a fraction of
    making model instances (and gives Python's collector two objects each to walk, not ten)."""

    id: int
    cohort_id: int
    user_id: int
    role: str
    status: str
    joined_at: object
    removed_at: object
    user: LearnerName


def learners(cohort):
    """The cohort's active learners for the sweep's plan: [Learner] with .user, read from the
    cursor in one query, with only the columns the plan and what tells it read (the window
    rule, the notices' language, the names on the dry run, the staff mail and the chat
    post)."""
    query = Membership.active_learners(cohort).select(
        Membership.id, Membership.cohort, Membership.user, Membership.role, Membership.status,
        Membership.joined_at, Membership.removed_at,
        User.id, User.display_name, User.group_nickname, User.locale).join(User)
    time = Membership.joined_at.python_value
    return [Learner(m, c, u, role, status, time(joined), None if removed is None else time(removed),
                    LearnerName(*user))
            for m, c, u, role, status, joined, removed, *user in db.execute(query)]


def id_in(field, ids):
    """`field IN (…)` with these ids written as integer literals: no bound variable per id
    (so no batches under SQLite's limit) and no expression node per id to build."""
    ids = [int(i) for i in ids]
    return field.in_(SQL("(" + ",".join(map(str, ids)) + ")")) if ids else field.in_([])
