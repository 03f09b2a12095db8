"""Weekly guest sharing (docs/rules.md "Weekly guest sharing"): the weeks on the calendar and
the talks proposed for them, up to being held (the archive is sharing_archive.py). One guest
per week is the database's rule (a partial unique index on talk.slot_id): of two acceptances
for one week at the same moment, the second write fails and becomes a Conflict. Deciding and
telling are separate: these functions return what changed; the caller queues mails
(`mail_slot_cancelled`).
"""
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from learnclub.db import db, lock_row, write_transaction
from learnclub.domain.errors import Conflict, DomainError, NotAllowed, untranslated
from learnclub.domain.reach.notices import SIGNATURE, local_when
from learnclub.domain.reach.outbox import enqueue_mail
from learnclub.domain.text import LONG, check_text
from learnclub.i18n import translations_for
from learnclub.models import Cohort, Membership, ShareSlot, Talk, TalkPreference, User
from learnclub.models.sharing import TAKING_STATES

MAX_PREFERENCES = 3
#: states in which the guest may still change or withdraw the talk
OPEN_STATES = ("submitted", "accepted", "confirmed")


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
            return ShareSlot.create(cohort=cohort, kind="one_off", starts_at=starts_at,
                                    minutes=minutes, uid=f"slot-{uuid4()}@learnclub",
                                    created_at=now, updated_at=now)
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
    except IntegrityError as exc:
        raise Conflict(tr("Another session of this cohort starts at that time."),
                       field="starts_at") from exc
    return ShareSlot.get_by_id(slot.id)


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
    members = [m.user_id for m in Membership.select(Membership.user).where(
        (Membership.cohort == slot.cohort_id) & (Membership.status == "active"))]
    ids = set(members) | {t.guest_id for t in talks} | set(proposers)
    people = list(User.select().where(User.id.in_(ids)).order_by(User.id)) if ids else []
    return SlotCancellation(ShareSlot.get_by_id(slot.id), talks, people, proposers)


def mail_slot_cancelled(cancellation, *, link, now):
    """Queue one mail per person told of a cancelled session (once each, by key): a guest
    whose talk or proposal it concerns always gets it, members as a sharing reminder."""
    slot, cohort = cancellation.slot, cancellation.slot.cohort
    topics = {t.guest_id: t.topic for t in cancellation.talks}
    concerned = set(topics) | set(cancellation.proposers)
    for user in cancellation.people:
        tr = translations_for(user.locale).gettext
        values = {"cohort": cohort.name, "link": link,
                  "when": local_when(slot.starts_at, cohort.timezone, user.locale)}
        body = tr("The guest sharing of %(cohort)s on %(when)s is cancelled.") % values
        if user.id in topics:
            body += "\n\n" + tr("Your talk “%(topic)s” was planned for it; your host will be "
                                "in touch about another week.") % {"topic": topics[user.id]}
        enqueue_mail(f"slot:{slot.id}:cancelled:user:{user.id}", to_addr=user.email, user=user,
                     subject=tr("Cancelled: guest sharing on %(when)s") % values, now=now,
                     body=body + "\n\n" + link + SIGNATURE,
                     kind="" if user.id in concerned else "sharing")


def _talk_text(topic, abstract, title, bio, tr):
    return {"topic": check_text(topic, field="topic", label=tr("Topic"), required=True, tr=tr),
            "abstract_md": check_text(abstract, field="abstract", label=tr("Abstract"),
                                      max_length=LONG, required=True, tr=tr),
            "title_snapshot": check_text(title, field="title", label=tr("Company and title"),
                                         tr=tr),
            "bio_snapshot": check_text(bio, field="bio", label=tr("Short introduction"),
                                       max_length=LONG, tr=tr)}


def _preferred(cohort, preferred, *, now, tr):
    """The chosen slots, in order, if they are 1–3 distinct open weeks still without a guest."""
    ids = [getattr(s, "id", s) for s in preferred or ()]
    if not 1 <= len(ids) <= MAX_PREFERENCES:
        raise DomainError(tr("Choose one to three weeks, in order of preference."),
                          field="slots")
    if len(set(ids)) != len(ids):
        raise DomainError(tr("Choose each week only once."), field="slots")
    found = {s.id: s for s in ShareSlot.select().where(
        ShareSlot.id.in_(ids) & (ShareSlot.cohort == cohort) & (ShareSlot.status == "open")
        & (ShareSlot.starts_at > now))}
    taken = Talk.select().where(Talk.slot.in_(ids) & Talk.status.in_(TAKING_STATES)).exists()
    if len(found) != len(ids) or taken:
        raise DomainError(tr("Choose only weeks that are open and still looking for a guest."),
                          field="slots")
    return [found[i] for i in ids]


