"""The sessions of weekly guest sharing (docs/rules.md "Weekly guest sharing") on the
calendar: the weekly rule's slots, one-off sessions, moving and cancelling them, and telling
people of a cancellation. The talks given these weeks are talks.py (which re-exports these
names, where callers have always found them). Every change a host makes is logged
(cohorts/activity.py).
"""
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cohorts.activity import Action, changed, record
from learnclub.domain.errors import Conflict, DomainError, untranslated
from learnclub.domain.reach import talk_notices
from learnclub.models import Cohort, Membership, ShareSlot, Talk, User
from learnclub.models.cohorts import MembershipStatus
from learnclub.models.sharing import TAKING_STATES


def weekly_starts(cohort, *, now):
    """The weekly rule's next `sharing_weeks_ahead` starts after `now`, as (ISO week, UTC
    instant). The local wall time holds across daylight saving; the UTC offset follows."""
    zone = ZoneInfo(cohort.timezone)
    wall = time.fromisoformat(cohort.sharing_time)
    day = now.astimezone(zone).date()
    day += timedelta(days=(cohort.sharing_weekday - day.weekday()) % 7)
    starts = []
    while len(starts) < cohort.sharing_weeks_ahead:
        instant = datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
        if instant > now:
            year, week, _ = day.isocalendar()
            starts.append((f"{year}-W{week:02d}", instant))
        day += timedelta(weeks=1)
    return starts


def generate_slots(cohort, *, now):
    """Create the weekly rule's missing slots for the weeks ahead; returns them. A week with a
    slot (open, moved or cancelled), or whose time an open slot has, is never made again."""
    with write_transaction():
        cohort = lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
        starts = weekly_starts(cohort, now=now)
        mine = ShareSlot.cohort == cohort
        weeks = {s.week for s in ShareSlot.select(ShareSlot.week).where(
            mine & ShareSlot.week.in_([w for w, _ in starts]))}
        busy = {s.starts_at for s in ShareSlot.select(ShareSlot.starts_at).where(
            mine & (ShareSlot.status == "open") & ShareSlot.starts_at.in_([i for _, i in starts]))}
        return [ShareSlot.create(cohort=cohort, kind="weekly", week=week, starts_at=instant,
                                 minutes=cohort.sharing_minutes, uid=f"slot-{uuid4()}@learnclub",
                                 created_at=now, updated_at=now)
                for week, instant in starts if week not in weeks and instant not in busy]


def _check_start(starts_at, minutes, *, now, tr):
    """A start in the future (an aware time) and a sensible length; returns the start in UTC."""
    if starts_at.tzinfo is None:
        raise ValueError("a session's start must be an aware datetime")
    if starts_at <= now:
        raise DomainError(tr("Choose a time in the future."), field="starts_at")
    if not 15 <= minutes <= 600:
        raise DomainError(tr("Enter a whole number from %(low)d to %(high)d.")
                          % {"low": 15, "high": 600}, field="minutes")
    return starts_at.astimezone(UTC)


def add_one_off_slot(cohort, starts_at, *, actor, now, minutes=None, tr=untranslated):
    """Add a session outside the weekly rule. Returns the slot."""
    minutes = cohort.sharing_minutes if minutes is None else minutes
    starts_at = _check_start(starts_at, minutes, now=now, tr=tr)
    try:
        with write_transaction():  # the cohort's lock: generate_slots may pick the same time
            lock_row(Cohort.select().where(Cohort.id == cohort.id)).get()
            slot = ShareSlot.create(cohort=cohort, kind="one_off", starts_at=starts_at,
                                    minutes=minutes, uid=f"slot-{uuid4()}@learnclub",
                                    created_at=now, updated_at=now)
            record(cohort, Action.SLOT_ADDED, actor=actor, now=now, subject=slot,
                   changes={"starts_at": starts_at, "minutes": minutes})
            return slot
    except IntegrityError as exc:
        raise Conflict(tr("Another session of this cohort starts at that time."),
                       field="starts_at") from exc


def _locked_open_slot(slot, *, now, tr):
    """Inside a write transaction: the slot, fresh and locked, if it is open and ahead."""
    slot = lock_row(ShareSlot.select().where(ShareSlot.id == slot.id)).get()
    if slot.status != "open":
        raise Conflict(tr("This session was cancelled."))
    if slot.starts_at <= now:
        raise Conflict(tr("This session has already started."))
    return slot


