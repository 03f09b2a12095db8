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
    had_real_window,
    misses_of,
    removal_held,
    removal_pending,
    standing_of,
)
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
    _active: int | None = field(default=None, repr=False)  #: active learners, once counted

    @property
    def held(self):
        """More removals than the cohort's safety stop allows (queries.removal_held): the
        sweep records the misses and removes nobody until a host confirms. One count query
        the first time (none without removals)."""
        if not self.removals:
            return False
        if self._active is None:
            self._active = active_learners(self.cohort).count()
        return removal_held(self.cohort, len(self.removals), self._active)


def _closed_slots(cohort, now):
    return [s for s in schedule_of(cohort)
            if s.grace_until <= now and not s.case.removals_paused]


def _no_miss_due(ids, now):
    """((case_id, user_id) pairs on these cases with homework, an excuse or a running
    extension, {(case_id, user_id): latest extension end}): three queries."""
    if not ids:
        return set(), {}
    done = {(r.case_id, r.user_id) for r in Submission.select(Submission.case, Submission.user)
            .where(Submission.case.in_(ids))}
    excused = {(r.case_id, r.user_id) for r in Excuse.select(Excuse.case, Excuse.user)
               .where(Excuse.case.in_(ids))}
    extended = {}
    for r in Extension.select(Extension.case, Extension.user, Extension.until).where(
            Extension.case.in_(ids)):
        key = (r.case_id, r.user_id)
        extended[key] = max(extended.get(key, r.until), r.until)
    running = {key for key, until in extended.items() if until > now}
    return done | excused | running, extended


def _owes(membership, slot, cohort, extended):
    """Whether this learner owed homework on this closed case (queries.had_real_window)."""
    return had_real_window(membership, slot, min_hours=cohort.min_window_hours,
                           extended_until=extended.get((slot.case.id, membership.user_id)))


def plan_sweep(cohort, *, now):
    """What the sweep would do at `now`: new misses and removals. Changes nothing.

    A miss only for a window that was really open to that learner (had_real_window)."""
    plan = Plan(cohort, paused=cohort.removals_paused)
    slots = _closed_slots(cohort, now)
    learners = list(active_learners(cohort, with_users=True))
    no_miss_due, extended = _no_miss_due([s.case.id for s in slots], now)
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
            if key in no_miss_due or key in settled or slot.case.id in counted \
                    or not _owes(membership, slot, cohort, extended):
                continue
            plan.new_misses.append((membership, slot))
            counted.append(slot.case.id)
            fresh = True
        if fresh and len(counted) >= cohort.strike_limit and not plan.paused:
            plan.removals.append((membership, [titles.get(c, "") for c in counted]))
            plan.missed_cases[membership.id] = counted
    return plan


def apply_sweep(cohort, *, now, base_url, confirmed_by=None):
    """Record the plan's misses and removals once each; mail removed learners. Returns plan.

    A plan over the safety stop (Plan.held) removes nobody: the sweep is marked held and the
    staff are mailed once; `confirmed_by` (a host confirming it) removes them anyway, logged
    as done by that host."""
    with write_transaction():
        lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
        current = Cohort.get_by_id(cohort.id)
        plan = plan_sweep(current, now=now)
        for membership, slot in plan.new_misses:
            Miss.insert(cohort=cohort, user=membership.user_id, case=slot.case.id,
                        created_at=now).on_conflict_ignore().execute()
        if plan.held and confirmed_by is None:
            _hold(current, plan, now=now, base_url=base_url)
            return plan
        _release(current)
        removed = []
        for membership, titles in plan.removals:
            # the notice is queued in the same transaction: nobody is removed untold
            if remove_member(membership, kind=RemovalKind.STRIKES, actor=confirmed_by, now=now,
                             case_ids=plan.missed_cases[membership.id],
                             reason=strikes_words(titles)):
                notices.mail_removed(membership=membership, titles=titles, now=now,
                                     link=f"{base_url}/c/{cohort.slug}/")
                removed.append((membership, titles))
        _tell_staff(cohort, removed, now=now, base_url=base_url)
        chat_posts.post_removals(cohort, [m for m, _ in removed], now=now, base_url=base_url)
    return plan


def _hold(cohort, plan, *, now, base_url):
    """Mark the sweep held (once: the first time, with the staff mailed) and whom it holds."""
    ids = [m.user_id for m, _titles in plan.removals]
    if cohort.removals_held_at is None:
        Cohort.update(removals_held_at=now, removals_held_ids=ids).where(
            Cohort.id == cohort.id).execute()
        for person in _staff(cohort):
            notices.mail_removals_held(cohort=cohort, staff=person, held_at=now,
                                       held=plan.removals, link=f"{base_url}/c/{cohort.slug}"
                                       "/participation#held", now=now)
    elif cohort.removals_held_ids != ids:
        Cohort.update(removals_held_ids=ids).where(Cohort.id == cohort.id).execute()


def _release(cohort):
    """The sweep is no longer held (confirmed, or within the stop again)."""
    if cohort.removals_held_at is not None:
        Cohort.update(removals_held_at=None, removals_held_ids=[]).where(
            Cohort.id == cohort.id).execute()


def _staff(cohort):
    """The cohort's active hosts and assistants (one query)."""
    return (User.select().join(Membership, on=(Membership.user == User.id))
            .where((Membership.cohort == cohort)
                   & (Membership.status == MembershipStatus.ACTIVE)
                   & Membership.role.in_(STAFF_ROLES)))


def _tell_staff(cohort, removed, *, now, base_url):
    """One summary mail per active host and assistant when a sweep removed anyone."""
    if not removed:
        return
    for person in _staff(cohort):
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
        if plan.removals and not plan.held:
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
