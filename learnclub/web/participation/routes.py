"""The host's participation page (docs/rules.md "Participation and removal"): who the next
sweep would remove, pausing removals, leave decisions, excuses and extensions, readmission,
and free seats for the waitlist. Hosts and assistants only."""
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.errors import DomainError
from learnclub.domain.participation import leave, pausing, queries
from learnclub.domain.participation import readmission as membership
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import base_url, cohort_for, tr
from learnclub.web.i18n import local_time
from learnclub.web.participation import bp
from learnclub.web.participation.board import board, remove_part
from learnclub.web.participation.forms import (
    ExcuseForm,
    ExtensionForm,
    PauseForm,
    ReadmitForm,
)
from learnclub.web.participation.status import not_counted_text, reason_text


@bp.app_template_filter("membership_reason")
def membership_reason(reason):
    """{{ reason|membership_reason }}: a removal reason (queries.RemovalReason) or the words
    of a membership log entry, in the reader's words."""
    return reason_text(reason)


@bp.app_template_filter("not_counted")
def not_counted(rows, cohort):
    """{{ plan.not_counted[m.id]|not_counted(cohort) }}: the closed cases that did not count
    against a learner the sweep would remove, and why, in the reader's words."""
    return not_counted_text(rows, cohort.min_window_hours)


def flash_form_errors(form):
    """A form posted from a page with many forms: its errors go back as flashes."""
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")


def _back(slug, anchor=""):
    return redirect(url_for("participation.page", slug=slug) + anchor)


def _learner_and_case(cohort, form):
    """The active learner and the published case a form names, both of this cohort."""
    learner = queries.active_learner(cohort, form.user_id.data)
    case = queries.published_case(cohort, form.case_id.data, now=clock.now())
    if learner is None or case is None:
        flash(_("Choose a learner and a case of this cohort."), "error")
        return None, None
    return learner.user, case


@bp.get("/c/<slug>/participation")
@login_required
def page(slug):
    """The dry run and every participation decision a host takes, on one page."""
    cohort = cohort_for(slug, "manage_participation")
    now = clock.now()
    return render_template("participation/page.html", cohort=cohort, now=now, is_staff=True,
                           **board(cohort, now=now), **remove_part(cohort, current_user))


@bp.post("/c/<slug>/participation/pause")
@login_required
def pause(slug):
    """Pause or resume removals for the whole cohort."""
    cohort = cohort_for(slug, "manage_participation")
    form = PauseForm()
    if form.validate_on_submit():
        paused = form.paused.data == "1"
        pausing.set_removals_paused(cohort, paused, actor=current_user, now=clock.now())
        flash(_("Removals are paused: misses are still recorded, nobody is asked to leave.")
              if paused else _("Removals are on again."), "success")
    return _back(slug)


@bp.post("/c/<slug>/cases/<int:case_id>/pause-removals")
@login_required
def pause_case(slug, case_id):
    """Pause or resume misses for one case (a broken case)."""
    cohort = cohort_for(slug, "manage_participation")
    case = queries.case_in(cohort, case_id)
    if case is None:
        abort(404)
    form = PauseForm()
    if form.validate_on_submit():
        paused = form.paused.data == "1"
        pausing.set_case_removals_paused(case, paused, actor=current_user,
                                               now=clock.now())
        flash(_("No misses are recorded for “%(title)s”.", title=case.title) if paused
              else _("Misses count again for “%(title)s”.", title=case.title), "success")
    return _back(slug, "#cases")


@bp.post("/c/<slug>/leave/<int:request_id>/<any(approve, decline):decision>")
@login_required
def decide(slug, request_id, decision):
    """Approve (excusing the cases it covers) or decline a learner's leave request."""
    cohort = cohort_for(slug, "manage_participation")
    request_ = queries.leave_request_in(cohort, request_id)
    if request_ is None:
        abort(404)
    if PlainForm().validate_on_submit():
        try:
            leave.decide_leave(request_, decision == "approve", actor=current_user,
                               now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            name = request_.user.display_name
            flash(_("Leave approved for %(name)s.", name=name) if decision == "approve"
                  else _("Leave declined for %(name)s.", name=name), "success")
    return _back(slug, "#requests")


@bp.post("/c/<slug>/members/<int:user_id>/readmit")
@login_required
def readmit(slug, user_id):
    """Bring a removed learner back, with the reason logged; misses reset or kept."""
    cohort = cohort_for(slug, "manage_participation")
    target = cohort_queries.member_of(cohort, user_id)
    if target is None:
        abort(404)
    form = ReadmitForm()
    if form.validate_on_submit():
        try:
            membership.readmit(target, actor=current_user, reason=form.reason.data or "",
                               reset_misses=form.reset_misses.data, now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s is back in the cohort.", name=target.user.display_name),
                  "success")
    return _back(slug, "#removed")


@bp.post("/c/<slug>/participation/excuse")
@login_required
def excuse(slug):
    """Excuse a learner for a case directly (no request needed)."""
    cohort = cohort_for(slug, "manage_participation")
    form = ExcuseForm(prefix="excuse")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(slug, "#excuse")
    user, case = _learner_and_case(cohort, form)
    if user is not None:
        try:
            done = leave.excuse_learner(case, user, actor=current_user,
                                        reason=form.reason.data or "", now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s is excused for “%(title)s”.", name=user.display_name,
                    title=case.title) if done else
                  _("%(name)s was already excused for “%(title)s”.", name=user.display_name,
                    title=case.title), "success")
    return _back(slug, "#excuse")


@bp.post("/c/<slug>/participation/extension")
@login_required
def extension(slug):
    """Give one learner more time on one case (until a time in the cohort's zone)."""
    cohort = cohort_for(slug, "manage_participation")
    form = ExtensionForm(prefix="extension")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(slug, "#extension")
    user, case = _learner_and_case(cohort, form)
    if user is not None:
        until = form.until.data.replace(tzinfo=ZoneInfo(cohort.timezone)).astimezone(UTC)
        try:
            leave.grant_extension(case, user, until=until, actor=current_user,
                                  now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s has until %(when)s for “%(title)s”.", name=user.display_name,
                    when=local_time(until, cohort.timezone), title=case.title),
                  "success")
    return _back(slug, "#extension")


@bp.post("/c/<slug>/participation/offer-seats")
@login_required
def offer_seats(slug):
    """Offer every free seat to the next people on the waitlist, by mail."""
    cohort = cohort_for(slug, "manage_participation")
    if PlainForm().validate_on_submit():
        made = membership.offer_free_seats(cohort, now=clock.now(), base_url=base_url())
        flash(ngettext("%(num)d seat offer sent.", "%(num)d seat offers sent.", len(made))
              if made
              else _("No seat to offer: no free seat, or nobody waiting without an offer."),
              "success")
    return _back(slug, "#waitlist")
