"""How people get into a cohort: applications reviewed by the host, and invite links.

The capacity (seats for learners) holds even when two hosts admit at the same moment: the
cohort row is locked (or, on SQLite, the write lock taken) before seats are counted.
"""
import secrets
from datetime import timedelta

from peewee import IntegrityError

from learnclub.db import db, lock_row, write_transaction
from learnclub.domain.cohorts import questions
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import Conflict, DomainError, NotAllowed, untranslated
from learnclub.domain.reach import notices
from learnclub.domain.text import LONG, check_text
from learnclub.models import Application, Cohort, Invite, Membership, MembershipEvent, SeatOffer
from learnclub.models.cohorts import STAFF_ROLES, MembershipStatus

#: decision -> the application states it may be taken from
DECISIONS_FROM = {
    "admitted": ("submitted", "waitlisted"),
    "rejected": ("submitted", "waitlisted"),
    "waitlisted": ("submitted",),
}


def seats_taken(cohort):
    return Membership.active_learners(cohort).count()


def live_offers(cohort, *, now, besides=None):
    """Seat offers still open (not answered, not expired): each holds a seat."""
    query = SeatOffer.select().where((SeatOffer.cohort == cohort)
                                     & (SeatOffer.status == "offered")
                                     & (SeatOffer.expires_at > now))
    return query.where(SeatOffer.id != besides.id) if besides is not None else query


def free_seats(cohort, *, now, besides=None):
    """Seats neither taken by an active learner nor held by a live offer (`besides` aside)."""
    return cohort.capacity - seats_taken(cohort) - live_offers(
        cohort, now=now, besides=besides).count()


def _take_seat(cohort_id, user, *, role, action, actor, now, reason, tr, offer=None):
    """Inside a write transaction: add the membership if a seat is free. Live seat offers
    hold their seats; `offer` is the one being accepted (its seat is the one taken)."""
    cohort = lock_row(Cohort.select().where(Cohort.id == cohort_id)).get()
    existing = Membership.get_or_none((Membership.cohort == cohort) & (Membership.user == user))
    if existing is not None and existing.status == MembershipStatus.ACTIVE:
        raise Conflict(tr("%(name)s is already a member.") % {"name": user.display_name})
    if role == "learner" and free_seats(cohort, now=now, besides=offer) <= 0:
        raise _full(cohort, now=now, tr=tr)
    if existing is not None:
        existing.status, existing.role, existing.removed_at, existing.joined_at = (
            MembershipStatus.ACTIVE, role, None, now)
        existing.save()
    else:
        Membership.create(cohort=cohort, user=user, role=role, joined_at=now)
    MembershipEvent.create(cohort=cohort, user=user, action=action, actor=actor, at=now,
                           reason=reason)
    return cohort


def _full(cohort, *, now, tr):
    """The host's "no seat" message: full, or full once the open seat offers are answered."""
    offered = live_offers(cohort, now=now).count()
    if offered:
        return Conflict(tr("No seat is free: %(n)d seats, %(offered)d of them offered to the "
                           "waitlist and not answered yet. Wait for the answers or raise the "
                           "capacity.") % {"n": cohort.capacity, "offered": offered})
    return Conflict(tr("The cohort is full (%(n)d seats). Put the applicant on the waitlist "
                       "or raise the capacity.") % {"n": cohort.capacity})


def submit_application(cohort, user, *, motivation, background, now, answers=None,
                       tr=untranslated):
    """Apply to join (or update a pending application). `answers` are the answers to the
    cohort's own questions as sent ({field name: [values]}, domain/cohorts/questions.py):
    everything is checked before anything is saved, and the application and its answers are
    saved in one transaction. Returns the application."""
    if cohort.admission != "application":
        raise NotAllowed(tr("This cohort admits by invitation only."))
    # check_text turns a missing (None) field into "": the columns are NOT NULL
    motivation = check_text(motivation, field="motivation", label=tr("Why you want to join"),
                            max_length=LONG, required=True, tr=tr)
    background = check_text(background, field="background", label=tr("Your background"),
                            max_length=LONG, tr=tr)
    checked = questions.check_answers(questions.live_questions(cohort), answers or {}, tr=tr)
    member = Membership.get_or_none((Membership.cohort == cohort) & (Membership.user == user))
    if member is not None and member.status == MembershipStatus.ACTIVE:
        raise Conflict(tr("You are already a member of this cohort."))
    with write_transaction():
        application = Application.get_or_none((Application.cohort == cohort)
                                              & (Application.user == user))
        if application is None:
            try:
                with db.atomic():
                    application = Application.create(cohort=cohort, user=user,
                                                     motivation=motivation,
                                                     background=background, created_at=now)
            except IntegrityError as exc:
                raise Conflict(tr("You have already applied.")) from exc
        else:
            if application.status not in ("submitted", "waitlisted", "withdrawn", "rejected"):
                raise Conflict(tr("Your application was already decided."))
            application.motivation, application.background = motivation, background
            if application.status in ("withdrawn", "rejected"):
                application.status, application.created_at = "submitted", now
            application.save()
        questions.save_answers(application, checked)
    return application


def check_decision_message(message, *, tr=untranslated):
    """The message sent with a decision: optional, at most LONG characters."""
    return check_text(message, field="message", label=tr("Message"), max_length=LONG, tr=tr)


