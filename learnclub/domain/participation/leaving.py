"""Ways out by hand (docs/rules.md "Participation and removal"): a host removes a member with
a reason, a learner leaves a cohort themselves, and a host confirms a sweep the safety stop
held. Every one is logged (MembershipEvent) with who did it; nothing anyone wrote is
deleted, and the member can be readmitted as after a removal by rule."""
from learnclub.db import lock_row, write_transaction
from learnclub.domain.errors import Conflict, NotAllowed, untranslated
from learnclub.domain.participation.readmission import offer_free_seats
from learnclub.domain.participation.sweep import apply_sweep, remove_member
from learnclub.domain.reach import notices
from learnclub.domain.text import SHORT, check_text
from learnclub.models import Cohort
from learnclub.models.cohorts import MembershipStatus, RemovalKind, Role


def _check_can_go(membership, tr):
    if membership.status != MembershipStatus.ACTIVE:
        raise Conflict(tr("%(name)s is no longer a member.")
                       % {"name": membership.user.display_name})
    if membership.role == Role.HOST:
        raise NotAllowed(tr("A host cannot leave or be removed; give the host role to "
                            "someone else first."))


def remove_by_host(membership, *, actor, reason, now, base_url, tr=untranslated):
    """A host ends someone's membership with a reason: logged as "by_host" with the host as
    actor, a respectful notice mailed in the same transaction, free seats offered. Returns
    True if it changed."""
    check_text(reason, field="reason", label=tr("Reason"), max_length=SHORT, required=True,
               tr=tr)
    _check_can_go(membership, tr)
    if membership.user_id == getattr(actor, "id", actor):
        raise NotAllowed(tr("You cannot remove yourself."))
    with write_transaction():
        lock_row(Cohort.select().where(Cohort.id == membership.cohort_id)).get()
        changed = remove_member(membership, kind=RemovalKind.BY_HOST, actor=actor, now=now,
                                reason=reason.strip())
        if changed:
            notices.mail_removed_by_host(membership=membership, reason=reason.strip(),
                                         link=f"{base_url}/c/{membership.cohort.slug}/", now=now)
    if changed and membership.role == Role.LEARNER:
        offer_free_seats(membership.cohort, now=now, base_url=base_url)
    return changed


def leave_cohort(membership, *, now, base_url, reason="", tr=untranslated):
    """A member leaves the cohort themselves: logged as "left" with them as actor, a mail to
    confirm it, free seats offered. What they wrote stays, readable under My homework.
    Returns True if it changed."""
    check_text(reason, field="reason", label=tr("Reason"), max_length=SHORT, tr=tr)
    _check_can_go(membership, tr)
    with write_transaction():
        lock_row(Cohort.select().where(Cohort.id == membership.cohort_id)).get()
        changed = remove_member(membership, kind=RemovalKind.LEFT, actor=membership.user_id,
                                now=now, reason=(reason or "").strip())
        if changed:
            notices.mail_left(membership=membership, now=now,
                              link=f"{base_url}/c/{membership.cohort.slug}/homework/mine")
    if changed and membership.role == Role.LEARNER:
        offer_free_seats(membership.cohort, now=now, base_url=base_url)
    return changed


def confirm_held_removals(cohort, *, actor, now, base_url, tr=untranslated):
    """A host confirms a sweep the safety stop held: it removes whom it would have (each
    logged with the host as actor), and free seats go to the waitlist. Returns the plan."""
    if Cohort.get_by_id(cohort.id).removals_held_at is None:
        raise Conflict(tr("No check is held: nobody is waiting to be asked to leave."))
    plan = apply_sweep(cohort, now=now, base_url=base_url, confirmed_by=actor)
    if plan.removals:
        offer_free_seats(cohort, now=now, base_url=base_url)
    return plan
