"""How homework's timing reads (docs/rules.md "Homework"), the one rule for every page:

- a learner may write and change their homework until the window closes: open until due, in
  grace until grace ends, or until the end of their extension (`queries.WRITABLE`);
- on time or late (迟交) is judged once, on the first submission, and never changes;
- an edit saved after the case's due time is shown beside that badge, "edited after the
  due time (HH:MM)", to the author, peers and staff alike. Nothing new is stored for it:
  every edit keeps the previous text as a revision and moves `updated_at`, so the last edit
  is after due exactly when some edit was.
"""
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.queries import slot_of
from learnclub.domain.participation.leave import extension_for


def edited_after_due_at(submission, slot):
    """When the homework's text was last changed, if that edit came after the due time of
    the case (`slot`, its place on the calendar); None if it was never edited after due or
    the case is off the calendar."""
    if slot is None or submission.updated_at <= submission.submitted_at:
        return None
    return submission.updated_at if submission.updated_at > slot.due_at else None


def edits_after_due(submissions, slots):
    """{submission id: `edited_after_due_at`} of those that have it; `slots` are the slots
    of their cases (any iterable; a case without one is off the calendar)."""
    by_case = {slot.case.id: slot for slot in slots}
    marks = {s.id: edited_after_due_at(s, by_case.get(s.case_id)) for s in submissions}
    return {sid: at for sid, at in marks.items() if at is not None}


def cohort_edits_after_due(cohort, submissions):
    """`edits_after_due` for submissions of one cohort, its schedule computed once."""
    submissions = list(submissions)
    return edits_after_due(submissions, schedule_of(cohort) if submissions else [])


def editable_until(case, user, *, now, slot=None):
    """Until when the learner may still change their homework on the case, seen at `now`:
    the end of grace, or of their extension when that is later (`queries.write_window`);
    None when the window is already closed or the case is off the calendar. `slot`: the
    case's (slot_of), if the caller has it."""
    slot = slot or slot_of(case)
    if slot is None:
        return None
    ends = [slot.grace_until] if now < slot.grace_until else []
    extension = extension_for(case, user, now=now)
    if extension is not None:
        ends.append(extension)
    return max(ends) if ends else None
