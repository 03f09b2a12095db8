"""Pausing removals (docs/rules.md "Participation and removal"): for the whole cohort
(holidays: misses are still recorded, nobody is removed) or for one case (a broken case:
nobody gets a miss for it). Each change is logged with who made it."""
from learnclub.domain.cohorts.activity import Action, record
from learnclub.models import Case, Cohort


def set_removals_paused(cohort, paused, *, actor, now):
    """Pause (holidays) or resume removals in the whole cohort; misses are still recorded.

    Saves the cohort's flag and logs who did it. Returns True if it changed."""
    changed = Cohort.update(removals_paused=bool(paused)).where(
        (Cohort.id == cohort.id) & (Cohort.removals_paused != bool(paused))).execute()
    cohort.removals_paused = bool(paused)
    if changed:
        record(cohort, Action.REMOVALS_PAUSED if paused else Action.REMOVALS_RESUMED,
               actor=actor, now=now, changes={"paused": bool(paused)})
    return bool(changed)


def set_case_removals_paused(case, paused, *, actor, now):
    """Pause (a broken case) or resume misses for one case: while paused, nobody gets a miss
    for it. Returns True if it changed."""
    changed = Case.update(removals_paused=bool(paused)).where(
        (Case.id == case.id) & (Case.removals_paused != bool(paused))).execute()
    case.removals_paused = bool(paused)
    if changed:
        record(case.cohort_id, Action.CASE_REMOVALS_PAUSED if paused else
               Action.CASE_REMOVALS_RESUMED, actor=actor, now=now, subject=case,
               changes={"paused": bool(paused)})
    return bool(changed)
