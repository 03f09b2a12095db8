"""What a cohort tells people who may join it (its page, an invite link, the share kit):
the rule in words, seats left, the next case and the next guest, and whether its sharing
calendar and archive (往期分享) are open to the reader (docs/rules.md "People")."""
import re
from dataclasses import dataclass
from datetime import datetime

from learnclub.domain.cohorts import access
from learnclub.domain.cohorts.admission import free_seats
from learnclub.domain.search.queries import plain_text
from learnclub.i18n import translations_for
from learnclub.models import Case, ShareSlot, Talk, User
from learnclub.models.sharing import TAKING_STATES

#: how long the one-line description of an invitation text may be, in characters
SUMMARY_LENGTH = 80


@dataclass(frozen=True)
class NextCase:
    """The next case to come out: its title and time, never its text."""

    title: str
    publish_at: datetime


@dataclass(frozen=True)
class NextGuest:
    """The next session that has its guest: topic, speaker, the speaker's title, start."""

    topic: str
    speaker: str
    title: str
    starts_at: datetime


@dataclass(frozen=True)
class About:
    seats_left: int  #: capacity minus active learners minus live seat offers, at least 0
    next_case: NextCase | None
    next_guest: NextGuest | None  #: None too when the reader may not read the calendar
    sharing_open: bool  #: the reader may read the sharing calendar and archive
    #: the reader may pass the page on with the share kit: an active member, public cohort
    shareable: bool


def removal_rule(cohort, *, locale):
    """The removal rule in words, in `locale`: "Whoever misses 1 homework is asked to leave."
    (缺交 1 次作业即请出社群。). Every page, mail and invitation that states the rule says this."""
    return translations_for(locale).ngettext(
        "Whoever misses %(num)d homework is asked to leave.",
        "Whoever misses %(num)d homework assignments is asked to leave.",
        cohort.strike_limit) % {"num": cohort.strike_limit}


def summary(cohort):
    """The description's first paragraph as plain words on one line, shortened to
    SUMMARY_LENGTH characters (with "…"): the one line of an invitation text."""
    paragraphs = [p for p in re.split(r"\n\s*\n", cohort.description_md or "") if p.strip()]
    words = plain_text(paragraphs[0]) if paragraphs else ""
    return words if len(words) <= SUMMARY_LENGTH else words[:SUMMARY_LENGTH - 1] + "…"


def about_cohort(cohort, reader, *, now, membership=None):
    """What the reader is told about the cohort at `now`. Four or five queries, whatever
    the number of cases, sessions and members."""
    membership = membership or access.membership_of(reader, cohort)
    sharing_open = access.may_read_sharing(reader, cohort, membership)
    member = access.can(reader, "view_cohort_pages", cohort, membership)
    return About(seats_left=max(0, free_seats(cohort, now=now)),
                 next_case=next_case(cohort, now=now),
                 next_guest=next_guest(cohort, now=now) if sharing_open else None,
                 sharing_open=sharing_open, shareable=cohort.is_public and member)


def next_case(cohort, *, now):
    """The live case that comes out next after `now` (title and time only), or None."""
    row = (Case.select(Case.title, Case.publish_at)
           .where((Case.cohort == cohort) & Case.archived_at.is_null()
                  & (Case.publish_at > now))
           .order_by(Case.publish_at, Case.queue_position, Case.id).first())
    return NextCase(row.title, row.publish_at) if row else None


def next_guest(cohort, *, now):
    """The next session not started yet whose week a talk holds (accepted or confirmed), as
    the sharing calendar shows it, or None. One query."""
    row = (Talk.select(Talk.topic, Talk.title_snapshot, User.display_name, ShareSlot.starts_at)
           .join(User, on=(Talk.guest == User.id))
           .switch(Talk).join(ShareSlot, on=(Talk.slot == ShareSlot.id))
           .where((ShareSlot.cohort == cohort) & (ShareSlot.status == "open")
                  & (ShareSlot.starts_at > now) & Talk.status.in_(TAKING_STATES))
           .order_by(ShareSlot.starts_at, ShareSlot.id).first())
    if row is None:
        return None
    return NextGuest(row.topic, row.guest.display_name, row.title_snapshot, row.slot.starts_at)
