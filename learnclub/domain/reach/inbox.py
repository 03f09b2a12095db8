"""The in-app inbox (消息): what a person is told inside the app, read or unread.

A message is recorded where its event's mail is queued (notices.py, homework/feedback.py), in
the same transaction, once per event and recipient (a unique key), whatever the person's mail
settings: mail is an extra channel. It keeps the kind and the parameters (names, titles, an
excerpt), never a translated sentence, so it reads in the reader's language when shown.
"""
import json
from enum import StrEnum
from urllib.parse import urlsplit

from peewee import JOIN, Value, fn

from learnclub.domain.errors import NotFound, untranslated
from learnclub.domain.participation.counting import id_in
from learnclub.models import Cohort, InboxMessage, Membership
from learnclub.prepared import Prepared

PER_PAGE = 20
EXCERPT = 120  #: characters of a comment kept in its message


class Kind(StrEnum):
    COMMENT = "comment"  #: someone commented on your homework
    REPLY = "reply"  #: someone replied to your comment
    FEEDBACK = "feedback"  #: 点评: a host's or assistant's comment on your homework
    FEATURED = "featured"  #: 精选
    ADMITTED = "application_admitted"
    REJECTED = "application_rejected"
    WAITLISTED = "application_waitlisted"
    SEAT_OFFER = "seat_offer"  #: a free seat offered to a waitlisted applicant
    TALK_ACCEPTED = "talk_accepted"
    TALK_DECLINED = "talk_declined"
    TALK_CANCELLED = "talk_cancelled"
    REMOVED = "removed"  #: asked to leave by the participation rule
    REMOVED_BY_HOST = "removed_by_host"
    REMOVALS_HELD = "removals_held"  #: to staff: the safety stop held a sweep
    READMITTED = "readmitted"
    ANNOUNCEMENT = "announcement"  #: staff posted an announcement (公告) in the cohort
    CASE_TAKEN_BACK = "case_taken_back"  #: the hosts took back the case you were writing


def path_of(link):
    """The part of a link inside the app ("/c/x/cases/3#homework-5"): messages never point
    outside it, whatever base URL the mail was written with."""
    parts = urlsplit(link or "")
    path = parts.path or ("/" if link else "")
    return (path + (f"?{parts.query}" if parts.query else "")
            + (f"#{parts.fragment}" if parts.fragment else ""))[:500]


def excerpt(text, length=EXCERPT):
    """The first words of a comment, on one line."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[:length - 1] + "…"


def record(recipient, kind, *, key, now, cohort=None, link="", **params):
    """Record one message for `recipient` (a user or id) unless `key` was recorded already
    (then nothing changes)."""
    (InboxMessage.insert(
        key=key[:200], recipient=recipient, cohort=cohort, kind=Kind(kind),
        params=json.dumps(params, ensure_ascii=False), link=path_of(link), created_at=now,
    ).on_conflict_ignore().execute())


def record_for_members(membership_ids, kind, *, key_prefix, key_suffix, cohort, now, link="",
                       **params):
    """`record` for the members behind many memberships of `cohort`, the same words for each,
    keyed "<prefix><membership id><suffix>": one INSERT … SELECT, however many they are (the
    ids written as one integer list, counting.id_in)."""
    key = Value(key_prefix).concat(Membership.id).concat(Value(key_suffix))
    fields = [InboxMessage.key, InboxMessage.recipient, InboxMessage.cohort, InboxMessage.kind,
              InboxMessage.params, InboxMessage.link, InboxMessage.created_at]
    if not membership_ids:
        return
    rows = Membership.select(
        key, Membership.user, Value(cohort.id), Value(str(Kind(kind))),
        Value(json.dumps(params, ensure_ascii=False)), Value(path_of(link)),
        Value(InboxMessage.created_at.db_value(now)),
    ).where(id_in(Membership.id, membership_ids))
    InboxMessage.insert_from(rows, fields).on_conflict_ignore().execute()


def record_removals(membership_ids, cohort, *, link, now):
    """The removal notice in each removed learner's messages, keyed as its mail
    (notices._removed_key: one per removal, so a readmitted learner removed again is told)."""
    record_for_members(membership_ids, Kind.REMOVED, key_prefix="removal:membership:",
                       key_suffix=f":{now:%Y%m%dT%H%M%S}", cohort=cohort, link=link, now=now)


#: every signed-in page's header asks it: its SQL built once (prepared.Prepared)
_UNREAD = Prepared(lambda user_id: InboxMessage.select(fn.COUNT(InboxMessage.id)).where(
    (InboxMessage.recipient == user_id) & InboxMessage.read_at.is_null()).tuples(),
    -7_000_000_001)


def unread_count(user) -> int:
    """How many of the person's messages are unread: one COUNT query."""
    return _UNREAD.first(user.id)[0]


def messages_of(user, *, page=1, per_page=PER_PAGE):
    """(messages, has_more): one page of the person's messages, newest first, each with its
    cohort (or None) and `.data`, its parameters. One query, however many there are."""
    page = max(int(page or 1), 1)
    rows = list(InboxMessage.select(InboxMessage, Cohort)
                .join(Cohort, JOIN.LEFT_OUTER, on=(InboxMessage.cohort == Cohort.id))
                .where(InboxMessage.recipient == user.id)
                .order_by(InboxMessage.id.desc())
                .offset((page - 1) * per_page).limit(per_page + 1))
    for row in rows:
        row.data = params_of(row)
    return rows[:per_page], len(rows) > per_page


def messages_before(user, *, before=None, limit=PER_PAGE):
    """Up to `limit` of the person's messages older than the one with id `before` (all if
    None), newest first, each with its cohort and `.data`: one query (the API's pages)."""
    query = (InboxMessage.select(InboxMessage, Cohort)
             .join(Cohort, JOIN.LEFT_OUTER, on=(InboxMessage.cohort == Cohort.id))
             .where(InboxMessage.recipient == user.id))
    if before is not None:
        query = query.where(InboxMessage.id < before)
    rows = list(query.order_by(InboxMessage.id.desc()).limit(limit))
    for row in rows:
        row.data = params_of(row)
    return rows


def params_of(message):
    """The parameters a message was recorded with ({} if they cannot be read)."""
    try:
        data = json.loads(message.params or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def open_message(user, message_id, *, now, tr=untranslated):
    """Mark one of the person's messages read; returns its link ("" for none). Someone
    else's message, or none with this id, is NotFound."""
    message = InboxMessage.get_or_none((InboxMessage.id == message_id)
                                       & (InboxMessage.recipient == user.id))
    if message is None:
        raise NotFound(tr("There is no such message."))
    if message.read_at is None:
        InboxMessage.update(read_at=now).where((InboxMessage.id == message.id)
                                               & InboxMessage.read_at.is_null()).execute()
    return message.link


def mark_all_read(user, *, now):
    """Mark every unread message of the person read. Returns how many were unread."""
    return (InboxMessage.update(read_at=now)
            .where((InboxMessage.recipient == user.id) & InboxMessage.read_at.is_null())
            .execute())
