"""Where misses and removals are decided (docs/rules.md "Participation and removal").

A miss: no homework by due + grace (or by the end of a host's extension), no excuse. At the
cohort's strike limit the learner is removed, with the reason logged and a respectful notice;
every piece of their data stays. The sweep is a plan (what would happen) and its application:
the plan is the dry run, and applying it twice changes nothing the second time.
"""
from dataclasses import dataclass, field

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.participation.queries import (  # noqa: F401 (asked here before)
    active_learners,
    misses_of,
    removal_pending,
    standing_of,
)
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
from learnclub.models.cohorts import STAFF_ROLES, MembershipStatus, RemovalKind


@dataclass
class Plan:
    cohort: object
    new_misses: list = field(default_factory=list)  #: (membership, slot)
    removals: list = field(default_factory=list)  #: (membership, [case titles missed])
    paused: bool = False
    #: membership id -> ids of the cases missed, for each of the removals
    missed_cases: dict = field(default_factory=dict)


def _closed_slots(cohort, now):
    return [s for s in schedule_of(cohort)
            if s.grace_until <= now and not s.case.removals_paused]


def _no_miss_due(ids, now):
    """(case_id, user_id) pairs on these cases with homework, an excuse or a running
    extension: three queries."""
    if not ids:
        return set()
    done = {(r.case_id, r.user_id) for r in Submission.select(Submission.case, Submission.user)
            .where(Submission.case.in_(ids))}
    excused = {(r.case_id, r.user_id) for r in Excuse.select(Excuse.case, Excuse.user)
               .where(Excuse.case.in_(ids))}
    extended = {(r.case_id, r.user_id) for r in Extension.select(Extension.case, Extension.user)
                .where(Extension.case.in_(ids) & (Extension.until > now))}
    return done | excused | extended


def plan_sweep(cohort, *, now):
    """What the sweep would do at `now`: new misses and removals. Changes nothing."""
    plan = Plan(cohort, paused=cohort.removals_paused)
    slots = _closed_slots(cohort, now)
    learners = list(active_learners(cohort, with_users=True))
    no_miss_due = _no_miss_due([s.case.id for s in slots], now)
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
            if key in no_miss_due or key in settled \
                    or slot.case.id in counted or not was_member(membership, slot):
                continue
            plan.new_misses.append((membership, slot))
            counted.append(slot.case.id)
            fresh = True
        if fresh and len(counted) >= cohort.strike_limit and not plan.paused:
            plan.removals.append((membership, [titles.get(c, "") for c in counted]))
            plan.missed_cases[membership.id] = counted
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
            if remove_member(membership, kind=RemovalKind.STRIKES, actor=None, now=now,
                             case_ids=plan.missed_cases[membership.id],
                             reason=strikes_words(titles)):
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
             .where((Membership.cohort == cohort)
                    & (Membership.status == MembershipStatus.ACTIVE)
                    & Membership.role.in_(STAFF_ROLES)))
    for person in staff:
        notices.mail_removals_to_staff(cohort=cohort, staff=person, removed=removed, now=now,
                                       link=f"{base_url}/c/{cohort.slug}/audit")


def remove_member(membership, *, kind, actor, now, case_ids=(), reason=""):
    """End a membership (data kept) and log who did it and why: `kind` a RemovalKind, the
    cases missed (for RemovalKind.STRIKES) and the reason in words are stored on the
    membership and its log entry alike. Returns True if it changed."""
    kind, case_ids = RemovalKind(kind), list(case_ids)
    changed = Membership.update(status=MembershipStatus.REMOVED, removed_at=now,
                                removed_reason=reason, removed_kind=kind,
                                removed_case_ids=case_ids) \
        .where((Membership.id == membership.id)
               & (Membership.status == MembershipStatus.ACTIVE)).execute()
    if changed:
        MembershipEvent.create(cohort=membership.cohort_id, user=membership.user_id,
                               action="removed", actor=actor, at=now, reason=reason,
                               reason_kind=kind, case_ids=case_ids)
    return bool(changed)


def strikes_words(titles):
    """A strikes removal's reason in words, as the sweep has always written it (the pages
    read the kind and the cases instead): "strikes: 案例一, 案例二"."""
    return f"{RemovalKind.STRIKES}: {', '.join(titles)}" if titles else RemovalKind.STRIKES.value


def cohorts_to_sweep(*, now):
    """Cohorts with a case whose grace ended (the only ones a sweep can change)."""
    return list(Cohort.select().where(Cohort.id.in_(
        Case.select(Case.cohort).where(Case.is_out(now)))))


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
