"""Ways out by hand (docs/rules.md "Participation and removal"): a host removes a member with
a reason, a host confirms removals the safety stop held, and a member leaves the cohort
themselves after a confirmation page."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import access
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.errors import DomainError
from learnclub.domain.participation import leaving
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import base_url, cohort_for, cohort_or_404, tr
from learnclub.web.participation import bp
from learnclub.web.participation.forms import LeaveCohortForm, RemoveMemberForm
from learnclub.web.participation.routes import flash_form_errors


def _back(slug, anchor):
    return redirect(url_for("participation.page", slug=slug) + anchor)


@bp.post("/c/<slug>/participation/remove")
@login_required
def remove(slug):
    """A host removes a member by hand, with a reason the member reads in their notice."""
    cohort = cohort_for(slug, "remove_member")
    form = RemoveMemberForm(prefix="remove")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(slug, "#remove")
    target = cohort_queries.member_of(cohort, form.user_id.data)
    if target is None:
        abort(404)
    try:
        leaving.remove_by_host(target, actor=current_user, reason=form.reason.data or "",
                               now=clock.now(), base_url=base_url(), tr=tr)
    except DomainError as exc:
        flash(exc.message, "error")
        return _back(slug, "#remove")
    flash(_("%(name)s is no longer a member; they were told why.",
            name=target.user.display_name), "success")
    return _back(slug, "#removed")


@bp.post("/c/<slug>/participation/confirm-held")
@login_required
def confirm_held(slug):
    """A host confirms the removals the safety stop held."""
    cohort = cohort_for(slug, "remove_member")
    if PlainForm().validate_on_submit():
        try:
            plan = leaving.confirm_held_removals(cohort, actor=current_user, now=clock.now(),
                                                 base_url=base_url(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(ngettext("%(num)d learner was asked to leave.",
                           "%(num)d learners were asked to leave.", len(plan.removals)),
                  "success")
    return _back(slug, "#removed")


@bp.route("/c/<slug>/membership/leave", methods=["GET", "POST"])
@login_required
def leave_cohort(slug):
    """Leave the cohort: a page that says what happens, then the confirmation."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    form = LeaveCohortForm()
    if form.validate_on_submit():
        try:
            leaving.leave_cohort(membership, now=clock.now(), base_url=base_url(),
                                 reason=form.reason.data or "", tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("You left %(name)s. What you wrote stays yours to read and download.",
                    name=cohort.name), "success")
            return redirect(url_for("homework.mine", slug=slug))
    return render_template("participation/leave_cohort.html", cohort=cohort, form=form,
                           membership=membership)
