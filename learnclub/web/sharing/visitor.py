"""Visitors proposing a talk to a public cohort that allows it, their status page, and the
host approving them as guests (domain/guest_proposals.py)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError
from learnclub.domain.sharing import proposals as guest_proposals
from learnclub.domain.sharing import review as sharing_review
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import base_url, cohort_or_404, show_error, tr
from learnclub.web.i18n import local_time
from learnclub.web.sharing import bp
from learnclub.web.sharing.forms import ProposeForm
from learnclub.web.sharing.guest import _week_field
from learnclub.web.sharing.review import staff_talk


def public_cohort(slug):
    """The cohort if its pages are public, else 404 (a private cohort is not advertised)."""
    cohort = cohort_or_404(slug)
    if not cohort.is_public:
        abort(404)
    return cohort


@bp.route("/c/<slug>/talks/propose", methods=["GET", "POST"])
@login_required
def propose_public(slug):
    """A visitor proposes a talk; the host approves their account as a guest."""
    cohort = public_cohort(slug)
    if not guest_proposals.proposals_open(cohort):
        abort(404)
    if access.can(current_user, "propose_talk", cohort):
        return redirect(url_for("sharing.propose", slug=slug))
    form = ProposeForm()
    weeks = sharing_review.open_weeks(cohort, now=clock.now())
    form.set_weeks([(str(s.id), local_time(s.starts_at, cohort.timezone)) for s in weeks])
    if not form.is_submitted():
        form.title.data, form.bio.data = current_user.company_title, current_user.intro_md
    if form.validate_on_submit():
        link = base_url() + url_for("sharing.proposed", slug=slug)
        try:
            guest_proposals.propose_as_visitor(cohort, current_user, link=link, now=clock.now(),
                                               tr=tr, preferred_slots=form.preferred(),
                                               **form.values())
        except DomainError as exc:
            show_error(form, _week_field(exc))
        else:
            flash(_("Thank you! Your proposal is in; we mailed you a receipt. The host will "
                    "write to you once it is decided."), "success")
            return redirect(url_for("sharing.proposed", slug=slug))
    return render_template("sharing/propose.html", cohort=cohort, form=form, weeks=weeks,
                           visitor=True)


@bp.get("/c/<slug>/talks/proposed")
@login_required
def proposed(slug):
    """A visitor's own proposals to the cohort and where each stands."""
    cohort = public_cohort(slug)
    return render_template("sharing/proposed.html", cohort=cohort,
                           talks=sharing_review.guest_talks(cohort, current_user),
                           is_member=access.can(current_user, "propose_talk", cohort))


@bp.post("/c/<slug>/talks/<int:talk_id>/approve-guest")
@login_required
def approve_guest(slug, talk_id):
    """Admit a visitor who proposed a talk as a guest of the cohort."""
    _cohort, talk = staff_talk(slug, talk_id)
    if PlainForm().validate_on_submit():
        try:
            guest_proposals.approve_guest(talk, actor=current_user, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s is now a guest of the cohort.", name=talk.guest.display_name),
                  "success")
    return redirect(url_for("sharing.review", slug=slug))
