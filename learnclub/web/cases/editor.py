"""Writing cases in the browser (hosts and assistants, and a member the host handed a case
to), the schedule, and revisions."""
import difflib
from zoneinfo import ZoneInfo

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from learnclub import clock
from learnclub.domain.cases import editing as cases
from learnclub.domain.cases import images as case_files
from learnclub.domain.cases import member_cases
from learnclub.domain.cases import queries as case_queries
from learnclub.domain.cases.case_file import ContentProblem, parse_case_file
from learnclub.domain.cases.due_times import EarlierDueNeedsConfirmation
from learnclub.domain.cases.schedule import Cadence, queue_warning, runs_dry_at
from learnclub.domain.cases.windows import OverlapNeedsChoice, check_overlap, check_window
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError
from learnclub.domain.rendering import render_markdown
from learnclub.web.cases import bp
from learnclub.web.cases.content_folder import folder_panel
from learnclub.web.cases.forms import CaseForm, ImageForm
from learnclub.web.cases.routes import load_case, load_case_for_editing
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import base_url, cohort_for, cohort_or_404, show_error, tr
from learnclub.web.i18n import local_time, span_words, zone_name


def _load_md_file(form, zone):
    """Fill the form from an uploaded .md file's front matter and body. True if it did."""
    upload = form.md_file.data
    if not upload or not getattr(upload, "filename", ""):
        return False
    try:
        source = parse_case_file(upload.read(), name=upload.filename, zone=zone)
    except ContentProblem as problem:
        form.md_file.errors = [f"{problem.where}: {problem.problem} {problem.hint}"]
        return True
    form.title.data, form.body_md.data = source.title, source.body_md
    form.homework_prompt.data, form.tags.data = source.homework, ", ".join(source.tags)
    form.no_homework.data = source.no_homework
    for field, value in (("publish_at", source.publish_at), ("due_at", source.due_at)):
        getattr(form, field).data = value.astimezone(zone).replace(tzinfo=None) if value else None
    return True


def _member_editor(cohort, case, form):
    """A member writing the case the host handed them: the text only (the host keeps the
    times); "submit" saves and hands it to the host for review. None = show the form."""
    action = request.form.get("action", "save")
    if not form.validate_on_submit() or action == "preview":
        return None
    now, values = clock.now(), form.values(ZoneInfo(cohort.timezone), clock.now())
    values = {key: values[key] for key in ("title", "body_md", "homework_prompt", "tags")}
    values["publish_at"] = case.publish_at if case.publish_fixed else None
    try:
        cases.update_case(case, values, actor=current_user, now=now, tr=tr)
        if action == "submit":
            member_cases.submit_case(case, actor=current_user, now=now, tr=tr)
    except DomainError as exc:
        show_error(form, exc)
        return None
    if action == "submit":
        flash(_("Submitted: the host reviews your case and publishes it, or sends it back "
                "with a note."), "success")
        return redirect(url_for("cohorts.page", slug=cohort.slug))
    flash(_("Draft saved. Only you and the hosts see it until it is published."), "success")
    return redirect(url_for("cases.edit", slug=cohort.slug, case_id=case.id))


def _editor(cohort, case, form):
    """Handle one editor submission: load a file, preview, or save. None = show the form."""
    zone = ZoneInfo(cohort.timezone)
    action = request.form.get("action", "save")
    if not form.validate_on_submit() or _load_md_file(form, zone) or action == "preview":
        return None
    now, values = clock.now(), form.values(zone, clock.now())
    try:
        values["publish_at"] = check_overlap(cohort, cases.schedule_of(cohort), values,
                                             now=now, case=case, tr=tr)
        check_window(cohort, values, now=now, case=case, tr=tr)
        if case is None:
            case = cases.create_case(cohort, values, actor=current_user, now=now, tr=tr)
        else:
            cases.update_case(case, values, actor=current_user, now=now, tr=tr,
                              base_url=base_url())
    except OverlapNeedsChoice as exc:
        show_error(form, exc)
        form.overlap_due = local_time(exc.due_at, cohort.timezone)
        return None
    except EarlierDueNeedsConfirmation as exc:
        show_error(form, exc)
        form.confirm_needed = True
        return None
    except DomainError as exc:
        show_error(form, exc)
        return None
    flash(_("Case saved."), "success")
    _flash_when(cohort, case)
    _flash_rhythm_warnings(cohort, case)
    return redirect(url_for("cases.edit", slug=cohort.slug, case_id=case.id))


def _flash_when(cohort, case):
    """Say exactly when the saved case goes out and when its homework is due."""
    slot = next((s for s in cases.schedule_of(cohort) if s.case.id == case.id), None)
    if slot is not None:
        flash(_("It goes out on %(out)s and homework is due on %(due)s (%(zone)s).",
                out=local_time(slot.publish_at, cohort.timezone),
                due=local_time(slot.due_at, cohort.timezone),
                zone=zone_name(cohort.timezone)), "info")


def _flash_rhythm_warnings(cohort, case):
    """An explicit time outside the cadence is allowed, and said out loud; so is an earlier
    case whose window stays open after this one goes out (never cut without the host)."""
    slots = cases.schedule_of(cohort)
    mine = next((s for s in slots if s.case.id == case.id), None)
    for slot in slots if mine else ():
        if slot.publish_at < mine.publish_at < slot.due_at and slot.case.id != case.id:
            flash(_("The homework of “%(title)s” stays open until %(due)s, after this case "
                    "goes out. To shorten its window, set its due time in its editor.",
                    title=slot.case.title, due=local_time(slot.due_at, cohort.timezone)),
                  "info")
    for slot in slots:
        for _kind, gap in slot.warnings if slot.case.id == case.id else ():
            flash(_("Note: this case goes out %(gap)s after the previous one; the "
                    "cohort's rhythm is %(min)d–%(max)d days.", gap=span_words(gap),
                    min=cohort.cadence_min_days, max=cohort.cadence_max_days), "error")


