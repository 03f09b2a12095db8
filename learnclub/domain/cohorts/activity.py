"""The cohort's log (docs/rules.md "People"): every change a person makes in a cohort, with who
did it (None: by rule, or by the system), when, on what and what changed.

Changes of who is in the cohort (admitted, removed, readmitted, role changed, …) are
MembershipEvents, written where they happen and read by other code; every other change is a
CohortEvent written by `record`. `cohort_log` reads both as one list, newest first."""
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from peewee import JOIN, SQL, Value

from learnclub.models import (
    Announcement,
    ApplicationQuestion,
    Case,
    ChatHook,
    CohortEvent,
    Invite,
    LeaveRequest,
    MembershipEvent,
    ShareSlot,
    Talk,
    User,
)


class Action(StrEnum):
    """What happened, by name. The first group is written as MembershipEvent."""

    CREATED_COHORT = "created_cohort"
    ADMITTED = "admitted"
    JOINED_BY_INVITE = "joined_by_invite"
    ADMITTED_FROM_WAITLIST = "admitted_from_waitlist"
    ADMITTED_AS_GUEST = "admitted_as_guest"
    REMOVED = "removed"
    READMITTED = "readmitted"
    ROLE_CHANGED = "role_changed"

    SETTINGS_CHANGED = "settings_changed"
    APPLICATION_REJECTED = "application_rejected"
    APPLICATION_WAITLISTED = "application_waitlisted"
    INVITE_CREATED = "invite_created"
    INVITE_REVOKED = "invite_revoked"
    REMOVALS_PAUSED = "removals_paused"
    REMOVALS_RESUMED = "removals_resumed"
    CASE_REMOVALS_PAUSED = "case_removals_paused"
    CASE_REMOVALS_RESUMED = "case_removals_resumed"
    LEAVE_APPROVED = "leave_approved"
    LEAVE_DECLINED = "leave_declined"
    EXCUSED = "excused"
    EXTENSION_GRANTED = "extension_granted"
    CASE_CREATED = "case_created"
    CASE_EDITED = "case_edited"
    CASE_PUBLISHED = "case_published"  #: an edit that set a publication time already come
    PUBLISH_TIME_CHANGED = "publish_time_changed"
    CASE_MOVED = "case_moved"  #: up or down the queue
    CASE_ARCHIVED = "case_archived"
    CASE_RESTORED = "case_restored"
    CASE_ASSIGNED = "case_assigned"  #: the host handed a coming case to a member (轮值)
    CASE_SUBMITTED = "case_submitted"  #: the member submitted their case for review
    CASE_APPROVED = "case_approved"
    CASE_SENT_BACK = "case_sent_back"  #: returned to its author with a note
    CASE_TAKEN_BACK = "case_taken_back"  #: the host took a member's draft back (staff's again)
    CASE_APPROVAL_WITHDRAWN = "case_approval_withdrawn"  #: approved, not out: back to review
    FEATURED = "featured"
    UNFEATURED = "unfeatured"
    SLOT_ADDED = "slot_added"
    SLOT_MOVED = "slot_moved"
    SLOT_CANCELLED = "slot_cancelled"
    TALK_ACCEPTED = "talk_accepted"
    TALK_CONFIRMED = "talk_confirmed"  #: by the guest
    TALK_WITHDRAWN = "talk_withdrawn"  #: by the guest
    TALK_DECLINED = "talk_declined"
    TALK_CANCELLED = "talk_cancelled"
    TALK_HELD = "talk_held"
    TALK_NOTED = "talk_noted"  #: staff's private note on a held talk ("below the bar")
    TRANSCRIPT_PUBLISHED = "transcript_published"
    TRANSCRIPT_EDITED = "transcript_edited"
    HOOK_ADDED = "hook_added"
    HOOK_CHANGED = "hook_changed"
    HOOK_REMOVED = "hook_removed"
    DEPOSIT_RECORDED = "deposit_recorded"  #: staff recorded a member's deposit as received
    DEPOSIT_CORRECTED = "deposit_corrected"
    DEPOSIT_REFUNDED = "deposit_refunded"  #: staff marked the refund paid
    ANNOUNCEMENT_POSTED = "announcement_posted"
    ANNOUNCEMENT_PINNED = "announcement_pinned"
    ANNOUNCEMENT_UNPINNED = "announcement_unpinned"
    RULES_CHANGED = "rules_changed"  #: the cohort's rules (群规) were rewritten: a new version
    QUESTION_ADDED = "question_added"  #: an application question of the cohort's own
    QUESTION_CHANGED = "question_changed"
    QUESTION_REMOVED = "question_removed"


#: keys of `changes` whose values are instants: stored as ISO 8601 in UTC, read back aware
TIME_KEYS = frozenset({"starts_at", "publish_at", "due_at", "until", "expires_at"})
#: what a subject object is called in the log: kind, the field naming it, the person it concerns
_SUBJECTS = {Case: ("case", "title", None), Talk: ("talk", "topic", "guest_id"),
             ShareSlot: ("slot", "week", None), ChatHook: ("hook", "label", None),
             Invite: ("invite", "role", None), LeaveRequest: ("leave", None, "user_id"),
             Announcement: ("announcement", "title", None),
             ApplicationQuestion: ("question", "prompt", None)}