def propose_talk(cohort, guest, *, topic, abstract, preferred_slots, now, title=None,
                 bio=None, tr=untranslated):
    """Propose a talk for 1–3 preferred weeks, in order, with a snapshot of the guest's title
    and bio (from the profile unless given). Returns the talk."""
    text = _talk_text(topic, abstract, guest.company_title if title is None else title,
                      guest.intro_md if bio is None else bio, tr)
    slots = _preferred(cohort, preferred_slots, now=now, tr=tr)
    with db.atomic():
        talk = Talk.create(cohort=cohort, guest=guest, created_at=now, updated_at=now, **text)
        TalkPreference.insert_many([{"talk": talk, "slot": slot, "rank": rank}
                                    for rank, slot in enumerate(slots, 1)]).execute()
    return talk


def _own(talk, guest, tr):
    if talk.guest_id != guest.id:
        raise NotAllowed(tr("Only the guest can do this with their talk."))


def edit_talk(talk, *, guest, topic, abstract, title, bio, now, tr=untranslated):
    """The guest changes their talk's text until it is held. Returns the talk."""
    _own(talk, guest, tr)
    text = _talk_text(topic, abstract, title, bio, tr)
    with write_transaction():
        changed = Talk.update(updated_at=now, **text).where(
            (Talk.id == talk.id) & Talk.status.in_(OPEN_STATES)).execute()
        if changed != 1:
            raise Conflict(tr("This talk can no longer be changed."))
        talk = Talk.get_by_id(talk.id)
        if talk.status in TAKING_STATES:  # the calendar shows the topic
            touch_slot(talk.slot_id, now=now)
    return talk


def change_status(talk, status, allowed_from, *, now, message, **values):
    """Inside a transaction: set the talk's status if it still is in `allowed_from`, else
    raise Conflict(message). Returns the talk, fresh."""
    changed = (Talk.update(status=status, updated_at=now, **values)
               .where((Talk.id == talk.id) & Talk.status.in_(allowed_from)).execute())
    if changed != 1:
        raise Conflict(message)
    return Talk.get_by_id(talk.id)


def accept_talk(talk, slot, *, actor, now, tr=untranslated):
    """Give a submitted talk the week and bump its SEQUENCE; tells nobody. Returns the talk.

    Raises Conflict("This week was just taken…") if another talk holds it: the database says
    so, whoever came first."""
    try:
        with write_transaction():
            slot = _locked_open_slot(slot, now=now, tr=tr)
            if slot.cohort_id != talk.cohort_id:
                raise DomainError(tr("Choose a week of this cohort."), field="slot")
            talk = change_status(talk, "accepted", ("submitted",), now=now, slot=slot,
                                 message=tr("This proposal was already decided."))
            touch_slot(slot.id, now=now)
    except IntegrityError as exc:
        raise Conflict(tr("This week was just taken: another guest has it."),
                       field="slot") from exc
    return talk


def confirm_talk(talk, *, guest, now, tr=untranslated):
    """The guest confirms the week they were given (bumps its SEQUENCE). Returns the talk."""
    _own(talk, guest, tr)
    with write_transaction():
        talk = Talk.get_by_id(talk.id)
        if talk.slot_id is not None:
            _locked_open_slot(talk.slot, now=now, tr=tr)
        talk = change_status(talk, "confirmed", ("accepted",), now=now,
                             message=tr("Only an accepted talk can be confirmed."))
        touch_slot(talk.slot_id, now=now)
    return talk


def decline_talk(talk, *, actor, now, tr=untranslated):
    """The host declines a proposal that has no week yet. Returns the talk."""
    with write_transaction():
        return change_status(talk, "declined", ("submitted",), now=now,
                             message=tr("Only a proposal waiting for a decision can be declined."))


def withdraw_talk(talk, *, guest, now, tr=untranslated):
    """The guest withdraws before the talk is held; its week opens again. Returns the talk."""
    _own(talk, guest, tr)
    with write_transaction():
        had_week = Talk.get_by_id(talk.id).status in TAKING_STATES
        talk = change_status(talk, "withdrawn", OPEN_STATES, now=now,
                             message=tr("This talk can no longer be withdrawn."))
        if had_week:
            touch_slot(talk.slot_id, now=now)
    return talk


def cancel_talk(talk, *, actor, now, tr=untranslated):
    """The host cancels an accepted or confirmed talk; its week opens again. Returns it."""
    with write_transaction():
        talk = change_status(talk, "cancelled", ("accepted", "confirmed"), now=now,
                             message=tr("Only an accepted or confirmed talk can be cancelled."))
        touch_slot(talk.slot_id, now=now)
    return talk
