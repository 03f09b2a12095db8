"""Sharing that gets better (docs/rules.md "Ratings after a session"): the members who were
at a held session rate it (1–5 and one line) within RATING_DAYS of its end, once each (a
second rating changes the first; the database keeps one per member and talk). The guest sees
the average, the count and the lines, never who wrote them; staff see names, each speaker's
record, and may keep a private note ("below the bar") on a held talk, logged in the cohort log.

`may_rate` is the one rule the pages, the form and `rate_talk` ask."""
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from peewee import fn

from learnclub.db import lock_row, write_transaction
from learnclub.domain.cohorts import access
from learnclub.domain.errors import DomainError, NotAllowed, untranslated
from learnclub.domain.text import check_text
from learnclub.models import Cohort, Membership, ShareSlot, Talk, User
from learnclub.models.cohorts import MembershipStatus
from learnclub.models.sharing import TalkStatus
from learnclub.models.talk_ratings import TalkRating

#: how long after a session ends its members may rate it (and change their rating)
RATING_DAYS = 7
LINE_MAX = 200
SCORES = (1, 2, 3, 4, 5)
#: the roles of the members counted as present (guests of the cohort are speakers, not audience)
AUDIENCE_ROLES = ("host", "assistant", "learner")


class NotRatable(StrEnum):
    """Why someone may not rate a talk (now), in the order the rule asks."""

    NOT_HELD = "not_held"  #: the talk was not held (yet)
    NO_SESSION = "no_session"  #: its session was deleted: no time to be present at
    SPEAKER = "speaker"  #: one does not rate one's own talk
    NOT_MEMBER = "not_member"  #: not a member of the cohort (or signed out, or a guest)
    REMOVED = "removed"  #: no longer a member
    JOINED_LATER = "joined_later"  #: joined after the session started: was not there
    CLOSED = "closed"  #: the window has closed


@dataclass(frozen=True)
class Verdict:
    reason: NotRatable | None  #: None: may rate

    def __bool__(self):
        return self.reason is None


def rating_closes(talk):
    """The instant the rating window closes: RATING_DAYS after the session's end (None
    without a session)."""
    slot = talk.slot if talk.slot_id is not None else None
    if slot is None:
        return None
    return slot.starts_at + timedelta(minutes=slot.minutes) + timedelta(days=RATING_DAYS)


def _present(membership, slot):
    """Without attendance records, present means: an active member of the cohort (host,
    assistant or learner) who had joined by the session's start."""
    if membership is None or membership.role not in AUDIENCE_ROLES:
        return NotRatable.NOT_MEMBER
    if membership.status == MembershipStatus.REMOVED:
        return NotRatable.REMOVED
    if membership.joined_at > slot.starts_at:
        return NotRatable.JOINED_LATER
    return None


def may_rate(user, talk, now, *, membership=False):
    """Whether `user` may rate (or re-rate) `talk` at `now`: the talk was held, the user is
    not its speaker, was present (see `_present`) and is still a member, and the window
    (session end + RATING_DAYS) is open. Pass `membership` (None if none) to save a query.
    Returns a Verdict: true, or false with its reason."""
    if talk.status != TalkStatus.HELD:
        return Verdict(NotRatable.NOT_HELD)
    if talk.slot_id is None:
        return Verdict(NotRatable.NO_SESSION)
    if user is None or not getattr(user, "is_authenticated", False):
        return Verdict(NotRatable.NOT_MEMBER)
    if talk.guest_id == user.id:
        return Verdict(NotRatable.SPEAKER)
    if membership is False:
        membership = access.membership_of(user, talk.cohort_id)
    reason = _present(membership, talk.slot)
    if reason is None and now > rating_closes(talk):
        reason = NotRatable.CLOSED
    return Verdict(reason)


