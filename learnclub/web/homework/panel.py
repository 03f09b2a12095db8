"""What the case page shows about homework: the reader's own, and peers' with the talk around
them. A fixed number of queries, however many learners write."""
from peewee import fn

from learnclub.domain.homework.submission import may_read_peers
from learnclub.models import Comment, Excuse, LeaveRequest, Like, Submission, User
from learnclub.web.homework.forms import CommentForm, HomeworkForm

# the preview shares the case page with the case and the saved homework: its own anchors,
# the same whether the page or the live preview (homework.js) renders it
PREVIEW_ANCHORS = "preview:"


def _conversation(submissions, viewer_id):
    ids = [s.id for s in submissions]
    likes = dict(Like.select(Like.submission, fn.COUNT(Like.id)).where(Like.submission.in_(ids))
                 .group_by(Like.submission).tuples()) if ids else {}
    mine = {row[0] for row in Like.select(Like.submission).where(
        Like.submission.in_(ids) & (Like.user == viewer_id)).tuples()} if ids else set()
    comments = {}
    if ids:
        for comment in (Comment.select(Comment, User).join(User)
                        .where(Comment.submission.in_(ids)).order_by(Comment.id)):
            comments.setdefault(comment.submission_id, []).append(comment)
    return likes, mine, comments


def _leave(case, viewer, *, learner, state, own):
    """The learner's leave (请假) on this case: excused, their latest request, and whether
    they may still ask (homework open and not written, nothing asked or only declined)."""
    if not learner:
        return {"excused": False, "request": None, "can_ask": False}
    excused = Excuse.select().where((Excuse.case == case) & (Excuse.user == viewer.id)).exists()
    request = (LeaveRequest.select().where((LeaveRequest.case == case)
                                           & (LeaveRequest.user == viewer.id))
               .order_by(LeaveRequest.created_at.desc(), LeaveRequest.id.desc()).first())
    can_ask = state == "open" and own is None and not excused and (
        request is None or request.status == "declined")
    return {"excused": excused, "request": request, "can_ask": can_ask}


def homework_panel(case, *, slot, state, viewer, membership, staff, now):
    """Everything the homework section of a case page needs."""
    own = Submission.get_or_none((Submission.case == case) & (Submission.user == viewer.id))
    learner = membership is not None and membership.status == "active" \
        and membership.role == "learner"
    peers = []
    readable = may_read_peers(case, slot=slot, own=own, staff=staff, now=now)
    if readable:
        peers = list(Submission.select(Submission, User).join(User)
                     .where((Submission.case == case) & (Submission.user != viewer.id))
                     .order_by(Submission.featured_at.desc(nulls="LAST"),
                               Submission.submitted_at))
    likes, liked, comments = _conversation(([own] if own else []) + peers, viewer.id)
    form = HomeworkForm(obj=own) if own else HomeworkForm()
    return {"own": own, "peers": peers, "likes": likes, "liked": liked, "comments": comments,
            "can_write": learner and state in ("open", "grace"), "learner": learner,
            "form": form, "comment_form": CommentForm(),
            "leave": _leave(case, viewer, learner=learner, state=state, own=own),
            "peers_hidden": not readable, "preview_anchors": PREVIEW_ANCHORS}
