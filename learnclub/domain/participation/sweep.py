"""Where misses and removals are decided (docs/rules.md "Participation and removal").

A miss: no homework by due + grace (or by the end of a host's extension), no excuse. At the
cohort's strike limit the learner is removed, with the reason logged and a respectful notice;
every piece of their data stays. The sweep is a plan (what would happen) and its application:
the plan is the dry run, and applying it twice changes nothing the second time.
"""
from dataclasses import dataclass, field

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.participation.tracking import was_member
from learnclub.domain.reach import chat_posts, notices
from learnclub.models import (
    Case,
    Cohort,
    Excuse,
    Extension,
    Membership,
    MembershipEvent,
    Miss,
    Submission,
    User,
)
from learnclub.models.cohorts import STAFF_ROLES


@dataclass
class Plan:
    cohort: object
    new_misses: list = field(default_factory=list)  #: (membership, slot)
    removals: list = field(default_factory=list)  #: (membership, [case titles missed])
    paused: bool = False


def _closed_slots(cohort, now):
    return [s for s in schedule_of(cohort)
            if s.grace_until <= now and not s.case.removals_paused]


def plan_sweep(cohort, *, now):
    """What the sweep would do at `now`: new misses and removals. Changes nothing."""
    plan = Plan(cohort, paused=cohort.removals_paused)
    slots = _closed_slots(cohort, now)
    ids = [s.case.id for s in slots]
    learners = list(Membership.select(Membership, User).join(User).where(
        (Membership.cohort == cohort) & (Membership.role == "learner")
        & (Membership.status == "active")))
    done = {(r.case_id, r.user_id) for r in Submission.select(Submission.case, Submission.user)
            .where(Submission.case.in_(ids))} if ids else set()
    excused = {(r.case_id, r.user_id) for r in Excuse.select(Excuse.case, Excuse.user)
               .where(Excuse.case.in_(ids))} if ids else set()
    extended = {(r.case_id, r.user_id) for r in Extension.select(Extension.case, Extension.user)
                .where(Extension.case.in_(ids) & (Extension.until > now))} if ids else set()
    misses, settled = {}, set()  # settled: a voided miss is not recorded again
    for m in Miss.select().where(Miss.cohort == cohort):
        if m.voided_at is None:
            misses.setdefault(m.user_id, []).append((m.case_id, m.created_at))
        else:
            settled.add((m.case_id, m.user_id))
    titles = {s.case.id: s.case.title for s in slots}
    for membership in learners:
        kept = misses.get(membership.user_id, [])
        counted = [case_id for case_id, _at in kept]
        # misses from before a readmission without reset stay on record, but only a miss
        # since (re)joining can remove: else the next sweep would undo the readmission
        fresh = any(at >= membership.joined_at for _case_id, at in kept)
        for slot in slots:
            key = (slot.case.id, membership.user_id)
            if key in done or key in excused or key in extended or key in settled \
                    or slot.case.id in counted or not was_member(membership, slot):
                continue
            plan.new_misses.append((membership, slot))
            counted.append(slot.case.id)
            fresh = True
        if fresh and len(counted) >= cohort.strike_limit and not plan.paused:
            plan.removals.append((membership, [titles.get(c, "") for c in counted]))
    return plan


def apply_sweep(cohort, *, now, base_url):
    """Record the plan's misses and removals once each; mail removed learners. Returns plan."""
    with write_transaction():
        lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
        plan = plan_sweep(Cohort.get_by_id(cohort.id), now=now)
        for membership, slot in plan.new_misses:
            Miss.insert(cohort=cohort, user=membership.user_id, case=slot.case.id,
                        created_at=now).on_conflict_ignore().execute()
        removed = []
        for membership, titles in plan.removals:
            # the notice is queued in the same transaction: nobody is removed untold
            if remove_member(membership, reason="strikes", actor=None, now=now,
                             detail=", ".join(titles)):
                notices.mail_removed(membership=membership, titles=titles, now=now,
                                     link=f"{base_url}/c/{cohort.slug}/")
                removed.append((membership, titles))
        _tell_staff(cohort, removed, now=now, base_url=base_url)
        chat_posts.post_removals(cohort, [m for m, _ in removed], now=now, base_url=base_url)
    return plan