def reason_words(reason, *, tr=untranslated):
    """Why not, in words."""
    return {
        NotRatable.NOT_HELD: tr("Ratings open once the session has been held."),
        NotRatable.NO_SESSION: tr("This talk has no session on the calendar to rate."),
        NotRatable.SPEAKER: tr("You cannot rate your own talk."),
        NotRatable.NOT_MEMBER: tr("Only members who were at the session can rate it."),
        NotRatable.REMOVED: tr("You are no longer a member of this cohort."),
        NotRatable.JOINED_LATER: tr("You joined after this session, so you cannot rate it."),
        NotRatable.CLOSED: tr("Ratings for this session closed %(days)d days after it "
                              "ended.") % {"days": RATING_DAYS},
    }[NotRatable(reason)]


def check_score(value, *, tr=untranslated):
    """The score as an int 1–5, from a form's text or a number; DomainError otherwise."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise DomainError(tr("Choose a score from 1 to 5."), field="score")
    if not (text.isascii() and text.isdigit()) or int(text) not in SCORES:
        raise DomainError(tr("The score must be a whole number from 1 to 5."), field="score")
    return int(text)


def check_line(line, *, tr=untranslated):
    """The line as typed, if it is one line of at most LINE_MAX characters."""
    line = check_text(line, field="line", label=tr("One line"), max_length=LINE_MAX, tr=tr)
    if "\n" in line or "\r" in line:
        raise DomainError(tr("Keep it to one line."), field="line")
    return line


def rate_talk(talk, user, *, score, line, now, tr=untranslated):
    """Rate a held talk, or change one's rating (one row per member and talk, by the
    database's unique index). Returns the TalkRating."""
    score, line = check_score(score, tr=tr), check_line(line, tr=tr)
    with write_transaction():
        talk = lock_row(Talk.select().where(Talk.id == talk.id)).get()  # held stays held
        verdict = may_rate(user, talk, now)
        if not verdict:
            raise NotAllowed(reason_words(verdict.reason, tr=tr))
        (TalkRating.insert(talk=talk.id, rater=user.id, score=score, line=line,
                           created_at=now, updated_at=now)
         .on_conflict(conflict_target=[TalkRating.talk, TalkRating.rater],
                      update={TalkRating.score: score, TalkRating.line: line,
                              TalkRating.updated_at: now})
         .execute())
    return TalkRating.get((TalkRating.talk == talk.id) & (TalkRating.rater == user.id))


def own_rating(talk, user):
    """The user's rating of the talk, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return TalkRating.get_or_none((TalkRating.talk == talk.id) & (TalkRating.rater == user.id))


def ratable_talks(cohort, user, *, now):
    """The cohort's held talks the user may rate now, newest session first: two queries."""
    membership = access.membership_of(user, cohort)
    if membership is None:
        return []
    earliest = now - timedelta(days=RATING_DAYS, hours=24)  # sessions last under a day
    talks = (Talk.select(Talk, ShareSlot).join(ShareSlot, on=(Talk.slot == ShareSlot.id))
             .where((Talk.cohort == cohort) & (Talk.status == TalkStatus.HELD)
                    & (ShareSlot.starts_at >= earliest))
             .order_by(ShareSlot.starts_at.desc()))
    return [t for t in talks if may_rate(user, t, now, membership=membership)]


# ---- who sees what ----------------------------------------------------------------------

def sees_raters(user, cohort, membership=None):
    """Whether the reader sees who gave which rating: the cohort's staff only."""
    return access.can(user, "manage_sharing", cohort, membership)


class RatingsView(StrEnum):
    """How much of a held talk's ratings a reader sees (`ratings_seen_by`)."""

    NAMED = "named"  #: staff: every rating with its rater
    ANONYMOUS = "anonymous"  #: the speaker: the average, the count and the lines, no names


