"""The sharing calendar (docs/rules.md "Weekly guest sharing"): the weeks ahead for people,
and the ICS feed at /c/<slug>/calendar.ics for their calendar apps (a member's secret link
when the cohort is private)."""
from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cohorts import access
from learnclub.domain.sharing import calendar as sharing_calendar
from learnclub.domain.sharing import feed as sharing_feed
from learnclub.web.calendar import bp
from learnclub.web.calendar.grid import month_grid
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import cohort_for, cohort_or_404, tr


def _readable_cohort(slug):
    """The cohort, if the calendar is public or the reader a member."""
    cohort = cohort_or_404(slug)
    if not access.may_read_sharing(current_user, cohort):
        access.require(current_user, "view_cohort_pages", cohort, tr=tr)  # says why not
    return cohort


@bp.get("/c/<slug>/calendar")
def page(slug, secret=None):
    """The weeks ahead: a list on phones, a month grid on wider screens. A member's private
    feed link is shown once, on the page answering "make a link" (`secret`): only its hash
    is kept."""
    cohort = _readable_cohort(slug)
    membership = access.membership_of(current_user, cohort)
    is_member = access.can(current_user, "view_cohort_pages", cohort, membership)
    weeks = sharing_calendar.calendar_weeks(cohort, now=clock.now())
    token = sharing_calendar.live_calendar_token(cohort, current_user) if is_member else None
    feed_url = url_for("calendar.feed", slug=slug, _external=True,
                       **({"token": secret} if secret else {}))
    return render_template(
        "calendar/page.html", cohort=cohort, weeks=weeks, months=month_grid(weeks),
        is_member=is_member, token=token, secret=secret, feed_url=feed_url,
        link_form=PlainForm(),
        is_staff=access.can(current_user, "manage_sharing", cohort, membership),
        may_propose=access.can(current_user, "propose_talk", cohort, membership))


@bp.get("/c/<slug>/calendar.ics")
def feed(slug):
    """The ICS feed: anyone's for a public cohort, else a member's live secret link; a
    revoked or unknown link is not found. ?alarm=30 adds a reminder 30 minutes before."""
    cohort = cohort_or_404(slug)
    if not sharing_calendar.feed_readable(cohort, request.args.get("token", "")):
        abort(404)
    feed = sharing_feed.make_feed(
        cohort, now=clock.now(), link=url_for("calendar.page", slug=slug, _external=True),
        alarm_minutes=request.args.get("alarm", type=int), tr=tr)
    response = Response(feed.body, content_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'inline; filename="{cohort.slug}.ics"',
        "Cache-Control": "private, max-age=300"})
    response.set_etag(feed.etag)
    response.last_modified = feed.last_modified
    # If-None-Match (or, from a client without the tag, If-Modified-Since): 304, no body
    return response.make_conditional(request)


@bp.post("/c/<slug>/calendar/link")
@login_required
def renew_link(slug):
    """Make the member's secret feed link, revoking the one they had, and show it this once
    (the answer is not cached)."""
    cohort = cohort_for(slug, "view_cohort_pages")
    if not PlainForm().validate_on_submit():
        return redirect(url_for("calendar.page", slug=slug) + "#subscribe")
    _row, secret = sharing_calendar.renew_calendar_token(cohort, current_user, now=clock.now())
    flash(_("Your new calendar link is ready; the old one no longer works. Copy it now: it is "
            "shown only this once."), "success")
    response = make_response(page(slug, secret=secret))
    response.headers["Cache-Control"] = "no-store"
    return response