def _tell_staff(cohort, removed, *, now, base_url):
    """One summary mail per active host and assistant when a sweep removed anyone."""
    if not removed:
        return
    staff = (User.select().join(Membership, on=(Membership.user == User.id))
             .where((Membership.cohort == cohort) & (Membership.status == "active")
                    & Membership.role.in_(STAFF_ROLES)))
    for person in staff:
        notices.mail_removals_to_staff(cohort=cohort, staff=person, removed=removed, now=now,
                                       link=f"{base_url}/c/{cohort.slug}/audit")


def remove_member(membership, *, reason, actor, now, detail=""):
    """End a membership (data kept) and log who did it and why. Returns True if it changed."""
    changed = Membership.update(status="removed", removed_at=now,
                                removed_reason=reason if not detail else f"{reason}: {detail}") \
        .where((Membership.id == membership.id) & (Membership.status == "active")).execute()
    if changed:
        MembershipEvent.create(cohort=membership.cohort_id, user=membership.user_id,
                               action="removed", actor=actor, at=now,
                               reason=f"{reason}: {detail}" if detail else reason)
    return bool(changed)


def cohorts_to_sweep(*, now):
    """Cohorts with a case whose grace ended (the only ones a sweep can change)."""
    return list(Cohort.select().where(Cohort.id.in_(
        Case.select(Case.cohort).where(Case.archived_at.is_null() & (Case.publish_at <= now)))))


def sweep_all(*, now, base_url, dry_run=False):
    """Plan (dry run) or apply the sweep for every cohort; free seats go to the waitlist.

    Returns the plans."""
    from learnclub.domain.participation.readmission import offer_free_seats
    plans = []
    for cohort in cohorts_to_sweep(now=now):
        if dry_run:
            plans.append(plan_sweep(cohort, now=now))
            continue
        plan = apply_sweep(cohort, now=now, base_url=base_url)
        if plan.removals:
            offer_free_seats(cohort, now=now, base_url=base_url)
        plans.append(plan)
    return plans


def removal_pending(cohort, membership):
    """Whether the next sweep removes this active learner: at the limit with a miss since
    (re)joining (the rule of plan_sweep), and removals not paused."""
    kept = [m.created_at for m in Miss.select(Miss.created_at).where(
        (Miss.cohort == cohort) & (Miss.user == membership.user_id) & Miss.voided_at.is_null())]
    return _pending(cohort, membership, kept)


def _pending(cohort, membership, miss_times):
    fresh = any(at >= membership.joined_at for at in miss_times)
    return fresh and len(miss_times) >= cohort.strike_limit and not cohort.removals_paused


def standing_of(cohort, memberships):
    """{user_id: (misses that count, removal pending)} for these memberships, in one query;
    only an active learner can be pending removal (the rule of `removal_pending`)."""
    times = {}
    ids = [m.user_id for m in memberships]
    for miss in Miss.select(Miss.user, Miss.created_at).where(
            (Miss.cohort == cohort) & Miss.user.in_(ids) & Miss.voided_at.is_null()):
        times.setdefault(miss.user_id, []).append(miss.created_at)
    return {m.user_id: (len(times.get(m.user_id, [])),
                        m.status == "active" and m.role == "learner"
                        and _pending(cohort, m, times.get(m.user_id, [])))
            for m in memberships}


def misses_of(cohort, user):
    """How many misses count against the learner in the cohort now (voided ones do not)."""
    return Miss.select().where((Miss.cohort == cohort) & (Miss.user == user)
                               & Miss.voided_at.is_null()).count()


def set_removals_paused(cohort, paused, *, actor, now):
    """Pause (holidays) or resume removals in the whole cohort; misses are still recorded.

    Saves the cohort's flag only (the membership log is about people). Returns True if it
    changed."""
    changed = Cohort.update(removals_paused=bool(paused)).where(
        (Cohort.id == cohort.id) & (Cohort.removals_paused != bool(paused))).execute()
    cohort.removals_paused = bool(paused)
    return bool(changed)


def set_case_removals_paused(case, paused, *, actor, now):
    """Pause (a broken case) or resume misses for one case: while paused, nobody gets a miss
    for it. Returns True if it changed."""
    changed = Case.update(removals_paused=bool(paused)).where(
        (Case.id == case.id) & (Case.removals_paused != bool(paused))).execute()
    case.removals_paused = bool(paused)
    return bool(changed)
