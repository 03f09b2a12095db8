"""Reading cases: the list with each case's homework window, a case page, its images."""
from flask import abort, render_template, request
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain import files
from learnclub.domain.cases import member_cases
from learnclub.domain.cases import queries as case_queries
from learnclub.domain.cases.editing import readable_case
from learnclub.domain.cases.schedule import window_state
from learnclub.domain.cohorts import access
from learnclub.domain.homework.progress import learner_progress
from learnclub.web.cases import bp
from learnclub.web.cohorts import nav
from learnclub.web.common import cohort_or_404, tr
from learnclub.web.homework.panel import homework_panel
from learnclub.web.stored_files import send_stored


def load_case(slug, case_id, *, need_staff=False):
    """(cohort, case, is_staff) for a reader allowed to see the case; 403/404 otherwise."""
    return _load_case(slug, case_id, need_staff=need_staff)[:3]


def _load_case(slug, case_id, *, need_staff=False):
    """load_case's (cohort, case, is_staff) and the reader's membership (or None); the
    case's .cohort is the cohort already loaded."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "manage_cases" if need_staff
                                else "view_cohort_pages", cohort, tr=tr)
    staff = access.can(current_user, "manage_cases", cohort, membership)
    case = case_queries.find_case(cohort, case_id, current_user, now=clock.now(),
                                  membership=membership)
    if case is None:
        abort(404)
    case.cohort = cohort
    nav.viewer_membership(cohort, membership)  # the menu's, read once
    return cohort, case, staff, membership


def load_case_for_editing(slug, case_id):
    """(cohort, case, is_staff) for one who may open the case in the editor
    (access.may_edit_case: staff, or the member writing it); 403/404 otherwise."""
    cohort = cohort_or_404(slug)
    membership = access.membership_of(current_user, cohort)
    staff = access.can(current_user, "manage_cases", cohort, membership)
    case = readable_case(cohort, case_id, staff=True, now=clock.now())
    if case is not None:
        case.cohort = cohort
    if case is None or not access.may_edit_case(current_user, case, membership):
        access.require(current_user, "manage_cases", cohort, tr=tr)  # 403 that explains
        abort(404)
    return cohort, case, staff


@bp.get("/c/<slug>/cases/")
@login_required
def index(slug):
    """All cases a member can read, newest first, with each one's homework window."""
    cohort = cohort_or_404(slug)
    membership = access.require(current_user, "view_cohort_pages", cohort, tr=tr)
    staff = access.can(current_user, "manage_cases", cohort, membership)
    now = clock.now()
    slots = case_queries.out_slots(cohort, current_user, now=now, membership=membership)
    rows = [(slot, window_state(slot, now)) for slot in reversed(slots)]
    mine = {}  # the reader's own homework on each case, for learners
    if membership.is_active_learner:
        mine = {r.slot.case.id: r.outcome
                for r in learner_progress(cohort, current_user, now=now)[0]}
    return render_template("cases/index.html", cohort=cohort, rows=rows, now=now,
                           is_staff=staff, mine=mine,
                           authors=member_cases.authors_of([s.case for s in slots]))


@bp.get("/c/<slug>/cases/<int:case_id>")
@login_required
def show(slug, case_id):
    """A case with its homework prompt, due time, and the previous and next case."""
    return render_case(slug, case_id)


def render_case(slug, case_id, *, homework_form=None, status=200):
    """The case page; `homework_form` re-shows a submission the server refused, as typed."""
    cohort, case, staff, membership = _load_case(slug, case_id)
    now = clock.now()
    slots = case_queries.visible_slots(cohort, current_user, now=now, membership=membership,
                                       texts=False)  # a pager: titles and times
    ids = [s.case.id for s in slots]
    position = ids.index(case.id) if case.id in ids else None
    slot = slots[position] if position is not None else None
    state = window_state(slot, now) if slot else "archived"
    panel = homework_panel(case, slot=slot, viewer=current_user, membership=membership,
                           now=now, peers_page=request.args.get("peers_page", 1, type=int))
    if homework_form is not None:  # refused or previewed: show it again, text as typed
        panel["form"], panel["can_write"] = homework_form, panel["learner"]
        panel["as_typed"] = True  # not saved: the editor must keep its draft
    return render_template(
        "cases/show.html", cohort=cohort, case=case, slot=slot, now=now, state=state,
        previous=slots[position - 1].case if position else None,
        following=slots[position + 1].case if slot and position + 1 < len(slots) else None,
        is_staff=staff, hw=panel,
        author=member_cases.authors_of([case]).get(case.author_id)), status


@bp.get("/c/<slug>/cases/<int:case_id>/files/<path:name>")
@login_required
def file(slug, case_id, name):
    """An image of the case: uploaded in the editor, or imported from beside its Markdown file
    at sync. Kept in the database, so any box serves it."""
    cohort = cohort_or_404(slug)
    membership = access.membership_of(current_user, cohort)
    case = case_queries.find_case(cohort, case_id, current_user, now=clock.now(),
                                  membership=membership)
    if case is None:  # the member writing a draft sees its images in the preview
        case = readable_case(cohort, case_id, staff=True, now=clock.now())
        if case is not None:
            case.cohort = cohort
        if case is None or not access.may_edit_case(current_user, case, membership):
            access.require(current_user, "view_cohort_pages", cohort, tr=tr)
            abort(404)
    upload = case_queries.image_named(case, name)
    return send_stored(files.read(upload.stored_as) if upload is not None else None)
