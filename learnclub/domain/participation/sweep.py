"""Where misses and removals are decided (docs/rules.md "Participation and removal").

A miss: no homework by due + grace (or by the end of a host's extension), no excuse. At the
cohort's strike limit the learner is removed, with the reason logged and a respectful notice;
every piece of their data stays. The sweep is a plan (what would happen) and its application:
the plan is the dry run, and applying it twice changes nothing the second time.
"""
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

from peewee import Value

from learnclub.db import db, lock_row, write_transaction
from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.queries import is_out_at
from learnclub.domain.participation import counting
from learnclub.domain.participation.queries import (  # noqa: F401 (asked here before)
    active_learners,
    had_real_window,
    misses_of,
    removal_pending,
    standing_of,
    window_gap,
)
from learnclub.domain.participation.safety_stop import removal_held
from learnclub.domain.reach import chat_posts, notices
from learnclub.models import Case, Cohort, Membership, MembershipEvent, Miss, User
from learnclub.models.cohorts import STAFF_ROLES, MembershipStatus, RemovalKind


@dataclass
class Plan:
    cohort: object
    new_misses: list = field(default_factory=list)  #: (membership, slot)
    removals: list = field(default_factory=list)  #: (membership, [case titles missed])
    paused: bool = False
    #: membership id -> ids of the cases missed, for each of the removals
    missed_cases: dict = field(default_factory=dict)
    #: membership id -> [counting.CountedCase] (title, due time), for each of the removals
    counted: dict = field(default_factory=dict)
    #: membership id -> [(counting.NotCounted, how many closed cases)] that did not count
    #: against them (handed-in ones aside), for each of the removals
    not_counted: dict = field(default_factory=dict)
    _active: int | None = field(default=None, repr=False)  #: active learners, once counted

    @property
    def held(self):
        """More removals than the cohort's safety stop allows (safety_stop.removal_held): the
        sweep records the misses and removes nobody until a host confirms. One count query
        the first time (none without removals)."""
        if not self.removals:
            return False
        if self._active is None:
            self._active = active_learners(self.cohort).count()
        return removal_held(self.cohort, len(self.removals), self._active)


def _recorded_misses(cohort):
    """({user_id: [(case_id, created_at)] of misses that count}, {(case_id, user_id) with a
    voided miss}): one query."""
    misses, voided = {}, set()
    for m in Miss.select().where(Miss.cohort == cohort):
        if m.voided_at is None:
            misses.setdefault(m.user_id, []).append((m.case_id, m.created_at))
        else:
            voided.add((m.case_id, m.user_id))
    return misses, voided


@dataclass
class _Sweep:
    """What plan_sweep loaded once for the whole cohort."""

    cohort: object
    schedule: list  #: every live case's slot
    closed: list  #: (slot, case id) of the slots whose grace has ended
    work: object  #: counting.Work on the closed cases
    misses: dict  #: user_id -> [(case_id, created_at)] that count
    voided: set  #: (case_id, user_id) with a voided miss: never recorded again


def plan_sweep(cohort, *, now):
    """What the sweep would do at `now`: new misses and removals, and for each removal the
    cases that counted and why the other closed cases did not. Changes nothing; a fixed
    number of queries whatever the size of the cohort.

    A miss only for a case that came out (a member's case not approved never gives one) and
    a window that was really open to that learner (queries.window_gap)."""
    plan = Plan(cohort, paused=cohort.removals_paused)
    schedule = schedule_of(cohort)
    closed = [(s, s.case.id) for s in schedule if s.grace_until <= now and is_out_at(s, now)]
    learners = counting.learners(cohort)
    sweep = _Sweep(cohort, schedule, closed,
                   counting.work_on(cohort, [i for _s, i in closed], now=now),
                   *_recorded_misses(cohort))
    removed = [m for m in learners if _plan_learner(plan, sweep, m)]
    ids = sorted({i for case_ids in plan.missed_cases.values() for i in case_ids})
    cases = {c.case_id: c for c in counting.counted_cases(ids, schedule)}
    for membership in removed:
        counted = [cases[i] for i in plan.missed_cases[membership.id]]
        plan.counted[membership.id] = counted
        plan.removals.append((membership, [c.title for c in counted]))
    return plan


def _plan_learner(plan, sweep, membership):
    """Add this learner's new misses to the plan; True (with the cases that count and why
    the others did not) if the rule removes them. Asked for every learner: kept lean."""
    cohort, user_id, work = sweep.cohort, membership.user_id, sweep.work
    min_hours = cohort.min_window_hours
    kept = sweep.misses.get(user_id)
    counted = [case_id for case_id, _at in kept] if kept else []
    # misses from before a readmission without reset stay on record, but only a miss
    # since (re)joining can remove: else the next sweep would undo the readmission
    fresh = bool(kept) and any(at >= membership.joined_at for _case_id, at in kept)
    skipped = []
    for slot, case_id in sweep.closed:
        key = (case_id, user_id)
        if key in work.done or case_id in counted:
            continue
        gap = window_gap(membership, slot, min_hours=min_hours,
                         extended_until=work.extended.get(key))
        reason = counting.why_not_counted(gap, slot, key, work, sweep.voided)
        if reason is not None:
            skipped.append(reason)
            continue
        plan.new_misses.append((membership, slot))
        counted.append(case_id)
        fresh = True
    if not (fresh and len(counted) >= cohort.strike_limit and not plan.paused):
        return False
    plan.missed_cases[membership.id] = counted
    plan.not_counted[membership.id] = counting.tally(skipped)
    return True


