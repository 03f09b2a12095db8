"""The sharing area's questions: one session, one talk, a talk's earlier transcripts, and a
page of the numbered archive. (The calendar, the review board and the archive list are in
calendar.py, review.py and archive.py.)"""
from peewee import JOIN

from learnclub.models import ShareSlot, Talk, TalkRevision, User
from learnclub.models.sharing import TalkStatus


def slot_in(cohort, slot_id):
    """The cohort's session with this id, or None (another cohort's is not there)."""
    return ShareSlot.get_or_none((ShareSlot.id == slot_id) & (ShareSlot.cohort == cohort))


def talk_in(cohort, talk_id):
    """The cohort's talk with this id, or None."""
    return Talk.get_or_none((Talk.id == talk_id) & (Talk.cohort == cohort))


def held_talk_in(cohort, talk_id):
    """The cohort's talk with this id if it was held (what ratings are about), or None."""
    talk = talk_in(cohort, talk_id)
    return talk if talk is not None and talk.status == TalkStatus.HELD else None


def own_talk(cohort, talk_id, guest):
    """The cohort's talk with this id if `guest` gave it, else None."""
    return Talk.get_or_none((Talk.id == talk_id) & (Talk.cohort == cohort)
                            & (Talk.guest == guest.id))


def numbered_talk(cohort, number):
    """The cohort's session 第`number`期 once its transcript is published, or None."""
    return Talk.get_or_none((Talk.cohort == cohort) & (Talk.number == number)
                            & Talk.published_at.is_null(False))


def transcript_revisions(talk):
    """The talk's earlier transcripts, newest first."""
    return list(TalkRevision.select().where(TalkRevision.talk == talk)
                .order_by(TalkRevision.created_at.desc(), TalkRevision.id.desc()))


def archive_page(cohort, *, after=None, limit=None):
    """The cohort's published talks after number `after`, 第1期 first, at most `limit`, each
    with its guest and its session (if the slot is still there): one query."""
    query = (Talk.select(Talk.id, Talk.number, Talk.topic, Talk.title_snapshot,
                         Talk.published_at, Talk.recording_url, Talk.slot, Talk.guest,
                         User, ShareSlot)
             .join(User, on=(Talk.guest == User.id))
             .switch(Talk).join(ShareSlot, JOIN.LEFT_OUTER, on=(Talk.slot == ShareSlot.id))
             .where((Talk.cohort == cohort) & Talk.published_at.is_null(False)))
    if after is not None:
        query = query.where(Talk.number > after)
    return list(query.order_by(Talk.number).limit(limit))
