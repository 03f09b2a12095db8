"""Weekly guest sharing (docs/rules.md "Weekly guest sharing"): the talks proposed for the
weeks on the calendar, up to being held (the weeks themselves are slots.py, the archive is
archive.py). One guest per week is the database's rule (a partial unique index on
talk.slot_id): of two acceptances for one week at the same moment, the second write fails and
becomes a Conflict. Deciding and telling are separate: these functions return what changed;
the caller queues mails (`mail_slot_cancelled`). Every change is logged (cohorts/activity.py).
"""
from peewee import IntegrityError

from learnclub.db import write_transaction
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import Conflict, DomainError, NotAllowed, untranslated
from learnclub.domain.sharing.slots import (  # noqa: F401 - callers import these from here
    SlotCancellation,
    _locked_open_slot,
    add_one_off_slot,
    cancel_slot,
    generate_slots,
    mail_slot_cancelled,
    mail_slot_moved,
    move_slot,
    touch_slot,
    weekly_starts,
)
from learnclub.domain.text import LONG, check_text
from learnclub.models import ShareSlot, Talk, TalkPreference
from learnclub.models.sharing import TAKING_STATES

MAX_PREFERENCES = 3
#: states in which the guest may still change or withdraw the talk
OPEN_STATES = ("submitted", "accepted", "confirmed")


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
    with write_transaction():
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
            record(talk.cohort_id, Action.TALK_ACCEPTED, actor=actor, now=now, subject=talk,
                   changes={"starts_at": slot.starts_at})
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
        record(talk.cohort_id, Action.TALK_CONFIRMED, actor=guest, now=now, subject=talk)
    return talk


def decline_talk(talk, *, actor, now, tr=untranslated):
    """The host declines a proposal that has no week yet. Returns the talk."""
    with write_transaction():
        talk = change_status(talk, "declined", ("submitted",), now=now,
                             message=tr("Only a proposal waiting for a decision can be declined."))
        record(talk.cohort_id, Action.TALK_DECLINED, actor=actor, now=now, subject=talk)
    return talk


def withdraw_talk(talk, *, guest, now, tr=untranslated):
    """The guest withdraws before the talk is held; its week opens again. Returns the talk."""
    _own(talk, guest, tr)
    with write_transaction():
        had_week = Talk.get_by_id(talk.id).status in TAKING_STATES
        talk = change_status(talk, "withdrawn", OPEN_STATES, now=now,
                             message=tr("This talk can no longer be withdrawn."))
        if had_week:
            touch_slot(talk.slot_id, now=now)
        record(talk.cohort_id, Action.TALK_WITHDRAWN, actor=guest, now=now, subject=talk)
    return talk


def cancel_talk(talk, *, actor, now, tr=untranslated):
    """The host cancels an accepted or confirmed talk; its week opens again. Returns it."""
    with write_transaction():
        talk = change_status(talk, "cancelled", ("accepted", "confirmed"), now=now,
                             message=tr("Only an accepted or confirmed talk can be cancelled."))
        touch_slot(talk.slot_id, now=now)
        record(talk.cohort_id, Action.TALK_CANCELLED, actor=actor, now=now, subject=talk)
    return talk
