"""Everything the participation page shows, loaded in a fixed number of queries whatever the
size of the cohort: the dry run, leave requests waiting, removed learners, the cases, the
waitlist and its live seat offers."""
from peewee import JOIN, fn

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.schedule import window_state
from learnclub.domain.cohorts.admission import seats_taken
from learnclub.domain.participation import sweep as participation
from learnclub.models import Application, Case, LeaveRequest, Membership, Miss, SeatOffer, User
from learnclub.web.participation.forms import ExcuseForm, ExtensionForm, PauseForm, ReadmitForm


def _waiting_requests(cohort):
    return list(LeaveRequest.select(LeaveRequest, User, Case)
                .join(User, on=LeaveRequest.user)
                .switch(LeaveRequest).join(Case, JOIN.LEFT_OUTER)
                .where((LeaveRequest.cohort == cohort) & (LeaveRequest.status == "requested"))
                .order_by(LeaveRequest.created_at, LeaveRequest.id))


def _removed(cohort):
    removed = list(Membership.select(Membership, User).join(User)
                   .where((Membership.cohort == cohort) & (Membership.status == "removed"))
                   .order_by(Membership.removed_at.desc(), Membership.id))
    counts = dict(Miss.select(Miss.user, fn.COUNT(Miss.id))
                  .where((Miss.cohort == cohort) & Miss.voided_at.is_null())
                  .group_by(Miss.user).tuples()) if removed else {}
    return [(m, counts.get(m.user_id, 0)) for m in removed]


def _learners(cohort):
    return list(Membership.select(Membership, User).join(User)
                .where((Membership.cohort == cohort) & (Membership.role == "learner")
                       & (Membership.status == "active")).order_by(User.display_name, User.id))


def _waitlist(cohort):
    applications = list(Application.select(Application, User)
                        .join(User, on=Application.user)
                        .where((Application.cohort == cohort)
                               & (Application.status == "waitlisted"))
                        .order_by(Application.decided_at, Application.id))
    offers = {o.application_id: o for o in SeatOffer.select().where(
        (SeatOffer.cohort == cohort) & (SeatOffer.status == "offered"))}
    return [(a, offers.get(a.id)) for a in applications], len(offers)


def board(cohort, *, now):
    """The participation page's data (about a dozen queries, none per learner or case)."""
    plan = participation.plan_sweep(cohort, now=now)
    slots = [s for s in schedule_of(cohort) if s.publish_at <= now]
    learners = _learners(cohort)
    waitlist, live_offers = _waitlist(cohort)
    excuse_form, extension_form = ExcuseForm(prefix="excuse"), ExtensionForm(prefix="extension")
    people = [(m.user_id, m.user.display_name) for m in learners]
    cases = [(s.case.id, s.case.title) for s in reversed(slots)]
    for form in (excuse_form, extension_form):
        form.user_id.choices, form.case_id.choices = people, cases
    return {"plan": plan, "cases": [(s, window_state(s, now)) for s in reversed(slots)],
            "requests": _waiting_requests(cohort), "removed": _removed(cohort),
            "waitlist": waitlist, "live_offers": live_offers,
            "seats_taken": seats_taken(cohort), "excuse_form": excuse_form,
            "extension_form": extension_form, "pause_form": PauseForm(),
            "readmit_form": ReadmitForm()}
