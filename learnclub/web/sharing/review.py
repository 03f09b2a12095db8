"""The host's side of sharing: proposals per week, decisions (accept, decline, cancel),
telling the guests as a separate step, and after the session the transcript and slides."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.errors import DomainError
from learnclub.domain.sharing import proposals as guest_proposals
from learnclub.domain.sharing import queries as sharing_queries
from learnclub.domain.sharing import review as sharing_review
from learnclub.domain.sharing import slides as talk_files
from learnclub.domain.sharing import talks as sharing
from learnclub.domain.sharing.archive import publish_transcript
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import base_url, cohort_for, show_error, tr
from learnclub.web.sharing import bp
from learnclub.web.sharing.forms import AcceptForm, SlidesForm, TranscriptForm
from learnclub.web.sharing.guest import mine_link


def staff_talk(slug, talk_id):
    """(cohort, talk) for hosts and assistants; 404 if the talk is not the cohort's."""
    cohort = cohort_for(slug, "manage_sharing")
    talk = sharing_queries.talk_in(cohort, talk_id)
    if talk is None:
        abort(404)
    return cohort, talk


def _back(slug, anchor=""):
    return redirect(url_for("sharing.review", slug=slug) + anchor)


@bp.get("/c/<slug>/talks")
@login_required
def review(slug):
    """Proposals per week with their preferences, the decisions to tell, sessions to archive."""
    cohort = cohort_for(slug, "manage_sharing")
    board = sharing_review.review_board(cohort, now=clock.now())
    return render_template("sharing/review.html", cohort=cohort, is_staff=True, board=board,
                           visitors=guest_proposals.unapproved_proposers(cohort, board),
                           plain=PlainForm())


@bp.post("/c/<slug>/talks/<int:talk_id>/accept")
@login_required
def accept(slug, talk_id):
    """Give the proposal the week it names; the database refuses a second guest."""
    cohort, talk = staff_talk(slug, talk_id)
    form = AcceptForm()
    slot_id = (form.slot_id.data or "") if form.validate_on_submit() else ""
    slot = sharing_queries.slot_in(cohort, int(slot_id)) if slot_id.isdigit() else None
    if slot is None:
        flash(_("Choose a week of this cohort."), "error")
        return _back(slug)
    try:
        sharing.accept_talk(talk, slot, actor=current_user, now=clock.now(), tr=tr)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Accepted “%(topic)s”. Tell the guest when you are ready.", topic=talk.topic),
              "success")
    return _back(slug, "#notify")


@bp.post("/c/<slug>/talks/<int:talk_id>/<any(decline, cancel):decision>")
@login_required
def decide(slug, talk_id, decision):
    """Decline a proposal, or cancel an accepted talk (its week opens again)."""
    _cohort, talk = staff_talk(slug, talk_id)
    if PlainForm().validate_on_submit():
        step = sharing.decline_talk if decision == "decline" else sharing.cancel_talk
        try:
            step(talk, actor=current_user, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Decided. Tell the guest when you are ready."), "success")
    return _back(slug, "#notify")


@bp.post("/c/<slug>/talks/<int:talk_id>/notify")
@login_required
def notify(slug, talk_id):
    """Queue the mails the decision calls for (each at most once)."""
    cohort, talk = staff_talk(slug, talk_id)
    if PlainForm().validate_on_submit():
        told = sharing_review.notify_decision(talk, link=mine_link(cohort), now=clock.now())
        flash(_("Mail queued for %(n)d people.", n=told) if told
              else _("There is nothing to tell about this talk."), "success")
    return _back(slug, "#notify")


@bp.route("/c/<slug>/talks/<int:talk_id>/transcript", methods=["GET", "POST"])
@login_required
def transcript(slug, talk_id):
    """After the session: the transcript and recording link go into the archive (第N期);
    later edits keep the earlier text."""
    cohort, talk = staff_talk(slug, talk_id)
    form = TranscriptForm(data={"transcript_md": talk.transcript_md,
                                "recording_url": talk.recording_url})
    if form.validate_on_submit():
        try:
            talk = publish_transcript(talk, form.transcript_md.data or "", actor=current_user,
                                      recording_url=form.recording_url.data or "",
                                      now=clock.now(), base_url=base_url(), tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Published as session %(n)d.", n=talk.number), "success")
            return redirect(url_for("sharing.session", slug=slug, number=talk.number))
    return render_template("sharing/transcript.html", cohort=cohort, talk=talk, form=form,
                           revisions=sharing_queries.transcript_revisions(talk),
                           slides_form=SlidesForm(), is_staff=True,
                           has_slides=talk_files.has_slides(talk))


@bp.post("/c/<slug>/talks/<int:talk_id>/slides")
@login_required
def slides(slug, talk_id):
    """Upload the talk's slides (a PDF), replacing earlier ones."""
    _cohort, talk = staff_talk(slug, talk_id)
    form = SlidesForm()
    upload = form.slides.data
    if form.validate_on_submit() and upload and getattr(upload, "filename", ""):
        try:
            talk_files.store_slides(talk, upload.read(), now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Slides uploaded."), "success")
    else:
        flash(_("Choose a PDF file to upload."), "error")
    return redirect(url_for("sharing.transcript", slug=slug, talk_id=talk_id))
