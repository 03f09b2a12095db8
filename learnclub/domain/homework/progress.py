"""A learner's own picture: every case with their homework, what is due next, their streak."""
from dataclasses import dataclass

from learnclub.domain.cases.queries import out_slots
from learnclub.domain.cases.schedule import window_state
from learnclub.domain.homework.timing import edited_after_due_at
from learnclub.domain.participation.queries import had_real_window
from learnclub.models import Excuse, Membership, Submission


@dataclass
class Row:
    slot: object
    state: str  #: the case's window: open, grace, closed
    submission: object | None
    excused: bool
    expected: bool = True  #: a member when it went out (queries.had_real_window)

    @property
    def outcome(self):
        """on_time, late, excused, not_member, missed, or todo (still writable)."""
        if self.submission is not None:
            return "late" if self.submission.is_late else "on_time"
        if self.excused:
            return "excused"
        if not self.expected:
            return "not_member"
        return "missed" if self.state == "closed" else "todo"

    @property
    def edited_after_due_at(self):
        """When the homework was last edited, if after the due time (timing.py), else None."""
        if self.submission is None:
            return None
        return edited_after_due_at(self.submission, self.slot)


def learner_progress(cohort, user, *, now):
    """(rows newest first, the next open case still to write or None, streak). Four queries.

    The rows are the published cases the user sees (cases.queries.out_slots): a removed
    learner's stop at their removal; cases that went out later are not even named."""
    membership = Membership.get_or_none((Membership.cohort == cohort)
                                        & (Membership.user == user.id))
    slots = out_slots(cohort, user, now=now, membership=membership)
    ids = [s.case.id for s in slots]
    submissions = {s.case_id: s for s in Submission.select().where(
        (Submission.user == user.id) & Submission.case.in_(ids))} if ids else {}
    excused = {e.case_id for e in Excuse.select(Excuse.case).where(
        (Excuse.user == user.id) & Excuse.case.in_(ids))} if ids else set()
    rows = [Row(s, window_state(s, now), submissions.get(s.case.id), s.case.id in excused,
                expected=membership is not None
                and had_real_window(membership, s, min_hours=cohort.min_window_hours))
            for s in reversed(slots)]
    todo = [r for r in rows if r.outcome == "todo"]
    upcoming = min(todo, key=lambda r: r.slot.due_at) if todo else None
    return rows, upcoming, streak_of(rows)


def streak_of(rows):
    """Consecutive submissions, newest first; a case still open and unwritten does not break
    it, an excused one is skipped, a miss ends it."""
    streak = 0
    for row in rows:
        outcome = row.outcome
        if outcome in ("on_time", "late"):
            streak += 1
        elif outcome == "missed":
            break
    return streak
