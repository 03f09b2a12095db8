"""The homework area's questions (docs/rules.md "Homework"): may this reader see this peer
homework, which submissions a reader may read, may this learner write, a learner's own
homework, and what the case page shows around it.

Reading peers has one rule, `may_read_peers`, and every page asks it through
`readable_submissions` (the case page, search, the best-of page, likes and comments):
staff always; a removed learner, or anyone without an active membership, never; others by
the cohort's `peer_visibility`: "always"; "after_due" from the case's due time;
"after_submission" once the reader has handed in on that case, and its featured (精选)
picks once grace is over (the best-of page shows them to every member then). One's own
homework is always one's own to read.
"""
from dataclasses import dataclass

from peewee import JOIN, SQL, fn
from peewee import Case as SqlCase

from learnclub.db import Prepared
from learnclub.domain.cases.editing import MAX_ID
from learnclub.domain.cases.queries import find_case, reach_of, seen_by, slot_of, visible_slots
from learnclub.domain.cases.schedule import window_state
from learnclub.domain.cohorts import access
from learnclub.domain.homework.timing import edits_after_due
from learnclub.domain.participation.leave import extension_for
from learnclub.models import Case, Comment, Excuse, LeaveRequest, Like, Membership, Submission, User
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


#: what a homework card or comment shows of its author (web/avatars.py, the name)
CARD_AUTHOR = (User.id, User.display_name, User.photo)
_ID1, _ID2 = -7_000_000_001, -7_000_000_002  #: samples of ids (db.Prepared)
#: the case page's fixed lookups, their SQL built once (db.Prepared): the reader's own
#: homework with its author, their excuse and their latest leave request on the case
_OWN_CARD = Prepared(lambda case_id, user_id: Submission.select(Submission, *CARD_AUTHOR)
                     .join(User).where((Submission.case == case_id)
                                       & (Submission.user == user_id)).limit(1), _ID1, _ID2)
_EXCUSE = Prepared(lambda case_id, user_id: Excuse.select(Excuse.id).where(
    (Excuse.case == case_id) & (Excuse.user == user_id)).limit(1), _ID1, _ID2)
_LEAVE_REQUEST = Prepared(lambda case_id, user_id: LeaveRequest.select().where(
    (LeaveRequest.case == case_id) & (LeaveRequest.user == user_id))
    .order_by(LeaveRequest.created_at.desc(), LeaveRequest.id.desc()).limit(1), _ID1, _ID2)
#: the likes (how many, and whether the viewer's) and comments of the submissions shown
_LIKES = Prepared(lambda viewer_id, ids: Like.select(
    Like.submission, fn.COUNT(Like.id), fn.SUM(SqlCase(None, [((Like.user == viewer_id), 1)], 0)))
    .where(Like.submission.in_(ids)).group_by(Like.submission).tuples(), _ID1, Prepared.IDS)
_COMMENTS = Prepared(lambda ids: Comment.select(Comment, *CARD_AUTHOR).join(User)
                     .where(Comment.submission.in_(ids)).order_by(Comment.id), Prepared.IDS)


def conversation(submissions, viewer_id):
    """(likes per submission id, ids the viewer liked, comments per submission id): two
    queries, however many submissions."""
    ids = [s.id for s in submissions]
    if not ids:
        return {}, set(), {}
    likes, mine = {}, set()
    for submission_id, count, own in _LIKES.rows(viewer_id, ids):
        likes[submission_id] = count
        if own:
            mine.add(submission_id)
    comments = {}
    for comment in _COMMENTS.rows(ids):
        comments.setdefault(comment.submission_id, []).append(comment)
    return likes, mine, comments


def _leave(case, user, *, learner, state, own):
    """The learner's leave (请假) on this case: excused, their latest request, and whether
    they may still ask (homework open and not written, nothing asked or only declined)."""
    if not learner:
        return {"excused": False, "request": None, "can_ask": False}
    excused = _EXCUSE.first(case.id, user.id) is not None
    request = _LEAVE_REQUEST.first(case.id, user.id)
    can_ask = state == "open" and own is None and not excused and (
        request is None or request.status == "declined")
    return {"excused": excused, "request": request, "can_ask": can_ask}


PEERS_PER_PAGE = 50  #: peers' homework on one case page; the page links to the next


#: a page of peers' homework (readable_condition's lists, the reader's own id as the
#: viewer's, the reader's, the offset): its SQL built once per shape (db.Prepared)
_PEERS = Prepared(lambda case_ids, everyone, picks, user_id, reader_id, offset: (
    Submission.select(Submission, *CARD_AUTHOR, fn.COUNT(SQL("*")).over().alias("total_"))
    .join(User)
    .where(_readable_where(case_ids, everyone, picks, user_id) & (Submission.user != reader_id))
    .order_by(Submission.featured_at.desc(nulls="LAST"), Submission.submitted_at,
              Submission.id)
    .limit(PEERS_PER_PAGE).offset(offset)),
    Prepared.IDS, Prepared.IDS, Prepared.IDS, _ID1, _ID2, -7_000_000_003)


def _peers_page(case, reader, viewer, slot, *, now, page):
    """(one page of the peers' homework the reader may read, featured first, then in order
    of submission; how many there are; the page, moved into range): one query, with the
    total as a window column (two more for a page past the end)."""
    cases = _readable_cases(case.cohort, [(case.id, slot)], viewer, now=now)

    def page_of(number):
        return _PEERS.rows(*cases, viewer.user_id, reader.id, (number - 1) * PEERS_PER_PAGE)
    page = max(page, 1)
    rows = page_of(page)
    if not rows and page > 1:  # past the end: the last page (the first if there are none)
        first = page_of(1)
        page = max(1, -(-(first[0].total_ if first else 0) // PEERS_PER_PAGE))
        rows = page_of(page) if page > 1 else first
    return rows, rows[0].total_ if rows else 0, page


def case_homework(case, reader, *, slot, membership, now, peers_page=1):
    """What the case page shows about homework: the reader's own, a page of the peers' they
    may read (`peers_page`) with likes and comments and which were edited after due, whether
    they may write (and until when, in an extension), their leave. Fixed query count."""
    cohort, state = case.cohort, window_state(slot, now) if slot else "archived"
    own = _OWN_CARD.first(case.id, reader.id)
    viewer = viewer_of(cohort, reader, membership=membership,
                       handed_in={case.id} if own else set())
    rule = {"staff": viewer.staff, "active": viewer.active, "handed_in": own is not None,
            "now": now}
    peers, total, page = [], 0, 1
    if may_read_peers(cohort, slot, featured=True, **rule):
        peers, total, page = _peers_page(case, reader, viewer, slot, now=now, page=peers_page)
    shown = ([own] if own else []) + peers
    likes, liked, comments = conversation(shown, reader.id)
    window = write_window(case, reader, now=now, slot=slot, membership=membership)
    learner = window != "not_learner"
    return {"own": own, "peers": peers, "likes": likes, "liked": liked, "comments": comments,
            "edited_after_due": edits_after_due(shown, [slot] if slot else []),
            "learner": learner, "can_write": window in WRITABLE,
            "extended_until": extension_for(case, reader, now=now)
            if window == "extended" else None,
            "leave": _leave(case, reader, learner=learner, state=state, own=own),
            "peers_hidden": not may_read_peers(cohort, slot, **rule), "peers_total": total,
            "peers_page": page, "peers_pages": max(1, -(-total // PEERS_PER_PAGE))}


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
