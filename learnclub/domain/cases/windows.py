"""No homework window in the past or too short by accident (docs/rules.md "Due and grace").

The web editor and content sync ask `check_window` before they save: a due time already past,
or a window shorter than the cohort's `min_window_hours` (from when learners can first see the
case to its due time), is refused with the field at fault, unless the case is marked
"no homework due" (it then never gives a miss).
"""
from datetime import timedelta

from learnclub.domain.cases.schedule import time_has_come
from learnclub.domain.errors import DomainError, untranslated


def _hint(tr):
    """What to do instead, after either refusal (a literal here, so the catalogue finds it)."""
    return tr('Choose a later due time, or mark the case "no homework due".')


class WindowRefused(DomainError):
    """check_window said no; `code` ("window_past" or "window_short") and `params` let an
    interface that stores the refusal (content sync) word it later in the reader's language."""

    def __init__(self, message, *, field, code, params=None):
        super().__init__(message, field=field)
        self.code, self.params = code, params or {}


def _unchanged(case, publish_at, due_at):
    """An edit of a case that leaves its times (and its homework) as they were."""
    return (case is not None and not case.no_homework and due_at == case.due_at_fixed
            and (publish_at == case.publish_at or not case.publish_fixed))


def check_window(cohort, values, *, now, case=None, tr=untranslated):
    """Raise DomainError (field "due_at", or "publish_at" when the due time follows from the
    publication) if the homework window these values make is past or too short at `now`.

    A case already out keeps its publication time; a queued one without a due time gets its
    dates from the cadence, in the future, and is not checked here."""
    if values.get("no_homework"):
        return
    publish_at, due_at = values.get("publish_at"), values.get("due_at")
    if publish_at and due_at and due_at <= publish_at:
        return  # the editing rules say what is wrong with that
    if case is not None and time_has_come(case.publish_at, now):
        publish_at = case.publish_at
    if _unchanged(case, values.get("publish_at"), due_at):
        return
    field = "due_at" if due_at else "publish_at"
    if due_at is None:
        if publish_at is None:
            return
        due_at = publish_at + timedelta(hours=cohort.homework_due_hours)
    if due_at <= now:
        raise WindowRefused(f'{tr("The homework due time is already past.")} {_hint(tr)}',
                            field=field, code="window_past")
    hours = (due_at - max(publish_at or now, now)) / timedelta(hours=1)
    if hours < cohort.min_window_hours:
        params = {"hours": f"{hours:.1f}".rstrip("0").rstrip("."), "min": cohort.min_window_hours}
        message = tr("Learners would have only %(hours)s hours to write; this cohort needs "
                     "at least %(min)s.") % params
        raise WindowRefused(f"{message} {_hint(tr)}", field=field, code="window_short",
                            params=params)


class OverlapNeedsChoice(DomainError):
    """This case would go out while an earlier case's homework is still open: the host
    chooses, before saving, to keep both open or to send this one when that window ends."""

    def __init__(self, message, *, earlier, due_at):
        super().__init__(message, field="publish_at")
        self.earlier, self.due_at = earlier, due_at


def open_when_published(slots, publish_at, case=None):
    """The slots of other cases that are out before `publish_at` and still due after it."""
    mine = case.id if case is not None else None
    return [s for s in slots if s.case.id != mine and s.publish_at < publish_at < s.due_at]


def check_overlap(cohort, slots, values, *, now, case=None, tr=untranslated):
    """Apply the host's choice about overlapping windows to `values` (returns the publication
    time to save), or raise OverlapNeedsChoice if the host has not chosen yet.

    Only an explicit publication time ("publish now" or a fixed one) of a case not yet out is
    asked about; an earlier case's window is never cut by it (docs/rules.md "Due and grace")."""
    publish_at, choice = values.get("publish_at"), values.get("overlap")
    if publish_at is None or (case is not None and time_has_come(case.publish_at, now)):
        return publish_at
    open_slots = open_when_published(slots, publish_at, case)
    if not open_slots:
        return publish_at
    last = max(open_slots, key=lambda s: s.due_at)
    if choice == "after":
        return last.due_at
    if choice == "both":
        return publish_at
    raise OverlapNeedsChoice(
        tr("The homework of “%(title)s” is still open until its due time when this case goes "
           "out. Choose below: keep both open, or send this case when that homework is due.")
        % {"title": last.case.title}, earlier=last.case, due_at=last.due_at)
