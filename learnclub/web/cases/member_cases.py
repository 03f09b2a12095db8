"""Members write too (轮值): the schedule's "请成员来写", and the host's review of a member's
case (approve, send back with a note). The member writes in the editor (editor.py)."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cases import member_cases
from learnclub.domain.errors import DomainError
from learnclub.web.cases import bp
from learnclub.web.cases.routes import load_case
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import cohort_for, tr


def _author_id():
    """The learner picked in the form, as an id (0: none or not a number)."""
    value = request.form.get("author", "")
    return int(value) if value.isdigit() and len(value) < 19 else 0


def _done(slug, message):
    flash(message, "success")
    return redirect(url_for("cases.schedule", slug=slug))


def _refused(slug, exc):
    flash(exc.message, "error")
    return redirect(url_for("cases.schedule", slug=slug))


@bp.post("/c/<slug>/cases/<int:case_id>/assign")
@login_required
def assign(slug, case_id):
    """Hand a coming case to a member to write."""
    _cohort, case, _staff = load_case(slug, case_id, need_staff=True)
    if not PlainForm().validate_on_submit():
        return redirect(url_for("cases.schedule", slug=slug))
    try:
        member_cases.assign_case(case, _author_id(), actor=current_user, now=clock.now(), tr=tr)
    except DomainError as exc:
        return _refused(slug, exc)
    return _done(slug, _("The case is handed to %(name)s; it shows on their to-do.",
                         name=case.author.display_name))


@bp.post("/c/<slug>/cases/assign")
@login_required
def assign_new(slug):
    """A new case at the end of the queue, with a title and a brief, for a member to write."""
    cohort = cohort_for(slug, "manage_cases")
    if not PlainForm().validate_on_submit():
        return redirect(url_for("cases.schedule", slug=slug))
    try:
        case = member_cases.create_assigned_case(
            cohort, request.form.get("title", ""), request.form.get("brief", ""),
            _author_id(), actor=current_user, now=clock.now(), tr=tr)
    except DomainError as exc:
        return _refused(slug, exc)
    return _done(slug, _("The case is handed to %(name)s; it shows on their to-do.",
                         name=case.author.display_name))


@bp.post("/c/<slug>/cases/<int:case_id>/approve")
@login_required
def approve(slug, case_id):
    """Accept a member's case: it goes out at its slot."""
    _cohort, case, _staff = load_case(slug, case_id, need_staff=True)
    if not PlainForm().validate_on_submit():
        return redirect(url_for("cases.schedule", slug=slug))
    try:
        member_cases.approve_case(case, actor=current_user, now=clock.now(), tr=tr)
    except DomainError as exc:
        return _refused(slug, exc)
    return _done(slug, _("Approved: “%(title)s” goes out at its time.", title=case.title))


@bp.post("/c/<slug>/cases/<int:case_id>/send-back")
@login_required
def send_back(slug, case_id):
    """Return a submitted case to its author with a note."""
    _cohort, case, _staff = load_case(slug, case_id, need_staff=True)
    if not PlainForm().validate_on_submit():
        return redirect(url_for("cases.schedule", slug=slug))
    try:
        member_cases.send_back(case, request.form.get("note", ""), actor=current_user,
                               now=clock.now(), tr=tr)
    except DomainError as exc:
        return _refused(slug, exc)
    return _done(slug, _("Sent back to its author with your note."))