def ratings_seen_by(user, talk, cohort, membership=None):
    """What the reader sees of a held talk's ratings, the one rule the pages and the API ask:
    staff every rating with its rater (`sees_raters`), the speaker the average, the count
    and the lines without names, anyone else none (None: only their own rating)."""
    if sees_raters(user, cohort, membership):
        return RatingsView.NAMED
    if user is not None and getattr(user, "is_authenticated", False) \
            and talk.guest_id == user.id:
        return RatingsView.ANONYMOUS
    return None


@dataclass(frozen=True)
class Summary:
    count: int
    average: float | None  #: None without ratings


@dataclass(frozen=True)
class RatingLine:
    score: int
    line: str
    rater: User | None  #: None unless the reader sees raters
    at: object  #: when it was last changed


def summaries(talk_ids):
    """{talk id: Summary} for these talks (talks without ratings too): one query."""
    ids = list(talk_ids)
    found = {}
    if ids:
        rows = (TalkRating.select(TalkRating.talk, fn.COUNT(TalkRating.id),
                                  fn.AVG(TalkRating.score))
                .where(TalkRating.talk.in_(ids)).group_by(TalkRating.talk).tuples())
        found = {talk_id: Summary(count, round(float(avg), 1)) for talk_id, count, avg in rows}
    return {i: found.get(i, Summary(0, None)) for i in ids}


def feedback(talk_ids, *, with_raters):
    """{talk id: [RatingLine]} for these talks, newest first: with the raters for staff;
    for anyone else only the ratings that have a line, and no names. One query."""
    ids = list(talk_ids)
    out = {i: [] for i in ids}
    if not ids:
        return out
    query = (TalkRating.select(TalkRating, User).join(User, on=(TalkRating.rater == User.id))
             if with_raters else TalkRating.select(
                 TalkRating.talk, TalkRating.score, TalkRating.line, TalkRating.updated_at)
             .where(TalkRating.line != ""))
    query = query.where(TalkRating.talk.in_(ids)).order_by(TalkRating.updated_at.desc(),
                                                           TalkRating.id.desc())
    for r in query:
        out[r.talk_id].append(RatingLine(r.score, r.line, r.rater if with_raters else None,
                                         r.updated_at))
    return out


@dataclass(frozen=True)
class SpeakerRecord:
    cohort: Cohort
    sessions: int  #: talks held
    ratings: int
    average: float | None  #: over all ratings of those talks; None without any


def speaker_record(speaker, cohort_ids):
    """The speaker's record in each of these cohorts where they spoke: sessions held and the
    average rating over them. Two queries."""
    ids = list(cohort_ids)
    if not ids:
        return []
    held = list(Talk.select(Talk.cohort, fn.COUNT(Talk.id)).where(
        (Talk.guest == speaker.id) & (Talk.status == TalkStatus.HELD) & Talk.cohort.in_(ids))
        .group_by(Talk.cohort).tuples())
    if not held:
        return []
    rated = {c: (n, avg) for c, n, avg in TalkRating.select(
        Talk.cohort, fn.COUNT(TalkRating.id), fn.AVG(TalkRating.score))
        .join(Talk, on=(TalkRating.talk == Talk.id))
        .where((Talk.guest == speaker.id) & (Talk.status == TalkStatus.HELD)
               & Talk.cohort.in_(ids)).group_by(Talk.cohort).tuples()}
    cohorts = {c.id: c for c in Cohort.select().where(Cohort.id.in_([c for c, _n in held]))}
    return [SpeakerRecord(cohorts[c], n, rated.get(c, (0, None))[0],
                          None if c not in rated else round(float(rated[c][1]), 1))
            for c, n in sorted(held, key=lambda row: cohorts[row[0]].name)]


def staff_cohorts(user):
    """Ids of the cohorts where `user` is active staff (host or assistant): one query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [m.cohort_id for m in Membership.select(Membership.cohort).where(
        (Membership.user == user.id) & (Membership.status == MembershipStatus.ACTIVE)
        & Membership.role.in_(("host", "assistant")))]
