"""Writing homework, its preview, "my homework" and its export (the talk around it, likes,
comments, feedback and featured picks, is in talk.py)."""
from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.arrival import arrival
from learnclub.domain.cases import queries as case_queries
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError, NotAllowed
from learnclub.domain.homework import images, timing
from learnclub.domain.homework import queries as homework_queries
from learnclub.domain.homework import submission as homework
from learnclub.domain.homework.progress import learner_progress
from learnclub.domain.rendering import render_markdown
from learnclub.web.cases import routes as case_pages  # the case page shows homework
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import cohort_for, cohort_or_404, show_error, tr
from learnclub.web.deposits.words import member_deposit
from learnclub.web.homework import bp
from learnclub.web.homework.export import homework_markdown
from learnclub.web.homework.forms import HomeworkForm
from learnclub.web.homework.panel import PREVIEW_ANCHORS, picture_url
from learnclub.web.i18n import local_time
from learnclub.web.participation.forms import RangeLeaveForm
from learnclub.web.participation.status import miss_status, removal_words
from learnclub.web.stored_files import send_stored


def _late_text(seconds):
    hours, minutes = divmod(seconds // 60, 60)
    return _("%(h)d h %(m)d min late", h=hours, m=minutes)


def _saved_message(submission, created, until, tz):
    """The answer to a save, in words: what happened and until when it can be changed."""
    if until is None:
        return _("Homework submitted.") if created else _("Homework updated.")
    until = local_time(until, tz)
    if submission.is_late and created:
        return _("Homework submitted, marked late (%(late)s); you can change it until "
                 "%(until)s. Thank you for writing anyway.",
                 late=_late_text(submission.late_seconds), until=until)
    if created:
        return _("Homework submitted. You can change it until %(until)s.", until=until)
    return _("Homework updated. You can change it until %(until)s.", until=until)


def _case_to_write(slug, case_id):
    """(cohort, case with its cohort set, membership) as the case page finds the case
    (case_pages.load_case), keeping the membership for the submission's own check."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    case = case_queries.find_case(cohort, case_id, current_user, now=clock.now(),
                                  membership=membership)
    if case is None:
        abort(404)
    case.cohort = cohort  # loaded already: not again through the case
    return cohort, case, membership


@bp.post("/c/<slug>/cases/<int:case_id>/homework")
@login_required
def submit(slug, case_id):
    """Submit or edit one's homework; a refusal re-shows the page with the text as typed."""
    _cohort, case, membership = _case_to_write(slug, case_id)
    form = HomeworkForm()
    action = request.form.get("action") or "save"
    if action == "preview" or not form.validate_on_submit():
        return case_pages.render_case(slug, case_id, homework_form=form)
    try:
        if _pictures(case, membership, action):  # pictures only: the text stays a draft
            return case_pages.render_case(slug, case_id, homework_form=form)
    except NotAllowed:
        raise
    except DomainError as exc:
        show_error(form, exc)
        return case_pages.render_case(slug, case_id, homework_form=form, status=422)
    slot = case_queries.slot_of(case, read=False)  # the case was read whole just now
    try:
        submission, created = homework.submit_homework(case, current_user, form.body_md.data,
                                                       now=arrival(request.environ),
                                                       membership=membership, slot=slot, tr=tr)
    except NotAllowed:
        raise  # a 403 page that explains, not a form error
    except DomainError as exc:
        show_error(form, exc)
        return case_pages.render_case(slug, case_id, homework_form=form, status=422)
    until = timing.editable_until(case, current_user, now=clock.now(), slot=slot)
    flash(_saved_message(submission, created, until, case.cohort.timezone), "success")
    return redirect(url_for("cases.show", slug=slug, case_id=case_id) + "#my-homework")


def _pictures(case, membership, action):
    """Keep the chosen pictures as pending (images.py) and, for "remove:<id>", remove one.
    True if that was all the learner asked (upload or remove), False to save the text."""
    uploads = [f.read(images.MAX_BYTES + 1) for f in request.files.getlist("images")
               if f and f.filename]
    if uploads:
        images.add_images(case, current_user, uploads, now=arrival(request.environ),
                          membership=membership, tr=tr)
    if action.startswith("remove:"):
        image_id = action.removeprefix("remove:")
        images.remove_image(case, current_user, int(image_id) if image_id.isdigit() else 0,
                            now=arrival(request.environ), membership=membership, tr=tr)
        flash(_("Picture removed."), "success")
        return True
    return action == "upload"


@bp.get("/c/<slug>/homework/pictures/<int:image_id>.jpg")
@login_required
def picture(slug, image_id):
    """A picture in a homework, for those who may read that homework (images.py)."""
    cohort = cohort_or_404(slug)
    return send_stored(images.readable_image(cohort, image_id, current_user, now=clock.now()),
                       public=False)


@bp.post("/c/<slug>/homework/preview")
@login_required
def preview(slug):
    """Live preview and length for the homework editor (learners' Markdown, no raw HTML)."""
    cohort_for(slug, "view_cohort_pages")  # members only
    if not PlainForm().validate_on_submit():
        abort(400)
    text = request.form.get("body_md", "")
    return jsonify({"html": render_markdown(text, anchor_prefix=PREVIEW_ANCHORS),
                    "length": homework.count_length(text)})


@bp.get("/c/<slug>/homework/mine")
@login_required
def mine(slug):
    """My homework: what is due next with a countdown, my history, my streak, my misses and
    leave. A removed learner still reads it (read only), with why they left."""
    cohort = cohort_or_404(slug)
    membership = access.require_own_work(current_user, cohort, tr=tr)
    now = clock.now()
    # a removed learner's rows stop at their removal: later cases are not even named
    rows, upcoming, streak = learner_progress(cohort, current_user, now=now)
    active_learner = membership.is_active_learner
    removed = membership.status == "removed"
    pictures = images.galleries([row.submission.id for row in rows if row.submission])
    return render_template(
        "homework/mine.html", cohort=cohort, rows=rows, upcoming=upcoming, streak=streak,
        pictures=pictures, picture_url=picture_url(cohort.slug),
        picture_words=(_("Picture %(n)s of %(name)s's homework"),
                       _("Open the picture full size")),
        now=now, removed=removed, membership=membership,
        is_staff=access.can(current_user, "track_homework", cohort, membership),
        misses=miss_status(cohort, current_user) if active_learner else None,
        leave_form=RangeLeaveForm() if active_learner else None,
        requests=homework_queries.leave_requests_of(cohort, current_user),
        removed_reason=removal_words(membership) if removed else "",
        hosts=homework_queries.hosts_of(cohort) if removed else [],
        **member_deposit(cohort, membership, now))


@bp.get("/c/<slug>/homework/export.md")
@login_required
def export(slug):
    """My homework as a Markdown file, for members and for removed learners alike."""
    cohort = cohort_or_404(slug)
    membership = access.require_own_work(current_user, cohort, tr=tr)
    own = list(homework_queries.own_homework(cohort, current_user, now=clock.now(),
                                             membership=membership))
    body = homework_markdown(cohort, current_user, own, timing.cohort_edits_after_due(cohort, own),
                             pictures=images.galleries([s.id for s in own]),
                             picture_url=picture_url(cohort.slug, _external=True))
    return Response(body.encode("utf-8"), content_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="{cohort.slug}-my-homework.md"',
                             "Cache-Control": "no-store"})
