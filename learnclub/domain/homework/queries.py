"""The homework area's questions (docs/rules.md "Homework"): may this reader see this peer
homework, which submissions a reader may read, may this learner write, a learner's own
homework (what the case page shows around it: case_page.py).

Reading peers has one rule, `may_read_peers`, and every page asks it through
`readable_submissions` (the case page, search, the best-of page, likes and comments):
staff always; a removed learner, or anyone without an active membership, never; others by
the cohort's `peer_visibility`: "always"; "after_due" from the case's due time;
"after_submission" once the reader has handed in on that case, and its featured (精选)
picks once grace is over (the best-of page shows them to every member then). One's own
homework is always one's own to read.
"""
from dataclasses import dataclass

from peewee import JOIN, SQL

from learnclub.domain.cases.editing import MAX_ID
from learnclub.domain.cases.queries import find_case, reach_of, seen_by, slot_of, visible_slots
from learnclub.domain.cases.schedule import window_state
from learnclub.domain.cohorts import access
from learnclub.domain.participation.leave import extension_for
from learnclub.models import Case, Comment, LeaveRequest, Membership, Submission, User
from learnclub.models.cohorts import MembershipStatus

#: the answers of `write_window` in which the learner may write
WRITABLE = ("open", "grace", "extended")
_LOOK_UP = object()  #: "find the slot yourself"


def may_read_peers(cohort, slot, *, staff, active, handed_in, now, featured=False):
    """Whether a reader may read another learner's homework on the slot's case (None: the
    case is off the calendar). `active`: an active member; `handed_in`: the reader has
    written on this case; `featured`: the homework is a featured pick. The one rule."""
    if staff:
        return True
    if not active or slot is None:
        return False
    rule = cohort.peer_visibility
    if rule == "always":
        return True
    if rule == "after_due":
        return now >= slot.due_at
    return handed_in or (featured and now >= slot.grace_until)


@dataclass(frozen=True)
class Viewer:
    """Who reads, as the peer rule needs it."""

    user_id: int | None
    staff: bool
    active: bool
    handed_in: frozenset = frozenset()  #: ids of the cases the reader has written on


def viewer_of(cohort, reader, *, membership=None, handed_in=None):
    """The reader as a Viewer; looks up the cases they wrote on unless `handed_in` is given."""
    membership = membership or access.membership_of(reader, cohort)
    user_id = reader.id if getattr(reader, "is_authenticated", False) else None
    if handed_in is None:
        handed_in = {row.case_id for row in Submission.select(Submission.case).join(Case).where(
            (Submission.user == user_id) & (Case.cohort == cohort))} if user_id else set()
    return Viewer(user_id, access.can(reader, "track_homework", cohort, membership),
                  access.can(reader, "view_cohort_pages", cohort, membership),
                  frozenset(handed_in))


def readable_condition(cohort, slots, viewer, *, now):
    """The condition on Submission for what `viewer` may read on the cases of `slots`
    ([(case id, slot or None)]): their own, and peers' as `may_read_peers` says."""
    return _readable_where(*_readable_cases(cohort, slots, viewer, now=now), viewer.user_id)


def _readable_cases(cohort, slots, viewer, *, now):
    """(the ids of the cases of `slots`, those on which `viewer` reads peers' homework, those
    on which only their featured picks), as `may_read_peers` says."""
    everyone, picks = [], []
    for case_id, slot in slots:
        rule = {"staff": viewer.staff, "active": viewer.active, "now": now,
                "handed_in": case_id in viewer.handed_in}
        if may_read_peers(cohort, slot, **rule):
            everyone.append(case_id)
        elif may_read_peers(cohort, slot, featured=True, **rule):
            picks.append(case_id)
    return [case_id for case_id, _ in slots], everyone, picks


def _readable_where(case_ids, everyone, picks, user_id):
    """readable_condition from _readable_cases' lists: one's own (user_id), everyone's on
    `everyone`, the featured on `picks`."""
    own = (Submission.user == user_id) if user_id else SQL("1 = 0")
    return Submission.case.in_(case_ids) & (
        own | Submission.case.in_(everyone)
        | (Submission.featured_at.is_null(False) & Submission.case.in_(picks)))


def with_case_and_author():
    """Submissions with their `.case` and `.user` loaded."""
    return (Submission.select(Submission, Case, User).join(Case).switch(Submission)
            .join(User, on=(Submission.user == User.id)))


def readable_submissions(target, reader, *, now, membership=None):
    """What the reader may read, as a query of submissions with `.case` and `.user`: on one
    case (`target` a Case the reader finds, else nothing), or on every case of a cohort
    the reader sees (`target` a Cohort). A handful of queries, however many rows."""
    if isinstance(target, Case):
        cohort = target.cohort
        membership = membership or access.membership_of(reader, cohort)
        found = find_case(cohort, target.id, reader, now=now, membership=membership)
        slots = [(target.id, slot_of(target))] if found is not None else []
    else:
        cohort = target
        membership = membership or access.membership_of(reader, cohort)
        slots = [(s.case.id, s) for s in visible_slots(cohort, reader, now=now,
                                                        membership=membership)]
    viewer = viewer_of(cohort, reader, membership=membership)
    return with_case_and_author().where(readable_condition(cohort, slots, viewer, now=now))


