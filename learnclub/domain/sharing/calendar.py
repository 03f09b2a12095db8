"""The sharing calendar as people read it: the weeks ahead with their guest, and who may
read the ICS feed (anyone for a public cohort; a member's secret link for a private one)."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from learnclub.db import write_transaction
from learnclub.domain.cohorts import access
from learnclub.domain.sharing.talks import generate_slots
from learnclub.models import CalendarToken, Cohort, ShareSlot, Talk, User
from learnclub.models.sharing import TAKING_STATES

#: how far back the feed keeps past sessions, so subscribed calendars keep their history
FEED_HISTORY = timedelta(days=90)


@dataclass
class CalendarWeek:
    slot: ShareSlot
    talk: Talk | None  #: the accepted, confirmed or held talk, with its guest loaded
    state: str  #: "open", "accepted", "confirmed", "held" or "cancelled"
    local_start: datetime  #: in the cohort's zone
    local_end: datetime


def calendar_weeks(cohort, *, now, since=None):
    """The cohort's sessions from `since` (default: those not started yet), in time order,
    each with the talk that holds it. Two queries, whatever the number of weeks."""
    zone = ZoneInfo(cohort.timezone)
    query = ShareSlot.select().where(ShareSlot.cohort == cohort)
    query = query.where(ShareSlot.starts_at > (now if since is None else since))
    slots = list(query.order_by(ShareSlot.starts_at, ShareSlot.id))
    talks = {t.slot_id: t for t in Talk.select(Talk, User).join(User).where(
        Talk.slot.in_([s.id for s in slots]) & Talk.status.in_(TAKING_STATES))} if slots else {}
    weeks = []
    for slot in slots:
        talk = talks.get(slot.id) if slot.status == "open" else None
        state = "cancelled" if slot.status == "cancelled" else (talk.status if talk else "open")
        start = slot.starts_at.astimezone(zone)
        weeks.append(CalendarWeek(slot, talk, state, start,
                                  start + timedelta(minutes=slot.minutes)))
    return weeks


def feed_weeks(cohort, *, now):
    """The sessions the ICS feed lists: the recent past and everything ahead."""
    return calendar_weeks(cohort, now=now, since=now - FEED_HISTORY)


def live_calendar_token(cohort, user):
    """The member's current secret feed link token, or None."""
    return (CalendarToken.select().where(
        (CalendarToken.cohort == cohort) & (CalendarToken.user == user)
        & CalendarToken.revoked_at.is_null()).order_by(CalendarToken.id.desc()).first())


def token_digest(secret):
    """What is stored of a feed link's secret: its sha256 (hex), like an API token's."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def renew_calendar_token(cohort, user, *, now):
    """Revoke the member's feed link (if any) and make a new one. Returns (the new token
    row, its secret): the secret exists in clear only in this return value."""
    secret = secrets.token_urlsafe(32)
    with write_transaction():
        CalendarToken.update(revoked_at=now).where(
            (CalendarToken.cohort == cohort) & (CalendarToken.user == user)
            & CalendarToken.revoked_at.is_null()).execute()
        row = CalendarToken.create(cohort=cohort, user=user, token=token_digest(secret),
                                   created_at=now)
    return row, secret


def feed_readable(cohort, token):
    """True if the feed may be read: a live token of an active member of the cohort (a
    revoked or foreign token never is), or no token and a public cohort."""
    if not token:
        return bool(cohort.is_public)
    if len(token) > 200:
        return False
    row = CalendarToken.get_or_none((CalendarToken.token == token_digest(token))
                                    & (CalendarToken.cohort == cohort)
                                    & CalendarToken.revoked_at.is_null())
    return row is not None and access.can(row.user, "view_cohort_pages", cohort)


def generate_all_slots(*, now):
    """Generate every cohort's missing weekly slots. Returns how many were made."""
    return sum(len(generate_slots(cohort, now=now)) for cohort in Cohort.select())
