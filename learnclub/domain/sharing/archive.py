"""The archive of guest sharing (往期分享): a session is held and takes the cohort's next
number (第N期); its transcript, published later, only adds the text.

Numbers come from a counter per cohort, taken under the cohort's lock when the talk is held
(by hand, or by rule once its session has ended with a confirmed guest, in session order):
never reused (deleting a talk does not free its number), never given to a cancelled week,
given once per talk, never changed.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import Conflict, DomainError, untranslated
from learnclub.domain.homework.points import award_points
from learnclub.domain.reach.chat_posts import post_archive_entry
from learnclub.domain.sharing.talks import change_status
from learnclub.domain.text import SHORT, check_text, is_web_address
from learnclub.models import ArchiveCounter, Cohort, ShareSlot, Talk, TalkRevision, User

#: a one-hour talk written out runs to some 20 000 Chinese characters; leave room
TRANSCRIPT_MAX = 200_000


def mark_held(talk, *, now, actor=None, tr=untranslated):
    """Record that an accepted or confirmed talk took place (once its start has come); it
    takes the cohort's next number (第N期), after the ended sessions still to be held.

    `actor` None means by rule. Returns the talk."""
    with write_transaction():
        lock_row(Cohort.select().where(Cohort.id == talk.cohort_id)).get()
        talk = Talk.get_by_id(talk.id)
        if talk.slot_id is not None and talk.slot.starts_at > now:
            raise DomainError(tr("The session has not started yet."))
        if talk.status in ("accepted", "confirmed") and talk.id in {
                t.id for t in _hold_ended(talk.cohort_id, now=now)}:
            return Talk.get_by_id(talk.id)  # its session had ended: held by rule
        talk = _hold(Talk.get_by_id(talk.id), now=now, actor=actor,
                     message=tr("Only an accepted or confirmed talk can be held."))
    return talk


def _hold(talk, *, now, actor, message):
    """Inside the cohort's lock: the talk held, with the next number unless it has one."""
    number = talk.number if talk.number is not None else _next_number(talk.cohort_id)
    talk = change_status(talk, "held", ("accepted", "confirmed"), now=now, message=message,
                         number=number)
    record(talk.cohort_id, Action.TALK_HELD, actor=actor, now=now, subject=talk)
    return talk


def _hold_ended(cohort_id, *, now):
    """Inside the cohort's lock: hold its confirmed talks whose session has ended, in session
    order (each takes the next number). Returns them."""
    talks = (Talk.select(Talk, ShareSlot).join(ShareSlot, on=(Talk.slot == ShareSlot.id))
             .where((Talk.cohort == cohort_id) & (Talk.status == "confirmed")
                    & (ShareSlot.status == "open") & (ShareSlot.starts_at <= now))
             .order_by(ShareSlot.starts_at, ShareSlot.id))
    ended = [t for t in talks if t.slot.starts_at + timedelta(minutes=t.slot.minutes) <= now]
    return [_hold(t, now=now, actor=None, message="") for t in ended]


def hold_ended_sessions(*, now):
    """By rule (a job): every session that has ended with a confirmed guest is held and
    numbered, cohort by cohort in session order. Idempotent. Returns how many were held."""
    cohorts = {t.cohort_id for t in Talk.select(Talk.cohort).join(
        ShareSlot, on=(Talk.slot == ShareSlot.id)).where(
        (Talk.status == "confirmed") & (ShareSlot.starts_at <= now))}
    held = 0
    for cohort_id in sorted(cohorts):
        with write_transaction():
            lock_row(Cohort.select().where(Cohort.id == cohort_id)).get()
            held += len(_hold_ended(cohort_id, now=now))
    return held


def _check_url(url, tr):
    url = check_text(url, field="recording_url", label=tr("Recording link"), max_length=SHORT,
                     tr=tr).strip()
    if url and not is_web_address(url):
        raise DomainError(tr("Enter a link that starts with http:// or https://."),
                          field="recording_url")
    return url


def _next_number(cohort_id):
    """Inside the cohort's lock: count the cohort's counter up by one and return it."""
    ArchiveCounter.insert(cohort=cohort_id, last_number=0).on_conflict_ignore().execute()
    ArchiveCounter.update(last_number=ArchiveCounter.last_number + 1).where(
        ArchiveCounter.cohort == cohort_id).execute()
    return (ArchiveCounter.select(ArchiveCounter.last_number)
            .where(ArchiveCounter.cohort == cohort_id).scalar())