def apply_sweep(cohort, *, now, base_url, confirmed_by=None):
    """Record the plan's misses and removals once each; mail removed learners. Returns plan.

    A plan over the safety stop (Plan.held) removes nobody: the sweep is marked held and the
    staff are mailed once; `confirmed_by` (a host confirming it) removes them anyway, logged
    as done by that host. As many statements (in bulk) for 3 learners as for 3,000."""
    with _no_collection(), write_transaction():
        lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
        current = Cohort.get_by_id(cohort.id)
        plan = plan_sweep(current, now=now)
        at = Value(Miss.created_at.db_value(now))
        for case_id, ids in _grouped((s.case.id, m.id) for m, s in plan.new_misses).items():
            _insert_per_member(Miss, ids, ignore=True, values=[  # once each: a key is kept
                (Miss.cohort, Value(current.id)), (Miss.user, Membership.user),
                (Miss.case, Value(case_id)), (Miss.void_reason, Value("")), (Miss.created_at, at)])
        if plan.held and confirmed_by is None:
            _hold(current, plan, now=now, base_url=base_url)
            return plan
        _release(current)
        changed = _end_memberships([(m, plan.missed_cases[m.id], strikes_words(titles))
                                    for m, titles in plan.removals],
                                   kind=RemovalKind.STRIKES, actor=confirmed_by, now=now)
        removed = [(m, titles) for m, titles in plan.removals if m.id in changed]
        # the notices are queued in the same transaction: nobody is removed untold
        notices.mail_removed_many(current, [
            (m, titles, plan.counted[m.id], plan.not_counted[m.id]) for m, titles in removed],
            link=f"{base_url}/c/{current.slug}/", now=now)
        _tell_staff(current, removed, now=now, base_url=base_url)
        chat_posts.post_removals(current, [m for m, _ in removed], now=now, base_url=base_url)
    return plan


@contextmanager
def _no_collection():
    """Python's cyclic garbage collector paused while the sweep runs: the plan makes a few
    objects per learner (tens of thousands in a large cohort) that all live until the
    sweep ends, so a collection in between frees nothing and only walks them all again
    (about a sixth of a 10,000-learner sweep). Re-enabled afterwards if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _insert_per_member(model, ids, *, values, ignore=False):
    """INSERT INTO model SELECT `values` ((field, column or Value)) FROM membership: one."""
    if ids:
        query = model.insert_from(Membership.select(*[v for _f, v in values]).where(
            counting.id_in(Membership.id, ids)), [f for f, _v in values])
        (query.on_conflict_ignore() if ignore else query).execute()


def _grouped(pairs):
    """{key: [value, …]} of (key, value) pairs, in their order."""
    groups = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups


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
    for person in _staff(cohort) if removed else ():
        notices.mail_removals_to_staff(cohort=cohort, staff=person, removed=removed, now=now,
                                       link=f"{base_url}/c/{cohort.slug}/audit",
                                       list_link=f"{base_url}/c/{cohort.slug}"
                                       "/participation#removed")


def remove_member(membership, *, kind, actor, now, case_ids=(), reason=""):
    """End a membership (data kept) and log who did it and why: `kind` a RemovalKind, the
    cases missed (for RemovalKind.STRIKES) and the reason in words are stored on the
    membership and its log entry alike. Returns True if it changed."""
    return bool(_end_memberships([(membership, list(case_ids), reason)],
                                 kind=RemovalKind(kind), actor=actor, now=now))


def _end_memberships(ends, *, kind, actor, now):
    """remove_member for many `ends` (membership, case ids, reason): one UPDATE per outcome,
    then the log entries. Returns the ids that changed (only active ones do)."""
    changed = set()
    for (case_ids, reason), ids in _grouped(((tuple(c), r), m.id) for m, c, r in ends).items():
        # the ids read from the cursor: plain integers, no row conversion per id
        changed.update(i for i, in db.execute(Membership.update(
            status=MembershipStatus.REMOVED, removed_at=now, removed_reason=reason,
            removed_kind=kind, removed_case_ids=list(case_ids))
            .where(counting.id_in(Membership.id, ids)
                   & (Membership.status == MembershipStatus.ACTIVE))
            .returning(Membership.id)))
    e, m = MembershipEvent, Membership
    _insert_per_member(e, sorted(changed), values=[
        (e.cohort, m.cohort), (e.user, m.user), (e.action, Value("removed")),
        (e.reason, m.removed_reason), (e.reason_kind, m.removed_kind), (e.at, m.removed_at),
        (e.case_ids, m.removed_case_ids), (e.actor, Value(getattr(actor, "id", actor)))])
    return changed


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
