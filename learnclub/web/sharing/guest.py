"""A guest's side of sharing: propose a talk for open weeks, see and edit one's own talks,
confirm the week the host gave, withdraw. Members may propose too."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError
from learnclub.domain.sharing import queries as sharing_queries
from learnclub.domain.sharing import ratings
from learnclub.domain.sharing import review as sharing_review
from learnclub.domain.sharing import talks as sharing
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import base_url, cohort_for, show_error, tr
from learnclub.web.i18n import local_time
from learnclub.web.sharing import bp
from learnclub.web.sharing.forms import ProposeForm, TalkForm


def proposer_cohort(slug):
    cohort = cohort_for(slug, "propose_talk")
    return cohort


def own_talk(slug, talk_id):
    """(cohort, talk) for the talk's own guest; 404 for anyone else."""
    cohort = proposer_cohort(slug)
    talk = sharing_queries.own_talk(cohort, talk_id, current_user)
    if talk is None:
        abort(404)
    return cohort, talk


def mine_link(cohort):
    return base_url() + url_for("sharing.mine", slug=cohort.slug)


@bp.route("/c/<slug>/talks/new", methods=["GET", "POST"])
@login_required
def propose(slug):
    """Propose a talk: topic, abstract, title and bio, and one to three weeks in order."""
    cohort = proposer_cohort(slug)
    form = ProposeForm()
    weeks = sharing_review.open_weeks(cohort, now=clock.now())
    form.set_weeks([(str(s.id), local_time(s.starts_at, cohort.timezone)) for s in weeks])
    if not form.is_submitted():
        form.title.data, form.bio.data = current_user.company_title, current_user.intro_md
        form.week1.data = request.args.get("week", "")  # from the calendar's "this week"
    if form.validate_on_submit():
        try:
            sharing_review.propose_with_receipt(
                cohort, current_user, link=mine_link(cohort), now=clock.now(), tr=tr,
                preferred_slots=form.preferred(), **form.values())
        except DomainError as exc:
            show_error(form, _week_field(exc))
        else:
            flash(_("Thank you! Your proposal is in; we mailed you a receipt. The host will "
                    "write to you once it is decided."), "success")
            return redirect(url_for("sharing.mine", slug=slug))
    return render_template("sharing/propose.html", cohort=cohort, form=form, weeks=weeks,
                           is_staff=access.can(current_user, "manage_sharing", cohort))


def _week_field(exc):
    """The domain names the weeks "slots"; the form's first week select stands for them."""
    if exc.field == "slots":
        exc.field = "week1"
    return exc


@bp.get("/c/<slug>/talks/mine")
@login_required
def mine(slug):
    """The guest's own talks with their state and what they can do next; for held ones,
    the average, count and lines of the ratings, never who wrote them."""
    cohort = proposer_cohort(slug)
    talks = sharing_review.guest_talks(cohort, current_user)
    held = [talk.id for talk, _weeks in talks if talk.status == "held"]
    return render_template("sharing/mine.html", cohort=cohort, plain=PlainForm(), talks=talks,
                           summaries=ratings.summaries(held),
                           feedback=ratings.feedback(held, with_raters=False),
                           editable=sharing.OPEN_STATES,
                           is_staff=access.can(current_user, "manage_sharing", cohort))


@bp.route("/c/<slug>/talks/<int:talk_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, talk_id):
    """The guest changes their talk's text until it is held."""
    cohort, talk = own_talk(slug, talk_id)
    form = TalkForm(data={"topic": talk.topic, "abstract": talk.abstract_md,
                          "title": talk.title_snapshot, "bio": talk.bio_snapshot})
    if form.validate_on_submit():
        try:
            sharing.edit_talk(talk, guest=current_user, now=clock.now(), tr=tr, **form.values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Your talk is saved."), "success")
            return redirect(url_for("sharing.mine", slug=slug))
    return render_template("sharing/edit.html", cohort=cohort, talk=talk, form=form,
                           is_staff=access.can(current_user, "manage_sharing", cohort))


@bp.post("/c/<slug>/talks/<int:talk_id>/<any(confirm, withdraw):action>")
@login_required
def guest_action(slug, talk_id, action):
    """The guest confirms the week they were given, or withdraws the talk."""
    _cohort, talk = own_talk(slug, talk_id)
    if PlainForm().validate_on_submit():
        step = sharing.confirm_talk if action == "confirm" else sharing.withdraw_talk
        try:
            step(talk, guest=current_user, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Confirmed: see you on the day!") if action == "confirm"
                  else _("Your talk is withdrawn."), "success")
    return redirect(url_for("sharing.mine", slug=slug))
