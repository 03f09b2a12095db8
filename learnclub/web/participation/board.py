"""Everything the participation page shows, loaded in a fixed number of queries whatever the
size of the cohort: the dry run, leave requests waiting, removed learners, the cases, the
waitlist and its live seat offers."""
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.queries import is_out_at
from learnclub.domain.cases.schedule import window_state
from learnclub.domain.cohorts import access
from learnclub.domain.cohorts.admission import seats_taken
from learnclub.domain.participation import queries
from learnclub.domain.participation import sweep as participation
from learnclub.web.participation.forms import (
    ExcuseForm,
    ExtensionForm,
    PauseForm,
    ReadmitForm,
    RemoveMemberForm,
)


def board(cohort, *, now):
    """The participation page's data (about a dozen queries, none per learner or case)."""
    plan = participation.plan_sweep(cohort, now=now)
    slots = [s for s in schedule_of(cohort) if is_out_at(s, now)]
    learners = queries.learners_by_name(cohort)
    waitlist, live_offers = queries.waitlist(cohort)
    excuse_form, extension_form = ExcuseForm(prefix="excuse"), ExtensionForm(prefix="extension")
    people = [(m.user_id, m.user.display_name) for m in learners]
    cases = [(s.case.id, s.case.title) for s in reversed(slots)]
    for form in (excuse_form, extension_form):
        form.user_id.choices, form.case_id.choices = people, cases
    return {"plan": plan, "cases": [(s, window_state(s, now)) for s in reversed(slots)],
            "requests": queries.waiting_leave_requests(cohort),
            "removed": queries.removed_members(cohort),
            "waitlist": waitlist, "live_offers": live_offers,
            "seats_taken": seats_taken(cohort), "excuse_form": excuse_form,
            "extension_form": extension_form, "pause_form": PauseForm(),
            "readmit_form": ReadmitForm()}


def remove_part(cohort, user):
    """The host's "remove a member" form and whether they may confirm held removals (one
    query for the members, none for an assistant)."""
    if not access.can(user, "remove_member", cohort):
        return {"remove_form": None, "can_remove": False}
    form = RemoveMemberForm(prefix="remove")
    form.user_id.choices = [(m.user_id, m.user.display_name)
                            for m in queries.removable_members(cohort)]
    return {"remove_form": form, "can_remove": True}
