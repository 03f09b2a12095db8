"""Ratings after a session (domain/sharing/ratings.py): the members who were there rate a
held talk, staff read the ratings with names and keep a private note on the talk."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.errors import DomainError
from learnclub.domain.sharing import queries as sharing_queries
from learnclub.domain.sharing import ratings, talk_notes
from learnclub.web.common import cohort_for, show_error, tr
from learnclub.web.sharing import bp
from learnclub.web.sharing.archive import rating_form, readable_cohort
from learnclub.web.sharing.forms import NoteForm


def held_talk(cohort, talk_id):
    """The cohort's talk with this id if it was held (ratings are about held talks), else 404."""
    talk = sharing_queries.held_talk_in(cohort, talk_id)
    if talk is None:
        abort(404)
    return talk


@bp.route("/c/<slug>/talks/<int:talk_id>/rate", methods=["GET", "POST"])
@login_required
def rate(slug, talk_id):
    """给这次分享打分: the form for those who may rate, the reason for those who may not."""
    cohort, member, staff = readable_cohort(slug)
    talk = held_talk(cohort, talk_id)
    now = clock.now()
    verdict = ratings.may_rate(current_user, talk, now)
    form = rating_form(talk)
    if verdict and form.validate_on_submit():
        try:
            ratings.rate_talk(talk, current_user, score=form.score.data, line=form.line.data,
                              now=now, tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Thank you: your rating is saved. You can change it until the window "
                    "closes."), "success")
            if talk.published_at is not None:
                return redirect(url_for("sharing.session", slug=slug, number=talk.number)
                                + "#rate")
            return redirect(url_for("sharing.rate", slug=slug, talk_id=talk.id))
    elif form.is_submitted() and not verdict:
        form.form_errors.append(ratings.reason_words(verdict.reason, tr=tr))
    return render_template("sharing/rate.html", cohort=cohort, talk=talk, form=form,
                           verdict=verdict, reason=None if verdict else
                           ratings.reason_words(verdict.reason, tr=tr),
                           closes=ratings.rating_closes(talk), is_member=member,
                           is_staff=staff, scores=ratings.SCORES)


@bp.get("/c/<slug>/talks/<int:talk_id>/ratings")
@login_required
def talk_ratings(slug, talk_id):
    """Staff: every rating of a held talk with its rater, and the private note."""
    cohort = cohort_for(slug, "manage_sharing")
    talk = held_talk(cohort, talk_id)
    note = talk_notes.note_of(talk)
    form = NoteForm(data={"below_bar": note.below_bar, "note": note.note} if note else None)
    return _staff_page(cohort, talk, form, note)


def _staff_page(cohort, talk, form, note):
    return render_template(
        "sharing/ratings.html", cohort=cohort, talk=talk, form=form, note=note,
        summary=ratings.summaries([talk.id])[talk.id], is_staff=True,
        lines=ratings.feedback([talk.id], with_raters=ratings.sees_raters(
            current_user, cohort))[talk.id])


@bp.post("/c/<slug>/talks/<int:talk_id>/note")
@login_required
def note(slug, talk_id):
    """Staff keep a private note on a held talk ("below the bar"); it is logged."""
    cohort = cohort_for(slug, "manage_sharing")
    talk = held_talk(cohort, talk_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            talk_notes.note_talk(talk, actor=current_user, below_bar=form.below_bar.data,
                              note=form.note.data or "", now=clock.now(), tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Private note saved."), "success")
            return redirect(url_for("sharing.talk_ratings", slug=slug, talk_id=talk_id))
    return _staff_page(cohort, talk, form, talk_notes.note_of(talk)), 400