LABEL_MAX = 300


def _id(value):
    return getattr(value, "id", value)


def _subject(subject):
    """(user id, kind, id, label) of a subject: a User (or a user id), a model instance, or a
    (user, instance) pair."""
    if subject is None:
        return None, "", None, ""
    user, thing = subject if isinstance(subject, tuple) else (None, subject)
    if thing is None or isinstance(thing, User | int):
        return _id(user if thing is None else thing), "", None, ""
    kind, label, person = _SUBJECTS[type(thing)]
    if user is None and person:
        user = getattr(thing, person)
    return _id(user), kind, thing.id, str(getattr(thing, label) or "")[:LABEL_MAX] \
        if label else ""


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def encode_changes(changes):
    """`changes` as stored: JSON, instants in UTC, dates as YYYY-MM-DD, keys in given order."""
    return json.dumps({k: _plain(v) for k, v in (changes or {}).items()}, ensure_ascii=False)


def _instant(value):
    return datetime.fromisoformat(value).astimezone(UTC) if isinstance(value, str) else value


def decode_changes(text):
    """Stored `changes` back as a dict; the values under TIME_KEYS as aware datetimes."""
    changes = json.loads(text or "{}")
    return {k: ([_instant(x) for x in v] if isinstance(v, list) else _instant(v))
            if k in TIME_KEYS else v for k, v in changes.items()}


def record(cohort, action, *, actor, now, subject=None, changes=None):
    """Log one change in the cohort: `actor` None means by rule (or by the system); `subject`
    is whom or what it concerns (a User, a case, talk, slot, robot, invite or leave request,
    or a (user, object) pair); `changes` maps a field to [old, new] or to its value.
    One INSERT. Returns the CohortEvent."""
    user, kind, subject_id, label = _subject(subject)
    return CohortEvent.create(cohort=_id(cohort), actor=_id(actor), at=now,
                              action=Action(action).value, user=user, subject_kind=kind,
                              subject_id=subject_id, subject_label=label,
                              changes=encode_changes(changes))


def changed(before, after):
    """{field: [old, new]} for the fields of `after` whose value differs in `before`."""
    return {f: [before.get(f), value] for f, value in after.items() if before.get(f) != value}


# ---- the read side -------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    id: int
    display_name: str


@dataclass(frozen=True)
class LogEntry:
    source: str  #: "membership" (a MembershipEvent) or "activity" (a CohortEvent)
    id: int
    action: str
    at: datetime
    by: Person | None  #: who did it; None = by rule
    person: Person | None  #: whom it concerns
    subject_kind: str
    subject_id: int | None
    subject_label: str
    changes: dict
    reason: str  #: membership entries: why, as stored (see web reason_text)


@dataclass(frozen=True)
class LogPage:
    entries: list
    page: int
    pages: int
    total: int


def _membership_part(cohort):
    actor, person, m = User.alias(), User.alias(), MembershipEvent
    return (m.select(Value("membership").alias("source"), m.id.alias("id"), m.action, m.at,
                     actor.id.alias("actor_id"), actor.display_name.alias("actor_name"),
                     person.id.alias("person_id"), person.display_name.alias("person_name"),
                     Value("").alias("subject_kind"), Value(None).alias("subject_id"),
                     Value("").alias("subject_label"), Value("").alias("changes"),
                     m.reason.alias("reason"))
            .join(person, JOIN.LEFT_OUTER, on=(m.user == person.id))
            .switch(m).join(actor, JOIN.LEFT_OUTER, on=(m.actor == actor.id))
            .where(m.cohort == _id(cohort)))


def _activity_part(cohort):
    actor, person, e = User.alias(), User.alias(), CohortEvent
    return (e.select(Value("activity").alias("source"), e.id.alias("id"), e.action, e.at,
                     actor.id.alias("actor_id"), actor.display_name.alias("actor_name"),
                     person.id.alias("person_id"), person.display_name.alias("person_name"),
                     e.subject_kind, e.subject_id, e.subject_label, e.changes,
                     Value("").alias("reason"))
            .join(person, JOIN.LEFT_OUTER, on=(e.user == person.id))
            .switch(e).join(actor, JOIN.LEFT_OUTER, on=(e.actor == actor.id))
            .where(e.cohort == _id(cohort)))


def _entry(row):
    def person(prefix):
        pid = row[f"{prefix}_id"]
        return None if pid is None else Person(pid, row[f"{prefix}_name"])
    return LogEntry(row["source"], row["id"], row["action"], row["at"], person("actor"),
                    person("person"), row["subject_kind"] or "", row["subject_id"],
                    row["subject_label"] or "", decode_changes(row["changes"]),
                    row["reason"] or "")


def cohort_log(cohort, *, page=1, per_page=50):
    """One page of the cohort's log (membership changes and every other change), newest
    first, with who did it and whom it concerns: two queries whatever the page."""
    page = max(int(page), 1)
    both = _membership_part(cohort).union_all(_activity_part(cohort))
    rows = (both.order_by(SQL('"at"').desc(), SQL('"source"').desc(), SQL('"id"').desc())
            .paginate(page, per_page).dicts())
    entries = [_entry(row) for row in rows]
    total = both.count()
    return LogPage(entries, page, max((total + per_page - 1) // per_page, 1), total)
