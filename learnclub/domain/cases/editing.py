"""Cases: writing and editing them, keeping revisions, archiving, and keeping the queue's dates.

Sync from files and the web editor both end here.
"""
from peewee import fn

from learnclub.db import write_transaction
from learnclub.domain.cases import due_times
from learnclub.domain.cases.schedule import (
    Cadence,
    build_schedule,
    due_of,
    queued_times,
    time_has_come,
)
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.rendering import case_html
from learnclub.domain.text import LONG, SHORT, check_text
from learnclub.models import Case, CaseRevision
from learnclub.prepared import Prepared

TEXT_FIELDS = ("title", "body_md", "homework_prompt")


def reschedule(cohort, *, now):
    """Give every queued case not yet out its date from the cadence. Returns how many moved.

    Cases already out keep the due time in force so far (due_times.freeze_shown_dues)."""
    due_times.freeze_shown_dues(cohort, now=now)
    cases = list(Case.live(cohort))
    times = queued_times(cases, Cadence.of(cohort), now=now)
    moved = 0
    for case in cases:
        if case.id in times and case.publish_at != times[case.id]:
            Case.update(publish_at=times[case.id]).where(Case.id == case.id).execute()
            moved += 1
    return moved


#: ids beyond this cannot exist (the databases' integers); looking one up would overflow
MAX_ID = 2**63 - 1


#: what placing a case on the calendar reads of it, with its title (a pager): no texts
PLACING_COLUMNS = (Case.id, Case.cohort, Case.title, Case.publish_at, Case.queue_position,
                   Case.due_at_fixed, Case.due_shown_at, Case.archived_at, Case.review_state,
                   Case.no_homework)


_PLACING = Prepared(lambda cohort_id: Case.live(cohort_id).select(*PLACING_COLUMNS), -7_000_000_001)


def schedule_of(cohort, *, texts=True):
    """Slots of the cohort's live cases with their dates, due times and warnings.
    `texts=False`: the slots' cases carry only PLACING_COLUMNS (a case page's pager)."""
    cases = list(Case.live(cohort)) if texts else _PLACING.rows(cohort.id)
    return build_schedule(cases, Cadence.of(cohort))


#: the case of every case page and homework call: its SQL built once (prepared.Prepared)
_CASE_IN = Prepared(lambda case_id, cohort_id: Case.select().where(
    (Case.id == case_id) & (Case.cohort == cohort_id)).limit(1), -7_000_000_001, -7_000_000_002)


def readable_case(cohort, case_id, *, staff, now):
    """The cohort's case with this id as a reader finds it, or None: staff find any, members
    one that is out (Case.is_out). Readers are told apart in domain.cases.queries.find_case."""
    case = _CASE_IN.first(case_id, getattr(cohort, "id", cohort)) \
        if 0 < case_id <= MAX_ID else None
    if case is None or staff:
        return case
    return case if case.is_out(now) else None


def _check_fields(values, tr):
    check_text(values["title"], field="title", label=tr("Title"), required=True, tr=tr)
    check_text(values["body_md"], field="body_md", label=tr("Case text"),
               max_length=LONG * 10, tr=tr)
    check_text(values["homework_prompt"], field="homework_prompt", label=tr("Homework prompt"),
               max_length=LONG, tr=tr)
    check_text(values.get("tags", ""), field="tags", label=tr("Tags"), max_length=SHORT, tr=tr)
    publish_at, due_at = values.get("publish_at"), values.get("due_at")
    if publish_at and due_at and due_at <= publish_at:
        raise DomainError(tr("The due time must come after the publication time."),
                          field="due_at")


def _next_position(cohort):
    return (Case.select(fn.MAX(Case.queue_position)).where(Case.cohort == cohort).scalar()
            or 0) + 1


def create_case(cohort, values, *, actor, now, source_path=None, source_hash="", tr=untranslated):
    """A new case; without a publish time it joins the end of the queue. Returns it."""
    _check_fields(values, tr)
    with write_transaction():
        case = Case.create(
            cohort=cohort, source_path=source_path, source_hash=source_hash,
            title=values["title"], body_md=values["body_md"],
            homework_prompt=values["homework_prompt"], tags=values.get("tags", ""),
            publish_at=values.get("publish_at"), publish_fixed=bool(values.get("publish_at")),
            due_at_fixed=values.get("due_at"), queue_position=_next_position(cohort),
            no_homework=bool(values.get("no_homework")), created_at=now, updated_at=now)
        # its HTML points its images at the case's address: made once the id is known
        Case.update(body_html=case_html(cohort.slug, case.id, case.body_md)).where(
            Case.id == case.id).execute()
        reschedule(cohort, now=now)
        case = Case.get_by_id(case.id)
        record(cohort, Action.CASE_CREATED, actor=actor, now=now, subject=case,
               changes={"publish_at": case.publish_at})
    return case


