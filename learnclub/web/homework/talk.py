"""The talk around homework on the case page: likes, comments (and staff feedback), featured
picks. A form posted by the browser is answered with the case page again, at the card; the
page's script asks for JSON (Accept: application/json) and gets the new count or the new
comment's HTML to put in place, or the refusal in words (`{"error": {"status", "message"}}`,
the shape of web/errors.py)."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError, NotAllowed, NotFound
from learnclub.domain.homework import case_page, feedback
from learnclub.domain.homework import queries as homework_queries
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import cohort_for, tr
from learnclub.web.homework import bp
from learnclub.web.homework.forms import CommentForm
from learnclub.web.homework.panel import card_context


def _wants_json():
    """The page's script asked for JSON; a plain form post gets the page."""
    return request.accept_mimetypes.best == "application/json"


def _refused(exc):
    """A refusal as JSON: 403 for who may not, 404 for what is not there, 422 for the text."""
    status = 403 if isinstance(exc, NotAllowed) else 404 if isinstance(exc, NotFound) else 422
    return jsonify({"error": {"status": status, "message": exc.message}}), status


def _form_refused():
    message = _("This form was open too long or your session changed. Go back, reload "
                "the page and send it again; what you typed is kept in the browser.")
    return jsonify({"error": {"status": 400, "message": message}}), 400


def _submission(slug, submission_id):
    """(cohort, submission) if the signed-in member may read it (homework.queries, the case
    page's rule): hidden homework answers 404 like homework that does not exist."""
    cohort = cohort_for(slug, "view_cohort_pages")
    submission = homework_queries.readable_submission(cohort, submission_id, current_user,
                                                      now=clock.now())
    if submission is None:
        abort(404)
    return cohort, submission


def _back(slug, submission):
    return redirect(url_for("cases.show", slug=slug, case_id=submission.case_id)
                    + f"#homework-{submission.id}")


@bp.post("/c/<slug>/homework/<int:submission_id>/like")
@login_required
def like(slug, submission_id):
    """Like or unlike; JSON: {"liked", "likes"} (the count after it)."""
    _cohort, submission = _submission(slug, submission_id)
    if not PlainForm().validate_on_submit():
        return _form_refused() if _wants_json() else _back(slug, submission)
    try:
        liked = feedback.toggle_like(submission, current_user, now=clock.now(), tr=tr)
    except DomainError as exc:
        if _wants_json():
            return _refused(exc)
        flash(exc.message, "error")
        return _back(slug, submission)
    if not _wants_json():
        return _back(slug, submission)
    likes, _mine, _comments = case_page.conversation([submission], current_user.id)
    return jsonify({"liked": liked, "likes": likes.get(submission.id, 0)})


@bp.post("/c/<slug>/homework/<int:submission_id>/comments")
@login_required
def comment(slug, submission_id):
    """Comment or reply; JSON (201): the comment's HTML as the page shows it, where it goes
    (`parent_id`), the submission's number of comments and the message."""
    cohort, submission = _submission(slug, submission_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _form_refused() if _wants_json() else _back(slug, submission)
    raw = form.parent_id.data or ""
    parent = homework_queries.comment_by_id(int(raw)) \
        if raw.isascii() and raw.isdigit() else None
    try:
        made = feedback.add_comment(submission, current_user, form.body_md.data or "",
                                    parent=parent, now=clock.now(), tr=tr)
    except DomainError as exc:
        if _wants_json():
            return _refused(exc)
        flash(exc.message, "error")
        return _back(slug, submission)
    if not _wants_json():
        flash(_("Comment posted."), "success")
        return _back(slug, submission)
    return jsonify(_comment_answer(cohort, submission, made)), 201


def _comment_answer(cohort, submission, made):
    _likes, _mine, comments = case_page.conversation([submission], current_user.id)
    html = render_template("homework/comment_answer.html", c=made, s=submission, thread=[made],
                           cohort=cohort, hw=card_context(cohort, [])).strip()
    return {"comment": {"id": made.id, "parent_id": made.parent_id, "html": html},
            "comments": len(comments.get(submission.id, [])), "message": _("Comment posted.")}


@bp.post("/c/<slug>/homework/<int:submission_id>/feature")
@login_required
def feature(slug, submission_id):
    cohort, submission = _submission(slug, submission_id)
    access.require(current_user, "manage_cases", cohort, tr=tr)
    if PlainForm().validate_on_submit():
        try:
            featured = feedback.toggle_featured(submission, actor=current_user, now=clock.now(),
                                                tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Featured (精选).") if featured else _("No longer featured."), "success")
    return _back(slug, submission)
