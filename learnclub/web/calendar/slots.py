"""Managing the weeks (hosts and assistants): add a one-off session, move one, cancel one
(everyone concerned is told by mail)."""
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.errors import DomainError
from learnclub.domain.sharing import calendar as sharing_calendar
from learnclub.domain.sharing import queries as sharing_queries
from learnclub.domain.sharing import talks as sharing
from learnclub.web.calendar import bp
from learnclub.web.calendar.forms import SlotForm
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import base_url, cohort_for, show_error, tr
from learnclub.web.i18n import local_time
from learnclub.web.participation.routes import flash_form_errors


def _slot_of(cohort, slot_id):
    slot = sharing_queries.slot_in(cohort, slot_id)
    if slot is None:
        abort(404)
    return slot


def _aware(form, cohort):
    return form.starts_at.data.replace(tzinfo=ZoneInfo(cohort.timezone)).astimezone(UTC)


def _back(slug):
    return redirect(url_for("calendar.slots", slug=slug))


def _render(cohort, form):
    return render_template("calendar/slots.html", cohort=cohort, form=form, is_staff=True,
                           weeks=sharing_calendar.calendar_weeks(cohort, now=clock.now()),
                           plain_form=PlainForm())


@bp.route("/c/<slug>/calendar/slots", methods=["GET", "POST"])
@login_required
def slots(slug):
    """The weeks ahead with their controls; posting adds a one-off session."""
    cohort = cohort_for(slug, "manage_sharing")
    form = SlotForm(prefix="new")
    if form.validate_on_submit():
        try:
            slot = sharing.add_one_off_slot(cohort, _aware(form, cohort), actor=current_user,
                                            now=clock.now(), minutes=form.minutes.data, tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Session added for %(when)s.",
                    when=local_time(slot.starts_at, cohort.timezone)), "success")
            return redirect(url_for("calendar.slots", slug=slug) + f"#slot-{slot.id}")
    return _render(cohort, form)


@bp.post("/c/<slug>/calendar/slots/<int:slot_id>/move")
@login_required
def move(slug, slot_id):
    """Move a session to another time; calendars pick it up (its SEQUENCE goes up)."""
    cohort = cohort_for(slug, "manage_sharing")
    slot = _slot_of(cohort, slot_id)
    form = SlotForm(prefix=f"move-{slot.id}")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(slug)
    try:
        slot = sharing.move_slot(slot, _aware(form, cohort), actor=current_user,
                                 now=clock.now(), minutes=form.minutes.data, tr=tr)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        sharing.mail_slot_moved(slot, now=clock.now(), link=base_url() + url_for(
            "sharing.mine", slug=cohort.slug))
        flash(_("Session moved to %(when)s.", when=local_time(slot.starts_at, cohort.timezone)),
              "success")
    return _back(slug)


@bp.post("/c/<slug>/calendar/slots/<int:slot_id>/cancel")
@login_required
def cancel(slug, slot_id):
    """Cancel a session and tell members, its guest and those who proposed for it."""
    cohort = cohort_for(slug, "manage_sharing")
    slot = _slot_of(cohort, slot_id)
    if PlainForm().validate_on_submit():
        now = clock.now()
        try:
            cancellation = sharing.cancel_slot(slot, actor=current_user, now=now, tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            # deciding and telling are separate steps in the domain: here they go together
            sharing.mail_slot_cancelled(cancellation, now=now,
                                        link=f"{base_url()}/c/{cohort.slug}/calendar")
            flash(ngettext("Session cancelled; %(num)d person was told.",
                           "Session cancelled; %(num)d people were told.",
                           len(cancellation.people)), "success")
    return _back(slug)
