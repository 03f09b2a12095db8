"""Applying to a cohort and reviewing applications."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import admission, screening
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.domain.errors import DomainError
from learnclub.web.admission import bp
from learnclub.web.admission.forms import (
    ApplicationForm,
    BulkDecisionForm,
    DecisionForm,
    MarkForm,
)
from learnclub.web.common import base_url, cohort_for, cohort_or_404, show_error, tr

STATUSES = screening.STATUSES


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
    """A compact card per application, filtered, sorted and paged (domain: screening)."""
    cohort = cohort_for(slug, "review_applications")
    screen = screening.parse(request.args)
    found = screening.screen_page(cohort, screen)
    return render_template("admission/review.html", cohort=cohort, screen=screen, found=found,
                           rows=found.rows, status=screen.status, statuses=STATUSES,
                           counts=found.counts, form=DecisionForm(), bulk=BulkDecisionForm(),
                           mark=MarkForm(), sorts=tuple(screening.SORTS),
                           seats_taken=admission.seats_taken(cohort))


def _back(slug, anchor=None):
    """Back to the review page as it was (its filters ride on the form's address)."""
    screen = screening.parse(request.args)
    return redirect(url_for("admission.review", slug=slug, **screen.args(),
                            _anchor=anchor))


@bp.post("/c/<slug>/applications/decide")
@login_required
def decide_many(slug):
    """Admit, waitlist or decline the selected applications with one message."""
    cohort = cohort_for(slug, "review_applications")
    decision = request.form.get("decision", "")
    form = BulkDecisionForm()
    if decision not in ("admitted", "rejected", "waitlisted"):
        flash(_("Choose admit, waitlist or decline."), "error")
    elif form.validate_on_submit():
        try:
            report = screening.decide_many(
                cohort, request.form.getlist("selected"), decision, actor=current_user,
                now=clock.now(), message=form.message.data or "",
                link=f"{base_url()}/c/{slug}/", tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_report(decision, report), "success" if report["done"] else "error")
    return _back(slug)


def _report(decision, report):
    """The bulk decision in words: "Admitted 12. 3 put on the waitlist: the cohort is full."""
    done = {"admitted": _("Admitted %(n)d.", n=report["done"]),
            "waitlisted": _("Put %(n)d on the waitlist.", n=report["done"]),
            "rejected": _("Declined %(n)d.", n=report["done"])}[decision]
    parts = [done]
    if report["waitlisted_full"]:
        parts.append(_("%(n)d put on the waitlist because the cohort is full.",
                       n=report["waitlisted_full"]))
    if report["full"]:
        parts.append(_("%(n)d not admitted: the cohort is full.", n=report["full"]))
    if report["skipped"]:
        parts.append(_("%(n)d skipped: already decided or not in this cohort.",
                       n=report["skipped"]))
    return " ".join(parts)


@bp.post("/c/<slug>/applications/<int:application_id>/mark")
@login_required
def mark(slug, application_id):
    """Staff's score (1-5) and tags on one application."""
    cohort = cohort_for(slug, "review_applications")
    application = cohort_queries.application_in(cohort, application_id)
    if application is None:
        abort(404)
    if MarkForm().validate_on_submit():
        try:
            screening.mark(application, score=request.form.get("score", ""),
                           tags=request.form.get("tags", ""), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Saved the score and tags of %(name)s.",
                    name=application.user.display_name), "success")
    return _back(slug, anchor=f"a{application_id}")


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
    return _back(slug, anchor=None)
