"""Readmission, and offering free seats to the waitlist (docs/rules.md "Participation and
removal").

Capacity is never exceeded: seats are counted under the cohort's lock (admission._take_seat),
and a live (unanswered, unexpired) offer holds its seat. An applicant whose acceptance finds
no seat (the host lowered the capacity) goes back to the head of the waitlist; only a declined
or an expired offer ends an applicant's turn.
"""
import secrets
from datetime import timedelta

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cohorts.admission import _take_seat, free_seats
from learnclub.domain.errors import Conflict, NotFound, untranslated
from learnclub.domain.reach import inbox, notices
from learnclub.domain.text import LONG, check_text
from learnclub.models import Application, Cohort, Miss, SeatOffer
from learnclub.models.cohorts import MembershipStatus, Role


def readmit(membership, *, actor, reason, reset_misses, now, tr=untranslated):
    """Bring a removed learner back, with the reason logged; misses reset or kept; they are
    told in their messages."""
    check_text(reason, field="reason", label=tr("Reason"), max_length=LONG, required=True,
               tr=tr)
    if membership.status != MembershipStatus.REMOVED:
        raise Conflict(tr("%(name)s is an active member.") % {"name": membership.user.display_name})
    with write_transaction():
        _take_seat(membership.cohort_id, membership.user, role=membership.role,
                   action="readmitted", actor=actor, now=now, reason=reason, tr=tr)
        if reset_misses:
            Miss.update(voided_at=now, void_reason="readmitted").where(
                (Miss.cohort == membership.cohort_id) & (Miss.user == membership.user_id)
                & Miss.voided_at.is_null()).execute()
        inbox.record(membership.user_id, inbox.Kind.READMITTED, now=now,
                     key=f"readmitted:membership:{membership.id}:{now:%Y%m%dT%H%M%S}",
                     cohort=membership.cohort_id, link=f"/c/{membership.cohort.slug}/")


def offer_free_seats(cohort, *, now, base_url):
    """Offer each free seat to the next waitlisted applicant whose turn is not over. Returns
    the offers made."""
    made = []
    with write_transaction():
        cohort = lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
        free = free_seats(cohort, now=now)
        for application in waiting_in_line(cohort)[:max(free, 0)]:
            made.append(SeatOffer.create(
                cohort=cohort, application=application, token=secrets.token_urlsafe(24),
                expires_at=now + timedelta(hours=cohort.seat_offer_hours), created_at=now))
    for offer in made:
        notices.mail_seat_offer(offer=offer, link=f"{base_url}/seat/{offer.token}", now=now)
    return made


def waiting_in_line(cohort):
    """Waitlisted applications that may get an offer, in order: those refused a seat for
    lack of one first, then the rest, each in waitlist order (queries.waitlist shows the
    same). An offer open, accepted, declined or expired takes the application out of line;
    a refused one does not."""
    offers = list(SeatOffer.select(SeatOffer.application, SeatOffer.status)
                  .where(SeatOffer.cohort == cohort))
    out = {o.application_id for o in offers if o.status != "refused"}
    refused = {o.application_id for o in offers if o.status == "refused"}
    waiting = Application.select().where(
        (Application.cohort == cohort) & (Application.status == "waitlisted")
    ).order_by(Application.decided_at, Application.id)
    # sorted() is stable: within each group the waitlist order stays
    return sorted((a for a in waiting if a.id not in out), key=lambda a: a.id not in refused)


def expire_seat_offers(*, now, base_url):
    """Close offers nobody answered in time and pass each seat on. Returns how many expired."""
    expired = list(SeatOffer.select().where((SeatOffer.status == "offered")
                                            & (SeatOffer.expires_at <= now)))
    for offer in expired:
        SeatOffer.update(status="expired", answered_at=now).where(
            (SeatOffer.id == offer.id) & (SeatOffer.status == "offered")).execute()
    for cohort_id in {o.cohort_id for o in expired}:
        offer_free_seats(Cohort.get_by_id(cohort_id), now=now, base_url=base_url)
    return len(expired)


def answer_seat_offer(token, user, accept, *, now, base_url, tr=untranslated):
    """Accept (take the seat the offer holds) or decline an offer; a declined seat goes to
    the next one. If no seat is left (capacity lowered), the offer is marked refused and the
    applicant goes back to the head of the waitlist."""
    offer = SeatOffer.get_or_none(SeatOffer.token == (token or ""))
    if offer is None or offer.application.user_id != user.id:
        raise NotFound(tr("This offer is not for you, or it does not exist."))
    if offer.status != "offered" or offer.expires_at <= now:
        raise Conflict(tr("This offer has expired or was already answered."))
    if not accept:
        _settle(offer, "declined", now=now, tr=tr)
        offer_free_seats(offer.cohort, now=now, base_url=base_url)
        return offer
    with write_transaction():
        cohort = lock_row(Cohort.select().where(Cohort.id == offer.cohort_id)).get()
        refused = free_seats(cohort, now=now, besides=offer) <= 0
        _settle(offer, "refused" if refused else "accepted", now=now, tr=tr)
        if not refused:
            _take_seat(offer.cohort_id, user, role=Role.LEARNER, action="admitted_from_waitlist",
                       actor=None, now=now, reason=f"seat offer {offer.id}", tr=tr, offer=offer)
            Application.update(status="admitted", decided_at=now).where(
                Application.id == offer.application_id).execute()
    if refused:  # _take_seat's "full" message speaks to a host; this one to the applicant
        raise Conflict(tr("Sorry: no seat is free any more, so you could not take this one. "
                          "You are first on the waitlist and get the next free seat."))
    return offer


def _settle(offer, status, *, now, tr):
    """Answer the offer once (compare-and-set on "offered")."""
    taken = SeatOffer.update(status=status, answered_at=now).where(
        (SeatOffer.id == offer.id) & (SeatOffer.status == "offered")).execute()
    if not taken:
        raise Conflict(tr("This offer has expired or was already answered."))