def decide_application(application, decision, *, actor, now, message="", link="", tr=untranslated):
    """Admit, reject or waitlist an application and tell the applicant. Returns it."""
    if decision not in ("admitted", "rejected", "waitlisted"):
        raise DomainError(tr("Unknown decision."))
    check_decision_message(message, tr=tr)
    allowed_from = DECISIONS_FROM[decision]
    if application.status not in allowed_from:
        raise Conflict(tr("This application is no longer waiting for a decision."))
    with write_transaction():
        if decision == "admitted":  # a live offer to this applicant holds the seat taken
            offer = live_offers(application.cohort_id, now=now).where(
                SeatOffer.application == application).first()
            _take_seat(application.cohort_id, application.user, role="learner",
                       action="admitted", actor=actor, now=now, reason="", tr=tr, offer=offer)
            if offer is not None:
                SeatOffer.update(status="accepted", answered_at=now).where(
                    SeatOffer.id == offer.id).execute()
        fresh = (Application.update(status=decision, decided_by=actor, decided_at=now,
                                    decision_message=message)
                 .where((Application.id == application.id)
                        & Application.status.in_(allowed_from)).execute())
        if fresh != 1:
            raise Conflict(tr("This application is no longer waiting for a decision."))
        if decision != "admitted":  # an admission is in the membership log
            record(application.cohort_id, Action(f"application_{decision}"), actor=actor,
                   now=now, subject=application.user_id)
    application = Application.get_by_id(application.id)
    notices.mail_application_decided(application=application, link=link, now=now)
    return application


def create_invite(cohort, *, actor, now, days_valid=7, max_uses=None, role="learner",
                  tr=untranslated):
    """A new invite link that admits directly. Returns the invite."""
    if role not in ("learner", "assistant", "guest"):
        raise DomainError(tr("Unknown role."), field="role")
    if role in STAFF_ROLES and not may_invite_staff(actor, cohort):
        raise NotAllowed(tr("Only a host can make invite links for assistants."))
    if not 1 <= days_valid <= 90:
        raise DomainError(tr("An invite is valid for 1 to 90 days."), field="days_valid")
    if max_uses is not None and not 1 <= max_uses <= 10_000:
        raise DomainError(tr("Enter a number of uses from 1 to 10000, or leave it empty."),
                          field="max_uses")
    invite = Invite.create(cohort=cohort, token=secrets.token_urlsafe(24), role=role,
                           max_uses=max_uses, expires_at=now + timedelta(days=days_valid),
                           created_by=actor, created_at=now)
    record(cohort, Action.INVITE_CREATED, actor=actor, now=now, subject=invite,
           changes={"expires_at": invite.expires_at, "max_uses": max_uses})
    return invite


def may_invite_staff(actor, cohort):
    """True if `actor` may hand out a staff role by link: the same right as changing roles
    (a host). An assistant's link never makes another assistant."""
    membership = Membership.get_or_none((Membership.cohort == cohort)
                                        & (Membership.user == actor))
    return (membership is not None and membership.status == MembershipStatus.ACTIVE
            and membership.role == "host")


def _check_invite_may_admit(invite, user, tr):
    """Inside the join: a removed member never comes back by a link (readmission is staff's
    decision), and a staff-role link works only while its maker may still give that role."""
    existing = Membership.get_or_none((Membership.cohort == invite.cohort_id)
                                      & (Membership.user == user))
    if existing is not None and existing.status == MembershipStatus.REMOVED:
        raise NotAllowed(tr("You left or were removed from this cohort, so an invite link "
                            "cannot bring you back. Ask the hosts about readmission."))
    if invite.role in STAFF_ROLES and not may_invite_staff(invite.created_by_id,
                                                            invite.cohort_id):
        raise NotAllowed(tr("This invite link was not made by a host, so it cannot make you "
                            "an assistant. Ask a host for a new link."))


def revoke_invite(invite, *, now, actor=None):
    """Stop an invite link from working."""
    invite.revoked_at = now
    invite.save(only=[Invite.revoked_at])
    record(invite.cohort_id, Action.INVITE_REVOKED, actor=actor, now=now, subject=invite)
    return invite


def live_invite(token, *, now):
    """The invite this token belongs to if it can still be used, else None."""
    invite = Invite.get_or_none(Invite.token == (token or ""))
    return invite if invite is not None and invite_is_live(invite, now=now) else None


def invite_is_live(invite, *, now):
    """Whether the invite link still admits: not revoked, not expired, not used up."""
    return (invite.revoked_at is None and invite.expires_at > now
            and (invite.max_uses is None or invite.uses < invite.max_uses))


def join_by_invite(token, user, *, now, tr=untranslated):
    """Use an invite link: the user becomes a member in its role. Returns the cohort."""
    with write_transaction():
        invite = live_invite(token, now=now)
        if invite is None:
            raise Conflict(tr("This invite link has expired, was revoked or is used up."))
        _check_invite_may_admit(invite, user, tr)
        cohort = _take_seat(invite.cohort_id, user, role=invite.role, action="joined_by_invite",
                            actor=None, now=now, reason=f"invite {invite.id}", tr=tr)
        used = Invite.update(uses=Invite.uses + 1).where(
            (Invite.id == invite.id)
            & (Invite.max_uses.is_null() | (Invite.uses < Invite.max_uses))).execute()
        if used != 1:
            raise Conflict(tr("This invite link has expired, was revoked or is used up."))
        Application.update(status="admitted", decided_at=now).where(
            (Application.cohort == cohort) & (Application.user == user)
            & (Application.status != "admitted")).execute()
    return cohort