def _render_editor(cohort, case, form, *, staff=True):
    base = url_for("cases.file", slug=cohort.slug, case_id=case.id, name="") if case else None
    preview = Markup(render_markdown(form.body_md.data or "", files_base=base, allow_html=True))
    images = case_queries.images_of(case) if case else []
    author = member_cases.authors_of([case]).get(case.author_id) if case else None
    return render_template("cases/edit.html", cohort=cohort, case=case, form=form,
                           preview=preview, images=images, image_form=ImageForm(),
                           plain=PlainForm(), staff=staff, author=author,
                           confirm_needed=getattr(form, "confirm_needed", False),
                           overlap_due=getattr(form, "overlap_due", None),
                           expected=case_queries.expected_queue_time(cohort, case,
                                                                     now=clock.now()))


@bp.route("/c/<slug>/cases/new", methods=["GET", "POST"])
@login_required
def new(slug):
    cohort = cohort_for(slug, "manage_cases")
    form = CaseForm()
    return _editor(cohort, None, form) or _render_editor(cohort, None, form)


@bp.route("/c/<slug>/cases/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, case_id):
    cohort, case, staff = load_case_for_editing(slug, case_id)
    form = CaseForm(obj=case)
    if request.method == "GET":
        form.fill_times(case, ZoneInfo(cohort.timezone))
    if not staff:  # the member writing the case the host handed them
        return (_member_editor(cohort, case, form)
                or _render_editor(cohort, case, form, staff=False))
    return _editor(cohort, case, form) or _render_editor(cohort, case, form)


@bp.post("/c/<slug>/cases/preview")
@login_required
def preview(slug):
    """Live preview for the editor's script: the same renderer as the published page (for
    staff, and for a member while they write a case handed to them)."""
    cohort = cohort_or_404(slug)
    membership = access.membership_of(current_user, cohort)
    if not any(access.may_edit_case(current_user, case, membership)
               for case in member_cases.drafts_of(cohort, current_user)):
        access.require(current_user, "manage_cases", cohort, tr=tr)
    if not PlainForm().validate_on_submit():
        abort(400)
    return jsonify({"html": render_markdown(request.form.get("body_md", ""),
                                            files_base=request.form.get("files_base") or None,
                                            allow_html=True)})


@bp.post("/c/<slug>/cases/<int:case_id>/images")
@login_required
def upload_image(slug, case_id):
    cohort, case, _staff = load_case_for_editing(slug, case_id)
    form = ImageForm()
    upload = form.image.data
    if form.validate_on_submit() and upload and getattr(upload, "filename", ""):
        try:
            stored = case_files.store_case_image(
                case, upload.filename, upload.read(), now=clock.now(), tr=tr)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Image uploaded. Put it in the text with: ![](%(name)s)", name=stored.name),
                  "success")
    else:
        flash(_("Choose an image to upload."), "error")
    return redirect(url_for("cases.edit", slug=slug, case_id=case_id))


@bp.post("/c/<slug>/cases/<int:case_id>/<any(archive, restore, up, down):action>")
@login_required
def change(slug, case_id, action):
    """Archive or restore a case, or move it up or down the queue."""
    cohort, case, _staff = load_case(slug, case_id, need_staff=True)
    if PlainForm().validate_on_submit():
        now = clock.now()
        if action == "archive":
            cases.archive_case(case, now=now, actor=current_user)
        elif action == "restore":
            cases.restore_case(case, now=now, actor=current_user)
        else:
            cases.move_in_queue(case, -1 if action == "up" else 1, now=now, actor=current_user)
    return redirect(url_for("cases.schedule", slug=slug))


@bp.get("/c/<slug>/schedule")
@login_required
def schedule(slug):
    """The coming cases with their dates and due times; warnings about the rhythm."""
    cohort = cohort_for(slug, "manage_cases")
    now = clock.now()
    cadence = Cadence.of(cohort)
    slots = cases.schedule_of(cohort)
    return render_template("cases/schedule.html", cohort=cohort, now=now,
                           learners=member_cases.assignable_learners(cohort),
                           authors=member_cases.authors_of([s.case for s in slots]),
                           held_back={s.case.id for s, passed
                                      in member_cases.late_drafts(slots, now=now) if passed},
                           rows=case_queries.slots_with_state(slots, now),
                           archived=case_queries.archived_cases(cohort),
                           dry_warning=queue_warning(slots, cadence, now=now),
                           dry_at=runs_dry_at(slots, cadence),
                           behind=case_queries.waiting_for_pinned(cohort, now=now),
                           folder=folder_panel(cohort), plain=PlainForm())


@bp.get("/c/<slug>/cases/<int:case_id>/revisions")
@login_required
def revisions(slug, case_id):
    """Every earlier text of a case, each compared with the text that followed it."""
    cohort, case, _staff = load_case(slug, case_id, need_staff=True)
    rows = case_queries.revisions_of(case)
    newer = [case, *rows]
    diffs = [(rev, list(difflib.unified_diff(
        f"# {rev.title}\n\n{rev.body_md}\n\n{rev.homework_prompt}".splitlines(),
        f"# {after.title}\n\n{after.body_md}\n\n{after.homework_prompt}".splitlines(),
        lineterm="", n=2))[2:]) for rev, after in zip(rows, newer, strict=False)]
    return render_template("cases/revisions.html", cohort=cohort, case=case, diffs=diffs)
