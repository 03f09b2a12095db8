"""Due times learners were shown (docs/rules.md "Due and grace"): once a case is out, its due
time is kept as shown, no rule moves it earlier, and a host who moves it by hand sees who is
affected first (earlier needs a confirmation) and the learners are mailed.
"""
from learnclub.domain.cases.schedule import Cadence, build_schedule
from learnclub.domain.errors import DomainError, untranslated
from learnclub.domain.reach import notices
from learnclub.models import Case, Membership, Submission, User
from learnclub.models.cohorts import MembershipStatus, Role


class EarlierDueNeedsConfirmation(DomainError):
    """An earlier due time for a case that is out: shown first, saved once confirmed."""

    def __init__(self, message, *, old_due, new_due, affected, unwritten):
        super().__init__(message, field="due_at")
        self.old_due, self.new_due = old_due, new_due
        self.affected, self.unwritten = affected, unwritten


def freeze_shown_dues(cohort, *, now):
    """Keep the due time in force of every live case that is out and has none kept yet."""
    cases = list(Case.live(cohort))
    for slot in build_schedule(cases, Cadence.of(cohort)):
        if slot.case.due_shown_at is None and slot.case.has_come_out(now):
            Case.update(due_shown_at=slot.due_at).where(Case.id == slot.case.id).execute()
            slot.case.due_shown_at = slot.due_at


def _learners(case):
    return (User.select().join(Membership).where(
        (Membership.cohort == case.cohort_id) & (Membership.role == Role.LEARNER.value)
        & (Membership.status == MembershipStatus.ACTIVE.value)).order_by(User.id))


def affected_by_due_change(case):
    """(learners of the case's cohort, how many of them have not written yet)."""
    learners = list(_learners(case))
    wrote = {s.user_id for s in Submission.select(Submission.user).where(
        (Submission.case == case) & Submission.user.in_([u.id for u in learners]))}
    return learners, sum(1 for u in learners if u.id not in wrote)


def check_earlier_due(case, new_due, *, now, confirmed, tr=untranslated):
    """Refuse an earlier due time for a case that is out unless `confirmed`; say who it hits."""
    old = case.due_shown_at
    if confirmed or old is None or new_due is None or new_due >= old \
            or not case.has_come_out(now):
        return
    learners, unwritten = affected_by_due_change(case)
    raise EarlierDueNeedsConfirmation(
        tr("This moves the due time earlier: it affects %(n)d learners, %(m)d of them have "
           "not written yet. Check the box to confirm; they will be mailed.")
        % {"n": len(learners), "m": unwritten},
        old_due=old, new_due=new_due, affected=len(learners), unwritten=unwritten)


def mail_due_moved(case, old_due, new_due, *, now, base_url=""):
    """Tell every learner of the cohort that a case's due time moved. Returns how many."""
    cohort, learners = case.cohort, list(_learners(case))
    for learner in learners:
        notices.send(
            "due_moved", f"case:{case.id}:due:{new_due:%Y%m%d%H%M}:member:{learner.id}",
            to=learner.email, locale=learner.locale, user=learner, now=now, list_of=cohort,
            cohort=cohort.name, title=case.title, earlier=new_due < old_due,
            old=notices.local_when(old_due, cohort.timezone, learner.locale),
            new=notices.local_when(new_due, cohort.timezone, learner.locale),
            link=f"{base_url}/c/{cohort.slug}/cases/{case.id}")
    return len(learners)
