"""Leave (请假) and extensions: excused means no miss and no reminder.

A learner asks before the due time, for a case or a range of dates; a host approves or
declines, or excuses anyone directly. Each learner has a limited number of excuses per cohort.
"""
from datetime import date

from peewee import IntegrityError

from learnclub.db import write_transaction
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cohorts import access
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import Conflict, DomainError, NotAllowed, untranslated
from learnclub.domain.text import LONG, check_text
from learnclub.models import Case, Excuse, Extension, LeaveRequest, Miss
from learnclub.prepared import Prepared


def excuses_used(cohort, user):
    return (Excuse.select().join(Case)
            .where((Case.cohort == cohort) & (Excuse.user == user)).count())


def request_leave(cohort, user, *, reason, now, case=None, starts_on=None, ends_on=None,
                  tr=untranslated):
    """A learner asks to be excused. Returns the LeaveRequest (waiting for a host)."""
    membership = access.membership_of(user, cohort)
    if membership is None or not membership.is_active_learner:
        raise NotAllowed(tr("Leave is asked by the cohort's active learners."))
    check_text(reason, field="reason", label=tr("Reason"), max_length=LONG, required=True,
               tr=tr)
    if case is None and not (isinstance(starts_on, date) and isinstance(ends_on, date)
                             and starts_on <= ends_on):
        raise DomainError(tr("Choose a case, or a first and last day."), field="starts_on")
    if case is not None:
        slot = next((s for s in schedule_of(cohort) if s.case.id == case.id), None)
        if slot is None or now >= slot.due_at:
            raise Conflict(tr("Leave must be asked before the homework is due."),
                           field="case")
    if excuses_used(cohort, user) + _pending(cohort, user) >= cohort.excused_per_learner:
        raise Conflict(tr("You have used all %(n)d excused absences of this cohort.")
                       % {"n": cohort.excused_per_learner})
    return LeaveRequest.create(cohort=cohort, user=user, case=case, starts_on=starts_on,
                               ends_on=ends_on, reason=reason, created_at=now)


def _cases_of(request):
    """The cases a leave request covers: its case, or those due within its local days (and
    after it was asked: leave is asked before the homework is due, for a range too)."""
    if request.case_id:
        return [request.case]
    from zoneinfo import ZoneInfo
    zone = ZoneInfo(request.cohort.timezone)
    return [s.case for s in schedule_of(request.cohort)
            if request.starts_on <= s.due_at.astimezone(zone).date() <= request.ends_on
            and s.due_at > request.created_at]


def _pending(cohort, user):
    """How many excuses the learner's requests still waiting for a host would take."""
    return sum(len(_cases_of(r)) for r in LeaveRequest.select().where(
        (LeaveRequest.cohort == cohort) & (LeaveRequest.user == user)
        & (LeaveRequest.status == "requested")))


def decide_leave(request, approve, *, actor, now, tr=untranslated):
    """Approve (excusing every case it covers) or decline a leave request. Returns it."""
    if request.status != "requested":
        raise Conflict(tr("This request was already decided."))
    cases = _cases_of(request) if approve else []
    new = [c for c in cases if not Excuse.select().where(
        (Excuse.case == c) & (Excuse.user == request.user_id)).exists()]
    limit = request.cohort.excused_per_learner
    if new and excuses_used(request.cohort_id, request.user_id) + len(new) > limit:
        raise Conflict(tr("Approving this would exceed the %(n)d excused absences per learner.")
                       % {"n": limit})
    with write_transaction():
        request.status = "approved" if approve else "declined"
        request.decided_by, request.decided_at = actor, now
        request.save()
        record(request.cohort_id, Action.LEAVE_APPROVED if approve else Action.LEAVE_DECLINED,
               actor=actor, now=now, subject=(request.user_id, request.case) if request.case_id
               else request, changes=None if request.case_id else {
                   "starts_on": request.starts_on, "ends_on": request.ends_on})
        for case in cases:
            excuse_learner(case, request.user, actor=actor, reason=request.reason, now=now,
                           tr=tr)
    return request


def excuse_learner(case, user, *, actor, reason, now, tr=untranslated):
    """Excuse a learner for a case (a host directly, or an approved request); voids a miss."""
    check_text(reason, field="reason", label=tr("Reason"), max_length=LONG, tr=tr)
    try:
        with write_transaction():
            Excuse.create(case=case, user=user, reason=reason, granted_by=actor, created_at=now)
            record(case.cohort_id, Action.EXCUSED, actor=actor, now=now, subject=(user, case),
                   changes={"reason": reason} if reason else None)
    except IntegrityError:
        return False  # already excused
    Miss.update(voided_at=now, void_reason="excused").where(
        (Miss.case == case) & (Miss.user == user) & Miss.voided_at.is_null()).execute()
    return True


def grant_extension(case, user, *, until, actor, now, tr=untranslated):
    """Give one learner until `until` for a case; homework then voids their miss."""
    if until <= now:
        raise DomainError(tr("An extension must end in the future."), field="until")
    before = extension_for(case, user, now=now)
    Extension.insert(case=case, user=user, until=until, granted_by=actor, created_at=now) \
        .on_conflict(conflict_target=[Extension.case, Extension.user],
                     update={Extension.until: until, Extension.granted_by: actor}).execute()
    record(case.cohort_id, Action.EXTENSION_GRANTED, actor=actor, now=now, subject=(user, case),
           changes={"until": [before, until]})


#: asked by the case page and every web submission: its SQL built once (prepared.Prepared)
_LIVE_EXTENSION = Prepared(lambda case_id, user_id, now: Extension.select(Extension.until).where(
    (Extension.case == case_id) & (Extension.user == user_id) & (Extension.until > now))
    .limit(1), -7_000_000_001, -7_000_000_002, Prepared.TIME)


def extension_for(case, user, *, now):
    """The end of a live extension for this learner on this case, or None."""
    row = _LIVE_EXTENSION.first(getattr(case, "id", case), getattr(user, "id", user),
                                Extension.until.db_value(now))
    return row.until if row else None
