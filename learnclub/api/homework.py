"""Homework: the caller's own (learners, and removed learners reading their past work) or
everyone's (staff tracking homework); writing one's own through the same rule as the web."""
import json

from flask import jsonify, request

from learnclub import clock
from learnclub.api import bp, serialise
from learnclub.api.auth import current_user, query, writes
from learnclub.api.errors import ApiError
from learnclub.api.language import tr
from learnclub.api.pagination import listing, page_of_rows, page_request
from learnclub.api.visibility import case_in, cohort_for, not_found, visible_cohort
from learnclub.arrival import arrival
from learnclub.domain.cases.editing import MAX_ID
from learnclub.domain.cases.queries import slot_of
from learnclub.domain.cohorts import access
from learnclub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from learnclub.domain.homework.queries import homework_list, submission_of
from learnclub.domain.homework.submission import submit_homework


def _case_filter():
    raw = request.args.get("case_id")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_ID):
        raise ApiError(400, tr("case_id must be the id of a case."), field="case_id")
    return int(raw)


@bp.get("/cohorts/<slug>/homework")
@query("case_id", "limit", "cursor")
def homework(slug):
    """Homework in the cohort, oldest first: staff who track homework see everyone's, others
    their own (removed learners included, as on the web's My homework)."""
    user = current_user()
    cohort, _ = visible_cohort(slug, user)
    access.require_own_work(user, cohort, tr=tr)
    case_id, page = _case_filter(), page_request()
    rows = homework_list(cohort, user, now=clock.now(), case_id=case_id,
                         after=page.after[0] if page.after else None, limit=page.limit + 1)
    items, cursor = page_of_rows(rows, page, key=lambda s: (s.id,))
    return jsonify(listing(items, cursor, serialise.submission))


def _own_case(slug, case_id, user):
    """(cohort, case) whose own homework the caller may read: a member reads it on a case
    the case page shows them; a removed learner on a case out before they left."""
    cohort, _ = visible_cohort(slug, user)
    membership = access.require_own_work(user, cohort, tr=tr)
    return cohort, case_in(cohort, case_id, user, now=clock.now(), membership=membership)


@bp.get("/cohorts/<slug>/cases/<int:case_id>/homework/mine")
def my_homework(slug, case_id):
    """The caller's homework on one case; 404 if they have not written any."""
    user = current_user()
    _cohort, case = _own_case(slug, case_id, user)
    own = submission_of(case, user)
    if own is None:
        raise not_found()
    return jsonify(serialise.submission(own))


def _body():
    """The "body" of a JSON object, exactly as sent (400 for malformed JSON, 422 without)."""
    try:
        data = json.loads(request.get_data())
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested too deep
        raise ApiError(400, tr("The request body is not valid JSON."), field="body") from exc
    body = data.get("body") if isinstance(data, dict) else None
    if not isinstance(body, str):
        raise ApiError(422, tr("Send a JSON object with your homework as a string in "
                               "\"body\"."), field="body")
    try:
        body.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate escaped in the JSON (\ud800)
        raise ApiError(400, tr("The request body is not valid JSON."), field="body") from exc
    return body


@bp.put("/cohorts/<slug>/cases/<int:case_id>/homework/mine")
@writes
def write_my_homework(slug, case_id):
    """Create (201) or edit (200) the caller's homework: the web's rules of the homework
    window, lateness and minimum length; a refusal (422) changes nothing."""
    user = current_user()
    cohort, membership = cohort_for(slug, user, "view_cohort_pages")
    now = clock.now()
    case = case_in(cohort, case_id, user, now=now, membership=membership)
    case.cohort = cohort  # loaded already: not again through the case
    body = _body()
    try:
        submission, created = submit_homework(case, user, body, now=arrival(request.environ),
                                              membership=membership, tr=tr,
                                              slot=slot_of(case, read=False))
    except Conflict as exc:  # the window closed with the grace period
        raise ApiError(422, exc.message, code="too_late") from exc
    except (NotAllowed, NotFound):
        raise  # 403 (not an active learner) and 404, as the handlers answer them
    except DomainError as exc:  # the text: empty, too long, too short, a NUL character
        raise ApiError(422, exc.message, field="body") from exc
    return jsonify(serialise.submission(submission)), 201 if created else 200
