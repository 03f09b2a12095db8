"""The cohort's rules (群规): reading and acknowledging them ("我已阅读并同意群规"), staff
writing them and seeing who acknowledged the version in force (domain/cohorts/rules.py)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import access, rules
from learnclub.domain.errors import DomainError
from learnclub.web.announcements import bp
from learnclub.web.announcements.forms import AcknowledgeForm, RulesForm
from learnclub.web.common import cohort_for, cohort_or_404, show_error, tr


def _page(cohort, membership, form):
    in_force = rules.rules_of(cohort)
    version = rules.current_version(in_force)
    staff = access.can(current_user, "post_announcements", cohort, membership)
    acknowledged = rules.acknowledged_version(membership)
    if not form.is_submitted():
        form.version.data = str(version)
    return render_template(
        "announcements/rules.html", cohort=cohort, rules=in_force, version=version,
        form=form, is_staff=staff, acknowledged=acknowledged,
        needs=rules.needs_acknowledgment(membership, in_force, acknowledged=acknowledged),
        acks=rules.acknowledgments(cohort) if staff else None)


@bp.get("/c/<slug>/rules")
@login_required
def page(slug):
    """The rules, with the button to acknowledge them while one must; staff see who did."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    return _page(cohort, membership, AcknowledgeForm())


@bp.post("/c/<slug>/rules/acknowledge")
@login_required
def acknowledge(slug):
    """我已阅读并同意群规: record the version the page showed."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        try:
            version = int(form.version.data or "")
        except ValueError:
            version = -1
        try:
            rules.acknowledge_rules(cohort, current_user, version=version, now=clock.now(),
                                    tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Thank you: you agreed to the rules."), "success")
            return redirect(url_for("cohorts.page", slug=slug))
    return _page(cohort, membership, form)


@bp.route("/c/<slug>/rules/edit", methods=["GET", "POST"])
@login_required
def edit(slug):
    """Staff write the rules; a changed text is a new version every member acknowledges."""
    cohort = cohort_for(slug, "post_announcements")
    form = RulesForm()
    if not form.is_submitted():
        in_force = rules.rules_of(cohort)
        form.body_md.data = in_force.body_md if in_force else ""
    elif form.validate_on_submit():
        try:
            version = rules.save_rules(cohort, form.body_md.data, actor=current_user,
                                       now=clock.now(), tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Rules saved: version %(n)d. Members will be asked to agree to them "
                    "again.", n=version) if version else _("Nothing changed."), "success")
            return redirect(url_for("announcements.page", slug=slug))
    return render_template("announcements/rules_edit.html", cohort=cohort, form=form)