def touch_slot(slot_id, *, now):
    """Bump the slot's SEQUENCE: calendar clients must pick up the change."""
    ShareSlot.update(sequence=ShareSlot.sequence + 1, updated_at=now).where(
        ShareSlot.id == slot_id).execute()


def move_slot(slot, starts_at, *, actor, now, minutes=None, tr=untranslated):
    """Move a session (it keeps its row, UID and week) and bump its SEQUENCE. Returns it;
    the guest of `Talk.holding(slot)` should be told."""
    minutes = slot.minutes if minutes is None else minutes
    starts_at = _check_start(starts_at, minutes, now=now, tr=tr)
    try:
        with write_transaction():
            lock_row(Cohort.select().where(Cohort.id == slot.cohort_id)).get()
            slot = _locked_open_slot(slot, now=now, tr=tr)
            ShareSlot.update(starts_at=starts_at, minutes=minutes).where(
                ShareSlot.id == slot.id).execute()
            touch_slot(slot.id, now=now)
            record(slot.cohort_id, Action.SLOT_MOVED, actor=actor, now=now, subject=slot,
                   changes=changed({"starts_at": slot.starts_at, "minutes": slot.minutes},
                                   {"starts_at": starts_at, "minutes": minutes}))
    except IntegrityError as exc:
        raise Conflict(tr("Another session of this cohort starts at that time."),
                       field="starts_at") from exc
    return ShareSlot.get_by_id(slot.id)


def mail_slot_moved(slot, *, link, now):
    """Queue the "your session moved" mail to the guest whose talk has the slot, if any.
    Returns the talk told, or None."""
    talk = Talk.get_or_none((Talk.slot == slot.id)
                            & Talk.status.in_(("accepted", "confirmed")))
    if talk is not None:
        talk_notices.mail_talk_moved(talk=talk, link=link, now=now)
    return talk


@dataclass
class SlotCancellation:
    slot: ShareSlot
    talks: list  #: the talks that had the week and are cancelled with it
    people: list  #: who must be told: active members, those guests, proposers for the week
    #: the guests who had proposed a talk for the week (told whatever their mail settings)
    proposers: list = field(default_factory=list)


def cancel_slot(slot, *, actor, now, tr=untranslated):
    """Cancel a session (kept, STATUS:CANCELLED in the feed) and any talk that had it; bump
    its SEQUENCE. Tells nobody: returns a SlotCancellation for `mail_slot_cancelled`."""
    with write_transaction():
        slot = _locked_open_slot(slot, now=now, tr=tr)
        talks = list(Talk.select().where((Talk.slot == slot) & Talk.status.in_(TAKING_STATES)))
        proposers = [t.guest_id for t in Talk.proposed_for(slot)]
        ShareSlot.update(status="cancelled").where(ShareSlot.id == slot.id).execute()
        touch_slot(slot.id, now=now)
        Talk.update(status="cancelled", updated_at=now).where(
            Talk.id.in_([t.id for t in talks])).execute()
        record(slot.cohort_id, Action.SLOT_CANCELLED, actor=actor, now=now, subject=slot,
               changes={"starts_at": slot.starts_at})
    members = [m.user_id for m in Membership.select(Membership.user).where(
        (Membership.cohort == slot.cohort_id) & (Membership.status == MembershipStatus.ACTIVE))]
    ids = set(members) | {t.guest_id for t in talks} | set(proposers)
    people = list(User.select().where(User.id.in_(ids)).order_by(User.id)) if ids else []
    return SlotCancellation(ShareSlot.get_by_id(slot.id), talks, people, proposers)


def mail_slot_cancelled(cancellation, *, link, now):
    """Queue one mail per person told of a cancelled session (once each, by key): a guest
    whose talk or proposal it concerns always gets it, members as a sharing reminder."""
    topics = {t.guest_id: t.topic for t in cancellation.talks}
    concerned = set(topics) | set(cancellation.proposers)
    for user in cancellation.people:
        talk_notices.mail_slot_cancelled(slot=cancellation.slot, user=user,
                                         topic=topics.get(user.id),
                                         concerned=user.id in concerned, link=link, now=now)
