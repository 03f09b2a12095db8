"""Tracking homework: the heatmap and its CSV, a case's report, a learner's history (staff),
and for members the best-of page, the leaderboard and points histories."""
import functools
from datetime import timedelta

from babel.dates import format_timedelta
from flask import Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.cases.schedule import window_state
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError
from learnclub.domain.participation import missing_list, queries, standings, tracking
from learnclub.web.common import base_url, cohort_for, cohort_or_404, tr
from learnclub.web.tracking import bp
from learnclub.web.tracking.chart import bar_chart
from learnclub.web.tracking.export import matrix_csv


@bp.app_template_filter("duration")
def duration(seconds):
    """{{ cell.late_seconds|duration }}: a short span like '5h' / '5小时'."""
    return _duration(seconds, str(get_locale()))


@functools.lru_cache(maxsize=4096)
def _duration(seconds, locale):
    """Babel once per distinct span and language: a heatmap has thousands of late cells."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1, format="narrow",
                            locale=locale)


def _matrix(cohort, now, *, cells=True):
    """The matrix in the order and with the rows the query string asks for; 400 if unknown.
    Without `cells`, only the states (the page fills the cells of the rows it shows)."""
    try:
        return tracking.participation_matrix(cohort, now=now,
                                             sort=request.args.get("sort", "name"),
                                             include_removed=request.args.get("removed") == "1",
                                             times=False, cells=cells, tr=tr)
    except DomainError:
        abort(400)


@bp.get("/c/<slug>/tracking")
@login_required
def heatmap(slug):
    """Learners × cases, a symbol and a colour per cell, with the submission-rate chart."""
    cohort = cohort_for(slug, "track_homework")
    now = clock.now()
    matrix = _matrix(cohort, now, cells=False)
    rates = tracking.rates_from(matrix)
    rows, page, pages = tracking.matrix_page(matrix, request.args.get("page", 1, type=int),
                                             cohort=cohort, now=now)
    # translated once here, not once per cell: 100 learners × 60 cases a page
    state_words = {"on_time": _("on time"), "missed": _("missed"), "excused": _("excused"),
                   "open": _("not submitted yet"), "not_member": _("not a member then")}
    late_words = {c.late_seconds: _("late %(time)s", time=duration(c.late_seconds))
                  for row in rows for c in row.cells if c.state == "late"}
    case_words = [_("Case %(num)d", num=n) for n in range(1, len(matrix.slots) + 1)]
    return render_template("tracking/heatmap.html", cohort=cohort, matrix=matrix, rates=rates,
                           chart=bar_chart(rates, now=now), now=now, is_staff=True,
                           include_removed=request.args.get("removed") == "1",
                           rows=rows, page=page, pages=pages, state_words=state_words,
                           late_words=late_words, case_words=case_words)


@bp.get("/c/<slug>/tracking.csv")
@login_required
def export(slug):
    """The heatmap as a spreadsheet (same order and rows as the page's query string)."""
    cohort = cohort_for(slug, "track_homework")
    body = matrix_csv(_matrix(cohort, clock.now()), cohort.timezone)
    return Response(body.encode("utf-8"), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{cohort.slug}-homework.csv"',
        "Cache-Control": "no-store"})


@bp.get("/c/<slug>/tracking/cases/<int:case_id>")
@login_required
def case_report(slug, case_id):
    """One case: who handed in on time (when), late (by how much), nothing, or was excused."""
    cohort = cohort_for(slug, "track_homework")
    now = clock.now()
    case = queries.case_in(cohort, case_id)
    if case is None:
        abort(404)
    report = tracking.case_report(cohort, case, now=now, tr=tr)
    # the 未交名单 to paste into the chat group, in the cohort's language
    missing_text = missing_list.missing_list_text(
        cohort, report.slot, link=base_url() + url_for("cases.show", slug=slug, case_id=case.id))
    return render_template("tracking/case_report.html", cohort=cohort, report=report, now=now,
                           state=window_state(report.slot, now), is_staff=True,
                           missing_text=missing_text)


@bp.get("/c/<slug>/members/<int:user_id>/homework")
@login_required
def history(slug, user_id):
    """Every published case with one learner's homework on it: staff, or the learner."""
    cohort = cohort_or_404(slug)
    membership = tracking.require_history_reader(current_user, cohort, user_id, tr=tr)
    row = tracking.learner_history(cohort, user_id, now=clock.now(), reader=current_user,
                                   tr=tr)
    return render_template("tracking/history.html", cohort=cohort, row=row,
                           is_staff=membership is not None,
                           is_self=row.user.id == current_user.id)


@bp.get("/c/<slug>/best")
@login_required
def best(slug):
    """Featured homework (精选), newest case first, for every member to read."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    staff = access.can(current_user, "track_homework", cohort, membership)
    groups = tracking.featured_submissions(cohort, now=clock.now(), reader=current_user)
    return render_template("tracking/best.html", cohort=cohort, groups=groups, is_staff=staff)


@bp.get("/c/<slug>/leaderboard")
@login_required
def leaderboard(slug):
    """Learners and guests by points; not found when the cohort keeps no points."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    board = standings.leaderboard(cohort, tr=tr)
    return render_template("tracking/leaderboard.html", cohort=cohort, standings=board,
                           is_staff=access.can(current_user, "track_homework", cohort,
                                               membership))


@bp.get("/c/<slug>/points/<int:user_id>")
@login_required
def points(slug, user_id):
    """One member's points, line by line, newest first."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    member, events, total = standings.points_history(cohort, user_id, tr=tr)
    return render_template("tracking/points.html", cohort=cohort, member=member, events=events,
                           total=total, is_staff=access.can(current_user, "track_homework",
                                                            cohort, membership))