def publish_transcript(talk, transcript_md, *, actor, now, recording_url="", base_url="",
                       tr=untranslated):
    """Put a held talk's transcript in the archive: on first publication (it has its number
    since it was held; a talk held before numbers came with holding takes one now) the guest
    gets the guest_share points and the chat groups that want it
    hear of it (links from `base_url`); later edits keep the previous text as a
    TalkRevision. A talk whose start has come is marked held first. Returns it."""
    transcript_md = check_text(transcript_md, field="transcript_md", label=tr("Transcript"),
                               max_length=TRANSCRIPT_MAX, required=True, tr=tr)
    recording_url = _check_url(recording_url, tr)
    with write_transaction():
        cohort = lock_row(Cohort.select().where(Cohort.id == talk.cohort_id)).get()
        talk = Talk.get_by_id(talk.id)
        if talk.status in ("accepted", "confirmed"):
            talk = mark_held(talk, now=now, actor=actor, tr=tr)
        if talk.status != "held":
            raise Conflict(tr("Only a talk that was held can go into the archive."))
        values = {"transcript_md": transcript_md, "recording_url": recording_url,
                  "updated_at": now}
        first = talk.published_at is None
        if first:
            values.update(number=talk.number if talk.number is not None
                          else _next_number(cohort.id), published_at=now)
        elif talk.transcript_md != transcript_md:
            TalkRevision.create(talk=talk, transcript_md=talk.transcript_md, created_at=now)
        Talk.update(**values).where(Talk.id == talk.id).execute()
        changes = _archive_changes(talk, values)
        if first or changes:
            record(cohort, Action.TRANSCRIPT_PUBLISHED if first else Action.TRANSCRIPT_EDITED,
                   actor=actor, now=now, subject=talk, changes=changes)
        award_points(cohort, talk.guest_id, key=f"talk:{talk.id}:shared", kind="guest_share",
                     points=cohort.points_guest_share, now=now)
        if first:
            post_archive_entry(Talk.get_by_id(talk.id), now=now, base_url=base_url)
    return Talk.get_by_id(talk.id)


def _archive_changes(talk, values):
    """What a publication changed, for the log: the number, the link; the text not kept."""
    changes = {"number": values["number"]} if "number" in values else {}
    if talk.transcript_md != values["transcript_md"]:
        changes["transcript_md"] = None
    if talk.recording_url != values["recording_url"]:
        changes["recording_url"] = [talk.recording_url or None, values["recording_url"] or None]
    return changes


@dataclass
class ArchiveEntry:
    number: int  #: 第N期
    topic: str
    guest: User
    title_then: str  #: the guest's title when they proposed the talk
    held_at: datetime | None  #: the session's start; None if its slot was deleted
    talk: Talk


def archive(cohort):
    """The cohort's numbered talks, newest first, with guest, title then and date."""
    talks = (Talk.select(Talk, User, ShareSlot)
             .join(User, on=(Talk.guest == User.id))
             .switch(Talk).join(ShareSlot, JOIN.LEFT_OUTER, on=(Talk.slot == ShareSlot.id))
             .where((Talk.cohort == cohort) & Talk.published_at.is_null(False))
             .order_by(Talk.number.desc()))
    return [ArchiveEntry(t.number, t.topic, t.guest, t.title_snapshot,
                         t.slot.starts_at if t.slot_id is not None else None, t)
            for t in talks]


def guest_sessions(guest, *, viewer_cohorts):
    """The guest's numbered sessions in public cohorts and in `viewer_cohorts` (ids),
    newest first, with their cohort: what a profile reader may see."""
    talks = (Talk.select(Talk, Cohort, ShareSlot).join(Cohort, on=(Talk.cohort == Cohort.id))
             .switch(Talk).join(ShareSlot, JOIN.LEFT_OUTER, on=(Talk.slot == ShareSlot.id))
             .where((Talk.guest == guest) & Talk.published_at.is_null(False)
                    & (Cohort.is_public | Cohort.id.in_(list(viewer_cohorts) or [0])))
             .order_by(Talk.published_at.desc()))
    return [ArchiveEntry(t.number, t.topic, guest, t.title_snapshot,
                         t.slot.starts_at if t.slot_id is not None else None, t)
            for t in talks]
