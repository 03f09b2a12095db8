"""The host's review of talk proposals (嘉宾分享): the weeks with who asked for them, and the
mails each decision calls for. Deciding is sharing.py; telling is here, a separate step, so
a host can take several decisions and send the news when they are sure (each mail once)."""
from dataclasses import dataclass, field

from peewee import JOIN

from learnclub.domain.reach import talk_notices
from learnclub.domain.sharing.talks import propose_talk
from learnclub.models import Membership, OutboxMessage, ShareSlot, Talk, TalkPreference, User
from learnclub.models.cohorts import MembershipStatus
from learnclub.models.sharing import TAKING_STATES

#: decided states -> the key suffix of the mail that tells the guest
NEWS = {"accepted": "accepted", "confirmed": "accepted", "declined": "declined",
        "cancelled": "cancelled"}


def propose_with_receipt(cohort, guest, *, link, now, **fields):
    """Propose a talk (sharing.propose_talk) and queue its receipt right away. Returns it."""
    talk = propose_talk(cohort, guest, now=now, **fields)
    talk_notices.mail_talk_received(talk=talk, link=link, now=now)
    return talk


@dataclass
class Week:
    slot: ShareSlot
    holder: Talk | None = None  #: the accepted or confirmed talk that has the week
    proposals: list = field(default_factory=list)  #: (rank, talk), submitted, oldest first


@dataclass
class ReviewBoard:
    weeks: list  #: Week per upcoming slot, in time order
    to_notify: list  #: decided talks whose guest was not told yet
    to_publish: list  #: talks whose session has started and whose transcript is not out yet
    #: upcoming open weeks no talk has: a host may give any proposal one of them
    open_weeks: list = field(default_factory=list)
    #: submitted talks none of whose listed weeks is still upcoming and open
    unlisted: list = field(default_factory=list)


def _news_key(talk):
    return f"talk:{talk.id}:{NEWS[talk.status]}"


def review_board(cohort, *, now):
    """Everything the review page shows, in five queries whatever the number of talks."""
    slots = list(ShareSlot.upcoming(cohort, now).where(ShareSlot.status == "open"))
    weeks = {s.id: Week(s) for s in slots}
    talks = list(Talk.select(Talk, User).join(User, on=(Talk.guest == User.id))
                 .where(Talk.cohort == cohort).order_by(Talk.created_at, Talk.id))
    by_id = {t.id: t for t in talks}
    prefs = (TalkPreference.select().where(TalkPreference.talk.in_(list(by_id)))
             .order_by(TalkPreference.rank)) if by_id else []
    for pref in prefs:
        talk = by_id[pref.talk_id]
        if pref.slot_id in weeks and talk.status == "submitted":
            weeks[pref.slot_id].proposals.append((pref.rank, talk))
    for talk in talks:
        if talk.status in TAKING_STATES[:2] and talk.slot_id in weeks:
            weeks[talk.slot_id].holder = talk
    decided = [t for t in talks if t.status in NEWS]
    told = set(OutboxMessage.select(OutboxMessage.key).where(
        OutboxMessage.key.in_([_news_key(t) for t in decided])).tuples()) if decided else set()
    told = {key for (key,) in told}
    started = _started(cohort, now, [t for t in talks if t.status in TAKING_STATES])
    listed = {talk.id for week in weeks.values() for _rank, talk in week.proposals}
    return ReviewBoard(
        weeks=[weeks[s.id] for s in slots],
        to_notify=[t for t in decided if _news_key(t) not in told],
        to_publish=[t for t in talks if t.id in started and t.published_at is None],
        open_weeks=[weeks[s.id].slot for s in slots if weeks[s.id].holder is None],
        unlisted=[t for t in talks if t.status == "submitted" and t.id not in listed])


def _started(cohort, now, talks):
    ids = [t.slot_id for t in talks if t.slot_id is not None]
    if not ids:
        return set()
    begun = {s.id for s in ShareSlot.select(ShareSlot.id).where(
        ShareSlot.id.in_(ids) & (ShareSlot.starts_at <= now))}
    return {t.id for t in talks if t.slot_id in begun}


def untold_decisions(cohort):
    """How many decided talks' guests were not told yet (review_board's to_notify): two
    narrow queries, whatever the number of talks."""
    decided = [_news_key(t) for t in Talk.select(Talk.id, Talk.status).where(
        (Talk.cohort == cohort) & Talk.status.in_(list(NEWS)))]
    if not decided:
        return 0
    told = OutboxMessage.select(OutboxMessage.key).where(OutboxMessage.key.in_(decided))
    return len(set(decided) - {key for (key,) in told.tuples()})


def notify_decision(talk, *, link, now):
    """Queue the mails the talk's decision calls for (each once, by its outbox key): the
    guest's news, and for an accepted talk a note to everyone else who asked for its week.
    Returns how many people were told."""
    talk = Talk.get_by_id(talk.id)
    if talk.status not in NEWS:
        return 0
    mail = {"accepted": talk_notices.mail_talk_accepted,
            "declined": talk_notices.mail_talk_declined,
            "cancelled": talk_notices.mail_talk_cancelled}[NEWS[talk.status]]
    mail(talk=talk, link=link, now=now)
    others = list(Talk.proposed_for(talk.slot)) if NEWS[talk.status] == "accepted" else []
    for other in others:
        talk_notices.mail_week_taken(talk=other, slot=talk.slot, link=link, now=now)
    return 1 + len(others)


def guest_talks(cohort, guest):
    """The guest's own talks in the cohort, newest first, with their preferred weeks."""
    talks = list(Talk.select(Talk, ShareSlot)
                 .join(ShareSlot, JOIN.LEFT_OUTER, on=(Talk.slot == ShareSlot.id))
                 .where((Talk.cohort == cohort) & (Talk.guest == guest))
                 .order_by(Talk.created_at.desc(), Talk.id.desc()))
    prefs = {}
    if talks:
        for pref in (TalkPreference.select(TalkPreference, ShareSlot).join(ShareSlot)
                     .where(TalkPreference.talk.in_([t.id for t in talks]))
                     .order_by(TalkPreference.rank)):
            prefs.setdefault(pref.talk_id, []).append(pref.slot)
    return [(t, prefs.get(t.id, [])) for t in talks]


def visible_profiles(viewer, user_ids):
    """Of `user_ids`, those whose profile the viewer may open: people who share an active
    cohort with them (profiles.show's rule), and the viewer."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not user_ids:
        return set()
    mine = Membership.select(Membership.cohort).where(
        (Membership.user == viewer.id) & (Membership.status == MembershipStatus.ACTIVE))
    shared = {m.user_id for m in Membership.select(Membership.user).where(
        Membership.user.in_(list(user_ids)) & Membership.cohort.in_(mine))}
    return shared | ({viewer.id} & set(user_ids))


def open_weeks(cohort, *, now):
    """Upcoming weeks still looking for a guest: open, and no talk has them. One query."""
    taken = Talk.select(Talk.slot).where(Talk.slot.is_null(False)
                                         & Talk.status.in_(TAKING_STATES))
    return list(ShareSlot.upcoming(cohort, now).where(
        (ShareSlot.status == "open") & ShareSlot.id.not_in(taken)))
