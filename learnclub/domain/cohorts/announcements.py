"""Announcements (公告, docs/rules.md "Rules and announcements"): staff post them, pinned to
the top of the cohort home until unpinned; each goes to every active member once, by mail
(their "announcements" preference), in their messages and to the chat robots that picked
"announcement" (domain/reach/announcements.py). A member who opens one, or sees it pinned on
the home, leaves a read receipt; staff see how many and who."""
from dataclasses import dataclass

from peewee import JOIN
from peewee import Case as SqlCase

from learnclub.db import write_transaction
from learnclub.domain.cohorts.access import require
from learnclub.domain.cohorts.activity import Action, record
from learnclub.domain.errors import DomainError, NotFound, untranslated
from learnclub.domain.reach.announcements import announce
from learnclub.domain.text import check_text
from learnclub.models import Announcement, AnnouncementRead, Membership, User
from learnclub.models.cohorts import MembershipStatus

TITLE_MAX = 200
BODY_MAX = 20_000
LISTED = 100  #: the newest announcements the list shows, pinned ones first
PINNED_SHOWN = 5  #: pinned announcements on the home, newest pinned first


def _check(title, body_md, tr):
    title = check_text(title, field="title", label=tr("Title"), max_length=TITLE_MAX,
                       required=True, tr=tr)
    if any(c in title for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise DomainError(tr("The title must fit on one line."), field="title")
    body_md = check_text(body_md, field="body_md", label=tr("Announcement"),
                         max_length=BODY_MAX, required=True, tr=tr)
    return title, body_md


def post_announcement(cohort, *, actor, title, body_md, now, base_url, pin=True,
                      tr=untranslated):
    """Post an announcement (pinned unless `pin` is False), log it and send it out: mail,
    messages and chat posts, once per member and robot. Returns the Announcement."""
    require(actor, "post_announcements", cohort, tr=tr)
    title, body_md = _check(title, body_md, tr)
    with write_transaction():
        announcement = Announcement.create(cohort=cohort, title=title, body_md=body_md,
                                           author=actor, created_at=now,
                                           pinned_at=now if pin else None)
        record(cohort, Action.ANNOUNCEMENT_POSTED, actor=actor, now=now, subject=announcement,
               changes={"pinned": pin})
        announce(announcement, author=actor, now=now, base_url=base_url)
    return announcement


def set_pinned(announcement, pinned, *, actor, now, tr=untranslated):
    """Pin an announcement to the top of the cohort home, or unpin it; logged. Returns
    whether anything changed."""
    cohort = announcement.cohort
    require(actor, "post_announcements", cohort, tr=tr)
    if (announcement.pinned_at is not None) == pinned:
        return False
    with write_transaction():
        Announcement.update(pinned_at=now if pinned else None).where(
            Announcement.id == announcement.id).execute()
        record(cohort, Action.ANNOUNCEMENT_PINNED if pinned else Action.ANNOUNCEMENT_UNPINNED,
               actor=actor, now=now, subject=announcement)
    return True


def announcement_in(cohort, announcement_id, *, tr=untranslated):
    """The cohort's announcement with this id (its author loaded), or NotFound."""
    row = (Announcement.select(Announcement, User)
           .join(User, JOIN.LEFT_OUTER, on=(Announcement.author == User.id))
           .where((Announcement.id == announcement_id) & (Announcement.cohort == cohort))
           .first())
    if row is None:
        raise NotFound(tr("There is no such announcement."))
    return row


def pinned_of(cohort):
    """The announcements pinned to the cohort home, newest pinned first: one query."""
    return list(Announcement.select()
                .where((Announcement.cohort == cohort) & Announcement.pinned_at.is_null(False))
                .order_by(Announcement.pinned_at.desc(), Announcement.id.desc())
                .limit(PINNED_SHOWN))


def announcements_of(cohort):
    """The cohort's announcements, pinned ones first, then newest first, with their
    authors: one query."""
    unpinned = SqlCase(None, [(Announcement.pinned_at.is_null(), 1)], 0)
    return list(Announcement.select(Announcement, User)
                .join(User, JOIN.LEFT_OUTER, on=(Announcement.author == User.id))
                .where(Announcement.cohort == cohort)
                .order_by(unpinned, Announcement.pinned_at.desc(), Announcement.id.desc())
                .limit(LISTED))


def mark_read(announcements, membership, *, now):
    """Leave the member's read receipt on each announcement they have not read yet (their
    first read counts): one INSERT, none for staff nor for no announcements."""
    if (membership is None or membership.status != MembershipStatus.ACTIVE
            or not announcements):
        return
    rows = [{"announcement": a.id, "user": membership.user_id, "read_at": now}
            for a in announcements if a.author_id != membership.user_id]
    if rows:
        AnnouncementRead.insert_many(rows).on_conflict_ignore().execute()


@dataclass(frozen=True)
class Receipt:
    readers: list  #: names of the active members who read it, in the order they did
    audience: int  #: active members it was for (all but its author)

    @property
    def count(self):
        return len(self.readers)


def receipts(cohort, announcements):
    """{announcement id: Receipt} for staff: who of the active members read each one. Two
    queries however many announcements and members."""
    ids = [a.id for a in announcements]
    if not ids:
        return {}
    members = Membership.select().where((Membership.cohort == cohort)
                                        & (Membership.status == MembershipStatus.ACTIVE))
    audience = members.count()
    names = {i: [] for i in ids}
    rows = (AnnouncementRead.select(AnnouncementRead.announcement, User.display_name)
            .join(User, on=(AnnouncementRead.user == User.id))
            .join(Membership, on=((Membership.user == User.id) & (Membership.cohort == cohort)))
            .where(AnnouncementRead.announcement.in_(ids)
                   & (Membership.status == MembershipStatus.ACTIVE))
            .order_by(AnnouncementRead.read_at, AnnouncementRead.id).tuples())
    for announcement_id, name in rows:
        names[announcement_id].append(name)
    return {a.id: Receipt(names[a.id], audience - (1 if a.author_id else 0)) for a in announcements}
