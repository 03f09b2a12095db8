"""The conversation around homework: likes, comments with one level of replies, feedback
from hosts and assistants, and featured (精选) picks. Authors hear of it in batched mails
and, at once, in their messages."""
import contextlib

from peewee import IntegrityError, fn

from learnclub.db import write_transaction
from learnclub.domain.cohorts import access
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import NotAllowed, NotFound, untranslated
from learnclub.domain.homework.points import award_points, revoke_points
from learnclub.domain.reach import inbox
from learnclub.domain.rendering import comment_html
from learnclub.domain.text import LONG, check_text
from learnclub.models import Comment, Like, Notification, Submission
from learnclub.models.cohorts import MembershipStatus


def _require_active(user, cohort, tr):
    membership = access.membership_of(user, cohort)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise NotAllowed(tr("Only active members of the cohort can do this."))
    return membership


def _notify(submission, kind, actor, now, *, to=None, text=""):
    """Tell the author (or `to`) in the next digest mail and, at once, in their messages."""
    to = submission.user_id if to is None else to
    if to == actor.id:
        return
    notification = Notification.create(user=to, kind=kind, submission=submission, actor=actor,
                                       created_at=now)
    case = submission.case
    inbox.record(to, kind, key=f"homework:{notification.id}", now=now, cohort=case.cohort_id,
                 link=f"/c/{case.cohort.slug}/cases/{case.id}#homework-{submission.id}",
                 actor=actor.display_name, case=case.title, excerpt=inbox.excerpt(text))


def toggle_like(submission, user, *, now, tr=untranslated):
    """Like or unlike; returns True if it is liked now. Likes never send mail."""
    _require_active(user, submission.case.cohort, tr)
    deleted = Like.delete().where((Like.submission == submission) & (Like.user == user)).execute()
    if deleted:
        return False
    with contextlib.suppress(IntegrityError), write_transaction():  # double click: liked anyway
        Like.create(submission=submission, user=user, created_at=now)
    return True


def add_comment(submission, user, body, *, now, parent=None, tr=untranslated):
    """Comment (or reply to a comment) on a submission; staff comments count as feedback.

    Tells the author (and the parent comment's writer) in the next digest. Returns it.
    """
    cohort = submission.case.cohort
    membership = _require_active(user, cohort, tr)
    check_text(body, field="body_md", label=tr("Comment"), max_length=LONG, required=True, tr=tr)
    if parent is not None:
        if parent.submission_id != submission.id:
            raise NotFound(tr("That comment is not on this homework."))
        parent = parent.parent or parent  # one level of replies
    staff = membership.role in ("host", "assistant")
    with write_transaction():
        comment = Comment.create(submission=submission, user=user, parent=parent, body_md=body,
                                 is_feedback=staff, created_at=now)
        comment.body_html = comment_html(comment.id, body)  # the id is in its anchors
        Comment.update(body_html=comment.body_html).where(Comment.id == comment.id).execute()
        _notify(submission, "feedback" if staff else "comment", user, now, text=body)
        if parent is not None and parent.user_id not in (user.id, submission.user_id):
            _notify(submission, "reply", user, now, to=parent.user_id, text=body)
        _comment_points(cohort, user, submission, comment, now)
    return comment


def _comment_points(cohort, user, submission, comment, now):
    """A comment on someone else's homework earns points, up to the cap per case."""
    if submission.user_id == user.id:
        return
    earlier = (Comment.select(fn.COUNT(Comment.id)).join(Submission)
               .where((Submission.case == submission.case_id) & (Comment.user == user)
                      & (Submission.user != user.id)).scalar())
    if earlier <= cohort.points_comment_cap:
        award_points(cohort, user, key=f"comment:{comment.id}", kind="comment",
                     points=cohort.points_comment, now=now, case=submission.case_id)


def toggle_featured(submission, *, actor, now, tr=untranslated):
    """Mark or unmark homework as featured (精选); returns True if featured now."""
    cohort = submission.case.cohort
    if not access.can(actor, "manage_cases", cohort):
        raise NotAllowed(tr("Only hosts and assistants pick featured homework."))
    key = f"submission:{submission.id}:featured"
    with write_transaction():
        record(cohort, Action.UNFEATURED if submission.featured_at else Action.FEATURED,
               actor=actor, now=now, subject=(submission.user_id, submission.case))
        if submission.featured_at is not None:
            Submission.update(featured_at=None, featured_by=None).where(
                Submission.id == submission.id).execute()
            revoke_points(key)
            return False
        Submission.update(featured_at=now, featured_by=actor).where(
            Submission.id == submission.id).execute()
        award_points(cohort, submission.user, key=key, kind="featured",
                     points=cohort.points_featured, now=now, case=submission.case_id)
        _notify(submission, "featured", actor, now)
    return True
