"""A learner's side of participation: asking for leave (请假), for a case or for some days;
and an applicant's answer to a seat offered from the waitlist."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.errors import DomainError, NotAllowed
from learnclub.domain.participation import leave, queries
from learnclub.domain.participation import readmission as membership
from learnclub.web.cases import routes as case_pages
from learnclub.web.common import base_url, cohort_for, tr
from learnclub.web.homework.forms import LeaveForm
from learnclub.web.participation import bp
from learnclub.web.participation.forms import RangeLeaveForm, SeatAnswerForm
from learnclub.web.participation.routes import flash_form_errors


@bp.post("/c/<slug>/cases/<int:case_id>/leave")
@login_required
def request_for_case(slug, case_id):
    """Ask to be excused from one case, before its homework is due."""
    cohort, case, _staff = case_pages.load_case(slug, case_id)
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            leave.request_leave(cohort, current_user, case=case, reason=form.reason.data or "",
                                now=clock.now(), tr=tr)
        except NotAllowed:
            raise  # a 403 page that explains, not a flash
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Leave requested; a host will answer it."), "success")
    return redirect(url_for("cases.show", slug=slug, case_id=case_id) + "#my-homework")


@bp.post("/c/<slug>/leave")
@login_required
def request_for_days(slug):
    """Ask to be excused from every case due between two days (the cohort's local days)."""
    cohort = cohort_for(slug, "view_cohort_pages")
    form = RangeLeaveForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        try:
            leave.request_leave(cohort, current_user, starts_on=form.starts_on.data,
                                ends_on=form.ends_on.data, reason=form.reason.data or "",
                                now=clock.now(), tr=tr)
        except NotAllowed:
            raise
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Leave requested; a host will answer it."), "success")
    return redirect(url_for("homework.mine", slug=slug) + "#leave")


def _offer(token):
    """The seat offer behind the link, if it was made to the person signed in."""
    offer = queries.seat_offer_for(token, current_user)
    if offer is None:
        abort(404)
    return offer


@bp.route("/seat/<token>", methods=["GET", "POST"])
@login_required
def seat(token):
    """A free seat offered to a waitlisted applicant: the cohort, until when, accept or not."""
    offer = _offer(token)
    form = SeatAnswerForm()
    if form.validate_on_submit() and (form.accept.data or form.decline.data):
        try:
            membership.answer_seat_offer(token, current_user, bool(form.accept.data),
                                         now=clock.now(), base_url=base_url(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            if form.accept.data:
                flash(_("Welcome to %(name)s!", name=offer.cohort.name), "success")
                return redirect(url_for("cohorts.page", slug=offer.cohort.slug))
            flash(_("You declined the seat; it goes to the next person on the waitlist."),
                  "success")
            return redirect(url_for("cohorts.home"))
        return redirect(url_for("participation.seat", token=token))
    now = clock.now()
    return render_template("participation/seat.html", offer=offer, cohort=offer.cohort,
                           form=form, now=now,
                           live=offer.status == "offered" and offer.expires_at > now)
