"""Applying to a cohort and reviewing applications."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import admission
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.errors import DomainError
from learnclub.web.admission import bp
from learnclub.web.admission.forms import ApplicationForm, DecisionForm
from learnclub.web.common import base_url, cohort_for, cohort_or_404, show_error, tr

STATUSES = ("submitted", "waitlisted", "admitted", "rejected")


@bp.route("/c/<slug>/apply", methods=["GET", "POST"])
@login_required
def apply(slug):
    cohort = cohort_or_404(slug)
    if not cohort.is_public or cohort.admission != "application":
        abort(404)
    existing = cohort_queries.application_of(cohort, current_user)
    form = ApplicationForm(obj=existing)
    if form.validate_on_submit():
        try:
            admission.submit_application(cohort, current_user, motivation=form.motivation.data,
                                         background=form.background.data, now=clock.now(), tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Application sent. The host will review it; you will get a mail."),
                  "success")
            return redirect(url_for("cohorts.page", slug=slug))
    return render_template("admission/apply.html", cohort=cohort, form=form,
                           existing=existing)


@bp.get("/c/<slug>/applications")
@login_required
def review(slug):
    """Applications by status, oldest first, with the applicant's profile beside each."""
    cohort = cohort_for(slug, "review_applications")
    status = request.args.get("status", "submitted")
    if status not in STATUSES:
        status = "submitted"
    rows = cohort_queries.applications_in(cohort, status)
    counts = cohort_queries.application_counts(cohort)
    return render_template("admission/review.html", cohort=cohort, rows=rows, status=status,
                           statuses=STATUSES, counts=counts, form=DecisionForm(),
                           seats_taken=admission.seats_taken(cohort))


@bp.post("/c/<slug>/applications/<int:application_id>/<decision>")
@login_required
def decide(slug, application_id, decision):
    cohort = cohort_for(slug, "review_applications")
    application = cohort_queries.application_in(cohort, application_id)
    if application is None or decision not in ("admitted", "rejected", "waitlisted"):
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            admission.decide_application(application, decision, actor=current_user,
                                         now=clock.now(), message=form.message.data or "",
                                         link=f"{base_url()}/c/{slug}/", tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            labels = {"admitted": _("Admitted %(name)s.", name=application.user.display_name),
                      "rejected": _("Declined %(name)s.", name=application.user.display_name),
                      "waitlisted": _("%(name)s is on the waitlist.",
                                      name=application.user.display_name)}
            flash(labels[decision], "success")
    return redirect(url_for("admission.review", slug=slug,
                            status=request.args.get("status", "submitted")))
