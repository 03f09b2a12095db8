"""Sharing reminders (docs/rules.md "Weekly guest sharing"): the guest 7 days and 2 hours
before their accepted or confirmed talk (confirm it, send materials), the cohort's members on
the day (from 09:00 local). Each at most once: the outbox key names talk, kind and person."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from learnclub.domain.reach import talk_notices
from learnclub.models import Cohort, Membership, ShareSlot, Talk, User
from learnclub.models.cohorts import MembershipStatus

GUEST_OFFSETS = (("2h", timedelta(hours=2)), ("7d", timedelta(days=7)))  #: latest first
MEMBERS_FROM = time(9, 0)  #: members hear on the day, from this local time


def _guest_offset(slot, now):
    """The guest reminder whose time has come ("2h" or "7d"), or None."""
    for name, offset in GUEST_OFFSETS:
        if slot.starts_at - offset <= now:
            return name
    return None


def _members_due(slot, cohort, now):
    """True on the session's local day, from 09:00 (or earlier for a morning session)."""
    zone = ZoneInfo(cohort.timezone)
    day = slot.starts_at.astimezone(zone).date()
    start_of_day = datetime.combine(day, time(0, 0), tzinfo=zone)
    send_from = max(start_of_day, min(datetime.combine(day, MEMBERS_FROM, tzinfo=zone),
                                      slot.starts_at - timedelta(hours=1)))
    return now.astimezone(zone).date() == day and send_from <= now


def send_sharing_reminders(*, now, base_url):
    """Queue every sharing reminder due at `now`. Returns how many mails were queued."""
    talks = (Talk.select(Talk, ShareSlot, Cohort, User)
             .join(ShareSlot, on=(Talk.slot == ShareSlot.id))
             .switch(Talk).join(Cohort, on=(Talk.cohort == Cohort.id))
             .switch(Talk).join(User, on=(Talk.guest == User.id))
             .where(Talk.status.in_(("accepted", "confirmed")) & (ShareSlot.status == "open")
                    & (ShareSlot.starts_at > now)
                    & (ShareSlot.starts_at <= now + timedelta(days=7))))
    queued = 0
    for talk in talks:
        slot, cohort = talk.slot, talk.cohort
        link = f"{base_url}/c/{cohort.slug}/calendar"
        offset = _guest_offset(slot, now)
        if offset is not None:
            talk_notices.mail_talk_guest_reminder(talk=talk, offset=offset, link=link, now=now)
            queued += 1
        if _members_due(slot, cohort, now):
            members = (User.select().join(Membership, on=(Membership.user == User.id))
                       .where((Membership.cohort == cohort)
                              & (Membership.status == MembershipStatus.ACTIVE)
                              & (User.id != talk.guest_id)))
            for member in members:
                talk_notices.mail_talk_today(talk=talk, member=member, link=link, now=now)
                queued += 1
    return queued