def update_case(case, values, *, actor, now, source="editor", source_hash=None, tr=untranslated,
                base_url=""):
    """Save new text and times; a published case keeps its old text as a revision.

    A due time earlier than the one learners were shown needs `values["confirm_earlier"]`
    (due_times.check_earlier_due); a moved due time of a case that is out is mailed to its
    learners. Returns the names of the fields that changed.
    """
    _check_fields(values, tr)
    due_times.freeze_shown_dues(case.cohort, now=now)
    case.due_shown_at = Case.get_by_id(case.id).due_shown_at
    if "due_at" in values and values["due_at"] != case.due_at_fixed:
        due_times.check_earlier_due(case, values["due_at"], now=now, tr=tr,
                                    confirmed=bool(values.get("confirm_earlier")))
    old_due = due_of(case, Cadence.of(case.cohort)) if case.publish_at else None
    old = _loggable(case)
    changed = [k for k in (*TEXT_FIELDS, "tags", "no_homework")
               if k in values and getattr(case, k) != values[k]]
    published = time_has_come(case.publish_at, now)
    with write_transaction():
        if published and any(k in TEXT_FIELDS for k in changed):
            CaseRevision.create(case=case, title=case.title, body_md=case.body_md,
                                homework_prompt=case.homework_prompt, source=source,
                                actor=actor, created_at=now)
        for key in changed:
            setattr(case, key, values[key])
        if "body_md" in changed or case.body_html is None:
            case.body_html = case_html(case.cohort.slug, case.id, case.body_md)
        changed += _update_times(case, values, published)
        if source_hash is not None:
            case.source_hash = source_hash
        case.updated_at = now
        case.save()
        reschedule(case.cohort, now=now)
        _log_edit(case, changed, old, actor=actor, now=now)
        _announce_due_move(case, old_due, now=now, base_url=base_url)
    return changed


def _announce_due_move(case, old_due, *, now, base_url):
    """A case that is out and whose due time moved by hand: keep the new one as shown, and
    mail its learners."""
    if old_due is None or not case.has_come_out(now):
        return
    new_due = due_of(case, Cadence.of(case.cohort))
    if new_due != old_due:
        Case.update(due_shown_at=new_due).where(Case.id == case.id).execute()
        due_times.mail_due_moved(case, old_due, new_due, now=now, base_url=base_url)


def _loggable(case):
    """The fields an edit logs as old → new (the longer texts are only named)."""
    return {"title": case.title, "tags": case.tags, "publish_at": case.publish_at,
            "due_at": case.due_at_fixed}


def _log_edit(case, changed, old, *, actor, now):
    """One log entry for an edit that changed something; a new publication time already
    come means the edit published the case."""
    if not changed:
        return
    new = _loggable(case)
    action = Action.CASE_EDITED
    if "publish_at" in changed:
        action = Action.CASE_PUBLISHED if time_has_come(case.publish_at, now) \
            else Action.PUBLISH_TIME_CHANGED
    record(case.cohort_id, action, actor=actor, now=now, subject=case,
           changes={k: [old[k], new[k]] if k in new else None for k in changed})


def _update_times(case, values, published):
    """Apply publish/due times from `values`; a published case keeps its publication time."""
    changed = []
    wanted = values.get("publish_at")
    if not published and (bool(wanted) != case.publish_fixed or
                          (wanted and wanted != case.publish_at)):
        case.publish_fixed, changed = bool(wanted), ["publish_at"]
        case.publish_at = wanted or None
    if "due_at" in values and values["due_at"] != case.due_at_fixed:
        case.due_at_fixed, changed = values["due_at"], changed + ["due_at"]
    return changed


def archive_case(case, *, now, actor=None):
    """Take a case out of the schedule and the members' list; nothing is deleted. `actor`
    None: by rule (its file disappeared)."""
    with write_transaction():
        Case.update(archived_at=now).where(Case.id == case.id).execute()
        record(case.cohort_id, Action.CASE_ARCHIVED, actor=actor, now=now, subject=case)
        reschedule(case.cohort, now=now)


def restore_case(case, *, now, actor=None):
    """Bring an archived case back (`actor` None: by rule, its file came back)."""
    with write_transaction():
        Case.update(archived_at=None).where(Case.id == case.id).execute()
        record(case.cohort_id, Action.CASE_RESTORED, actor=actor, now=now, subject=case)
        reschedule(case.cohort, now=now)


def move_in_queue(case, direction, *, now, actor=None):
    """Swap a queued case with its neighbour in the queue (direction -1 up, +1 down)."""
    queue = [c for c in Case.live(case.cohort).order_by(Case.queue_position, Case.id)
             if not c.publish_fixed and not time_has_come(c.publish_at, now)]
    ids = [c.id for c in queue]
    if case.id not in ids:
        return False
    i = ids.index(case.id)
    j = i + direction
    if not 0 <= j < len(queue):
        return False
    with write_transaction():
        a, b = queue[i], queue[j]
        Case.update(queue_position=b.queue_position).where(Case.id == a.id).execute()
        Case.update(queue_position=a.queue_position).where(Case.id == b.id).execute()
        if a.queue_position == b.queue_position:
            Case.update(queue_position=a.queue_position + direction).where(
                Case.id == a.id).execute()
        reschedule(case.cohort, now=now)
        record(case.cohort_id, Action.CASE_MOVED, actor=actor, now=now, subject=case, changes={
            "publish_at": [case.publish_at, Case.get_by_id(case.id).publish_at]})
    return True
