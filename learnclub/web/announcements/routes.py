"""Announcements (公告): the list, one announcement (opening it leaves a read receipt; staff
see who read it), posting, pinning and unpinning (domain/cohorts/announcements.py)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import access
from learnclub.domain.cohorts import announcements as news
from learnclub.domain.errors import DomainError, NotFound
from learnclub.web.announcements import bp
from learnclub.web.announcements.forms import AnnouncementForm, ButtonForm
from learnclub.web.common import base_url, cohort_for, cohort_or_404, show_error, tr


def _member_cohort(slug):
    """(cohort, membership, staff) for an active member, else the 403 page."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    return cohort, membership, access.can(current_user, "post_announcements", cohort,
                                          membership)


def _announcement(cohort, announcement_id):
    try:
        return news.announcement_in(cohort, announcement_id, tr=tr)
    except NotFound:
        abort(404)


@bp.get("/c/<slug>/announcements")
@login_required
def index(slug):
    """Every announcement, pinned ones first; staff see how many of the members read each."""
    cohort, _membership, staff = _member_cohort(slug)
    items = news.announcements_of(cohort)
    return render_template("announcements/index.html", cohort=cohort, items=items,
                           is_staff=staff, receipts=news.receipts(cohort, items) if staff
                           else {}, form=ButtonForm())


@bp.get("/c/<slug>/announcements/<int:announcement_id>")
@login_required
def show(slug, announcement_id):
    """One announcement; reading it leaves the member's read receipt."""
    cohort, membership, staff = _member_cohort(slug)
    item = _announcement(cohort, announcement_id)
    news.mark_read([item], membership, now=clock.now())
    return render_template("announcements/show.html", cohort=cohort, item=item,
                           is_staff=staff, receipt=news.receipts(cohort, [item]).get(item.id)
                           if staff else None, form=ButtonForm())


@bp.route("/c/<slug>/announcements/new", methods=["GET", "POST"])
@login_required
def new(slug):
    """Staff post an announcement: pinned, mailed, in messages and to the chat robots."""
    cohort = cohort_for(slug, "post_announcements")
    form = AnnouncementForm()
    if form.validate_on_submit():
        try:
            item = news.post_announcement(cohort, actor=current_user, title=form.title.data,
                                          body_md=form.body_md.data, pin=form.pin.data,
                                          now=clock.now(), base_url=base_url(), tr=tr)
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(_("Announcement posted. Members get it by mail, in their messages and in "
                    "the chat groups that chose announcements."), "success")
            return redirect(url_for("announcements.show", slug=slug, announcement_id=item.id))
    return render_template("announcements/new.html", cohort=cohort, form=form)


@bp.post("/c/<slug>/announcements/<int:announcement_id>/<any(pin, unpin):action>")
@login_required
def pin(slug, announcement_id, action):
    """Pin an announcement to the top of the cohort page, or unpin it."""
    cohort = cohort_for(slug, "post_announcements")
    item = _announcement(cohort, announcement_id)
    if ButtonForm().validate_on_submit():
        news.set_pinned(item, action == "pin", actor=current_user, now=clock.now(), tr=tr)
        flash(_("Pinned to the top of the cohort page.") if action == "pin"
              else _("Unpinned."), "success")
    return redirect(url_for("announcements.show", slug=slug, announcement_id=item.id))
