"""Members write too (轮值): the schedule's "请成员来写", and the host's review of a member's
case (approve, send back with a note). The member writes in the editor (editor.py)."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cases import member_cases
from learnclub.domain.cases import queries as case_queries
from learnclub.domain.errors import DomainError
from learnclub.web.cases import bp
from learnclub.web.cases.routes import load_case
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import cohort_for, tr
from learnclub.web.i18n import local_time


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
    """Accept a member's case: it goes out at its slot, or now if that has passed."""
    _cohort, case, _staff = load_case(slug, case_id, need_staff=True)
    if not PlainForm().validate_on_submit():
        return redirect(url_for("cases.schedule", slug=slug))
    now = clock.now()
    try:
        member_cases.approve_case(case, actor=current_user, now=now, tr=tr)
    except DomainError as exc:
        return _refused(slug, exc)
    if not case.is_out(now):
        return _done(slug, _("Approved: “%(title)s” goes out at its time.", title=case.title))
    slot = case_queries.slot_of(case)
    return _done(slug, _("Approved after its time: “%(title)s” is out now and its homework is "
                         "due %(due)s.", title=case.title,
                         due=local_time(slot.due_at, case.cohort.timezone)))


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


@bp.post("/c/<slug>/cases/<int:case_id>/take-back")
@login_required
def take_back(slug, case_id):
    """Take a member's case back before it is approved: it is the staff's again."""
    _cohort, case, _staff = load_case(slug, case_id, need_staff=True)
    if not PlainForm().validate_on_submit():
        return redirect(url_for("cases.schedule", slug=slug))
    try:
        member_cases.take_back(case, actor=current_user, now=clock.now(), tr=tr)
    except DomainError as exc:
        return _refused(slug, exc)
    return _done(slug, _("Taken back: “%(title)s” is the hosts' case again, its text kept; "
                         "its writer was told.", title=case.title))


@bp.post("/c/<slug>/cases/<int:case_id>/withdraw-approval")
@login_required
def withdraw_approval(slug, case_id):
    """Send an approved member's case that is not out yet back to review."""
    _cohort, case, _staff = load_case(slug, case_id, need_staff=True)
    if not PlainForm().validate_on_submit():
        return redirect(url_for("cases.schedule", slug=slug))
    try:
        member_cases.withdraw_approval(case, actor=current_user, now=clock.now(), tr=tr)
    except DomainError as exc:
        return _refused(slug, exc)
    return _done(slug, _("Approval withdrawn: “%(title)s” waits for your review again and "
                         "does not go out until you approve it.", title=case.title))
