"""What a case page shows about homework (docs/rules.md "Homework"): the reader's own, a
page of the peers' they may read (queries.may_read_peers, through the same readable
condition as every other reader), likes and comments, whether they may write, their leave.
A fixed number of queries whatever the number of learners; the hot lookups' SQL is built
once (prepared.Prepared)."""
from peewee import SQL, fn
from peewee import Case as SqlCase

from learnclub.domain.cases.schedule import window_state
from learnclub.domain.homework.queries import (
    WRITABLE,
    _readable_cases,
    _readable_where,
    may_read_peers,
    viewer_of,
    write_window,
)
from learnclub.domain.homework.timing import edits_after_due
from learnclub.domain.participation.leave import extension_for
from learnclub.models import Comment, Excuse, LeaveRequest, Like, Submission, User
from learnclub.prepared import Prepared

#: what a homework card or comment shows of its author (web/avatars.py, the name)
CARD_AUTHOR = (User.id, User.display_name, User.photo)
_ID1, _ID2 = -7_000_000_001, -7_000_000_002  #: samples of ids (prepared.Prepared)
#: the case page's fixed lookups, their SQL built once (prepared.Prepared): the reader's own
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


def _peers_where(case_ids, everyone, picks, user_id, reader_id):
    return _readable_where(case_ids, everyone, picks, user_id) & (Submission.user != reader_id)


#: the order peers' homework shows in: featured first, then in order of submission
_PEERS_ORDER = (Submission.featured_at.desc(nulls="LAST"), Submission.submitted_at,
                Submission.id)


def _peers_query(case_ids, everyone, picks, user_id, reader_id, offset):
    where = _peers_where(case_ids, everyone, picks, user_id, reader_id)
    # the page's ids first, sorted without their texts; then those 50 rows whole: sorting
    # every readable row with its texts was most of the query (1.0 against 0.4 ms at 250)
    page_ids = (Submission.select(Submission.id).where(where).order_by(*_PEERS_ORDER)
                .limit(PEERS_PER_PAGE).offset(offset))
    total = Submission.select(fn.COUNT(SQL("*"))).where(where)
    return (Submission.select(Submission, *CARD_AUTHOR, total.alias("total_")).join(User)
            .where(Submission.id.in_(page_ids)).order_by(*_PEERS_ORDER))


#: a page of peers' homework (readable_condition's lists, the reader's own id as the
#: viewer's, the reader's, the offset) and how many there are: SQL built once (prepared.Prepared)
_PEERS = Prepared(_peers_query, Prepared.IDS, Prepared.IDS, Prepared.IDS, _ID1, _ID2,
                  -7_000_000_003)


def _peers_page(case, reader, viewer, slot, *, now, page):
    """(one page of the peers' homework the reader may read, featured first, then in order
    of submission; how many there are; the page, moved into range): one query, with the
    total as a scalar subquery (two more for a page past the end). Not a window COUNT(*)
    OVER (): that made the database build every readable row, texts and all, before
    keeping 50 (at 10,000 learners most of the page's time)."""
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