def featured_picks(cohort, slots, reader, *, now, everything=False):
    """{case id: [featured submission with .user]} on the cases of `slots` that the reader
    may read, in the order they were picked: an open case's picks wait until peers may read
    its homework. Without a reader: as a member who has written nothing (staff if
    `everything`). Three queries with a reader, one without."""
    viewer = viewer_of(cohort, reader) if reader is not None else \
        Viewer(None, staff=everything, active=True)
    readable = readable_condition(cohort, [(s.case.id, s) for s in slots], viewer, now=now)
    picks = {}
    for sub in (Submission.select(Submission, User).join(User)
                .where(readable & Submission.featured_at.is_null(False))
                .order_by(Submission.featured_at, Submission.id)):
        picks.setdefault(sub.case_id, []).append(sub)
    return picks


def readable_submission(cohort, submission_id, reader, *, now):
    """The cohort's submission with this id if the reader may read it, else None: a hidden
    one and one that does not exist answer alike."""
    if not 0 < submission_id <= MAX_ID:
        return None
    found = (Submission.select(Submission, Case).join(Case)
             .where((Submission.id == submission_id) & (Case.cohort == cohort)).first())
    if found is None:
        return None
    return readable_submissions(found.case, reader, now=now).where(
        Submission.id == found.id).first()


def write_window(case, user, *, now, slot=_LOOK_UP, membership=None, to_write=False):
    """Where the user stands to write homework on the case at `now`: "not_learner" unless
    an active learner; "archived" for a case off the calendar; "extended" during a staff
    extension (the window is not checked); else the case's window: "scheduled", "open",
    "grace" or "closed". The learner may write in WRITABLE. `to_write` (a submission): an
    open window or grace answers as such, not looking for an extension that changes nothing."""
    membership = membership or access.membership_of(user, case.cohort)
    if membership is None or not membership.is_active_learner:
        return "not_learner"
    slot = slot_of(case) if slot is _LOOK_UP else slot
    if slot is None:
        return "archived"
    state = window_state(slot, now)
    if (to_write and state in WRITABLE) or extension_for(case, user, now=now) is None:
        return state
    return "extended"


def may_write(case, learner, now, *, slot=_LOOK_UP, membership=None):
    """Whether the learner may hand in or change homework on the case at `now` (docs/rules.md
    "Homework": open, in grace, or during an extension)."""
    return write_window(case, learner, now=now, slot=slot, membership=membership) in WRITABLE


def own_homework(cohort, user, *, now, membership=None):
    """The user's submissions in the cohort with `.case` and `.user`, in publication order:
    on the cases they see (a removed learner: those out before their removal) and on
    archived ones (the text is theirs)."""
    reach = reach_of(cohort, user, now=now, membership=membership)
    return (with_case_and_author()
            .where((Case.cohort == cohort) & (Submission.user == user.id)
                   & (seen_by(reach) | Case.archived_at.is_null(False)))
            .order_by(Case.publish_at, Case.id))


def homework_list(cohort, reader, *, now, case_id=None, after=None, limit=None):
    """Homework in the cohort by id, after the id `after`: everyone's for staff who track
    homework, otherwise the reader's own (`own_homework`); on one case if `case_id`."""
    membership = access.membership_of(reader, cohort)
    if access.can(reader, "track_homework", cohort, membership):
        query = with_case_and_author().where(Case.cohort == cohort)
    else:
        query = own_homework(cohort, reader, now=now, membership=membership)
    if case_id is not None:
        query = query.where(Submission.case == case_id)
    if after is not None:
        query = query.where(Submission.id > after)
    return list(query.order_by(Submission.id).limit(limit))


def submission_of(case, user):
    """The user's submission on the case with `.case` and `.user`, or None."""
    return with_case_and_author().where((Submission.case == case)
                                        & (Submission.user == user.id)).first()


def comment_by_id(comment_id):
    """The comment with this id, or None (add_comment checks it is on the right homework)."""
    return Comment.get_or_none(Comment.id == comment_id) if 0 < comment_id <= MAX_ID else None


def leave_requests_of(cohort, user):
    """The user's leave requests in the cohort with their cases, newest first (one query)."""
    return list(LeaveRequest.select(LeaveRequest, Case).join(Case, JOIN.LEFT_OUTER)
                .where((LeaveRequest.cohort == cohort) & (LeaveRequest.user == user.id))
                .order_by(LeaveRequest.created_at.desc(), LeaveRequest.id.desc()))


def hosts_of(cohort):
    """Names of the cohort's active hosts: whom a removed learner can write to."""
    return [m.user.display_name for m in Membership.select(Membership, User).join(User).where(
        (Membership.cohort == cohort) & (Membership.role == "host")
        & (Membership.status == MembershipStatus.ACTIVE)).order_by(Membership.joined_at)]
