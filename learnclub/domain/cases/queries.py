"""The cases area's questions: is a case out, which cases a reader sees, a case by its id,
its place on the calendar, the archive and the revisions (docs/rules.md "People", "Cases").

"Out" has one definition, `Case.is_out(now)`: a hybrid that answers on a row and in a
`where`. `is_out` here takes a case or a schedule slot. What a reader sees:
staff every live case (scheduled ones too), active members the cases that are out, a
removed learner the cases that were out before their removal, anyone else nothing.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from peewee import SQL

from learnclub.domain.cases.editing import readable_case, schedule_of
from learnclub.domain.cases.schedule import Cadence, Slot, due_of, queued_times, time_has_come
from learnclub.domain.cohorts import access
from learnclub.models import Case, CaseFile, CaseRevision


def is_out(case, now):
    """Whether members may read the case (or a schedule slot's case) at `now`."""
    return is_out_at(case, now) if isinstance(case, Slot) else case.is_out(now)


def is_out_at(slot, now):
    """Whether a schedule slot's case is out at `now` (a slot goes out with its case)."""
    return slot.case.is_out(now)


@dataclass(frozen=True)
class Reach:
    """How far a reader sees into a cohort's cases."""

    staff: bool  #: every live case, scheduled ones too; any case by its id
    until: datetime | None  #: otherwise the cases out at this instant; None: no case at all


def reach_of(cohort, reader, *, now, membership=None):
    """The reader's Reach in the cohort at `now` (one query unless `membership` is given)."""
    membership = membership or access.membership_of(reader, cohort)
    if access.can(reader, "manage_cases", cohort, membership):
        return Reach(True, now)
    if membership is None:
        return Reach(False, None)
    if membership.status == "removed":
        return Reach(False, membership.removed_at or now)
    return Reach(False, now)


def visible_slots(cohort, reader, *, now, membership=None, texts=True):
    """The schedule's slots the reader sees, in publication order (two queries); `texts=False`:
    their cases without their texts (schedule_of)."""
    reach = reach_of(cohort, reader, now=now, membership=membership)
    if reach.until is None:
        return []
    slots = schedule_of(cohort, texts=texts)
    return slots if reach.staff else [s for s in slots if is_out_at(s, reach.until)]


def out_slots(cohort, reader, *, now, membership=None):
    """The slots the reader sees whose case is out at `now`: what lists of published cases
    show them (staff see every case that is out; a removed learner those out before)."""
    return [s for s in visible_slots(cohort, reader, now=now, membership=membership)
            if is_out_at(s, now)]


def seen_by(reach):
    """The condition on Case for the live cases a Reach sees."""
    if reach.until is None:
        return SQL("1 = 0")
    return Case.archived_at.is_null() if reach.staff else Case.is_out(reach.until)


def visible_cases(cohort, reader, *, now, membership=None):
    """The cohort's live cases the reader sees, as a query in publication order."""
    return Case.live(cohort).where(seen_by(reach_of(cohort, reader, now=now,
                                                    membership=membership)))


def find_case(cohort, case_id, reader, *, now, membership=None):
    """The cohort's case with this id as the reader finds it, or None: staff find any (an
    archived one too), others one they see (visible_cases)."""
    reach = reach_of(cohort, reader, now=now, membership=membership)
    if reach.until is None:
        return None
    return readable_case(cohort, case_id, staff=reach.staff, now=reach.until)


#: what a case's own slot is computed from (schedule.build_schedule, due_of): no texts
_SLOT_COLUMNS = (Case.id, Case.publish_at, Case.due_at_fixed, Case.due_shown_at)


def slot_of(case, *, read=True):
    """The case's place on the calendar (its publish, due and grace times, as schedule_of
    gives them); None if archived or not dated. One narrow query of the case's stored times
    (not the other cases: the gap and warnings against the previous case are the schedule
    page's, schedule_of). `read=False`: the row in hand was read whole in this request
    (find_case): its own times, no query."""
    loaded = not read and all(f.name in case.__data__ for f in (*_SLOT_COLUMNS, Case.archived_at))
    if loaded:
        row = None if case.archived_at is not None else case
    else:
        row = (Case.select(*_SLOT_COLUMNS)
               .where((Case.id == case.id) & Case.archived_at.is_null()).first())
    if row is None or row.publish_at is None:
        return None
    cadence = Cadence.of(case.cohort)
    due = due_of(row, cadence)
    return Slot(case, row.publish_at, due, due + timedelta(hours=cadence.grace_hours))


def slots_with_state(slots, now):
    """[(slot, out)]: each slot with whether its case is out at `now` (the schedule page)."""
    return [(slot, is_out_at(slot, now)) for slot in slots]


def archived_cases(cohort):
    """The cohort's archived cases, most recently archived first."""
    return list(Case.select().where((Case.cohort == cohort) & Case.archived_at.is_null(False))
                .order_by(Case.archived_at.desc()))


def revisions_of(case):
    """The earlier texts of a case, newest first."""
    return list(CaseRevision.select().where(CaseRevision.case == case)
                .order_by(CaseRevision.created_at.desc(), CaseRevision.id.desc()))


def images_of(case):
    """The images uploaded for a case in the editor."""
    return list(CaseFile.select().where(CaseFile.case == case))


def image_named(case, name):
    """The uploaded image of the case with this name, or None."""
    return CaseFile.get_or_none((CaseFile.case == case) & (CaseFile.name == name))


def waiting_for_pinned(cohort, *, now):
    """{queued case id: the pinned publication it waits for}: queued cases that the cadence
    moved after a pinned case because they would have gone out too close before it."""
    behind = {}
    queued_times(list(Case.live(cohort)), Cadence.of(cohort), now=now, behind=behind)
    return behind


def expected_queue_time(cohort, case, *, now):
    """When `case` (None: a new one) would go out as the next in the queue."""
    cases = [c for c in Case.live(cohort) if case is None or c.id != case.id]
    probe = SimpleNamespace(id=0, publish_at=None, publish_fixed=False, due_at_fixed=None,
                            queue_position=case.queue_position if case else 2**31)
    if case is not None and time_has_come(case.publish_at, now):
        return case.publish_at
    return queued_times([*cases, probe], Cadence.of(cohort), now=now).get(0)
