"""Readmission, and offering free seats to the waitlist (docs/rules.md "Participation and
removal").

Capacity is never exceeded: seats are counted under the cohort's lock (admission._take_seat).
"""
import secrets
from datetime import timedelta

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cohorts.admission import _take_seat, seats_taken
from learnclub.domain.errors import Conflict, NotFound, untranslated
from learnclub.domain.reach import notices
from learnclub.domain.text import LONG, check_text
from learnclub.models import Application, Cohort, Miss, SeatOffer
from learnclub.models.cohorts import MembershipStatus, Role


def readmit(membership, *, actor, reason, reset_misses, now, tr=untranslated):
    """Bring a removed learner back, with the reason logged; misses reset or kept."""
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


def offer_free_seats(cohort, *, now, base_url):
    """Offer each free seat to the next waitlisted applicant without a live offer. Returns
    the offers made."""
    made = []
    with write_transaction():
        cohort = lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
        live = SeatOffer.select().where((SeatOffer.cohort == cohort)
                                        & (SeatOffer.status == "offered"))
        free = cohort.capacity - seats_taken(cohort) - live.count()
        asked = SeatOffer.select(SeatOffer.application).where(SeatOffer.cohort == cohort)
        waiting = (Application.select().where(
            (Application.cohort == cohort) & (Application.status == "waitlisted")
            & Application.id.not_in(asked)).order_by(Application.decided_at, Application.id))
        for application in list(waiting)[:max(free, 0)]:
            made.append(SeatOffer.create(
                cohort=cohort, application=application, token=secrets.token_urlsafe(24),
                expires_at=now + timedelta(hours=cohort.seat_offer_hours), created_at=now))
    for offer in made:
        notices.mail_seat_offer(offer=offer, link=f"{base_url}/seat/{offer.token}", now=now)
    return made


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
    """Accept (take the seat) or decline an offer; a declined seat goes to the next one."""
    offer = SeatOffer.get_or_none(SeatOffer.token == (token or ""))
    if offer is None or offer.application.user_id != user.id:
        raise NotFound(tr("This offer is not for you, or it does not exist."))
    if offer.status != "offered" or offer.expires_at <= now:
        raise Conflict(tr("This offer has expired or was already answered."))
    with write_transaction():
        if accept:  # _take_seat's "full" message speaks to a host; this one to the applicant
            cohort = lock_row(Cohort.select().where(Cohort.id == offer.cohort_id)).get()
            if seats_taken(cohort) >= cohort.capacity:
                raise Conflict(tr("Sorry: the cohort filled up before you answered, so no seat "
                                  "is free now. Your application stays on the waitlist."))
        taken = SeatOffer.update(status="accepted" if accept else "declined", answered_at=now) \
            .where((SeatOffer.id == offer.id) & (SeatOffer.status == "offered")).execute()
        if not taken:
            raise Conflict(tr("This offer has expired or was already answered."))
        if accept:
            # the offer itself held the seat, so count it as free again while taking it
            _take_seat(offer.cohort_id, user, role=Role.LEARNER, action="admitted_from_waitlist",
                       actor=None, now=now, reason=f"seat offer {offer.id}", tr=tr)
            Application.update(status="admitted", decided_at=now).where(
                Application.id == offer.application_id).execute()
    if not accept:
        offer_free_seats(offer.cohort, now=now, base_url=base_url)
    return offer
