"""Who wants which mail how: right away, bundled in a daily digest, or not at all.

A mail's `kind` (OutboxMessage.kind) names the preference that governs it; "" means it always
goes (admission decisions, removal notices, seat offers, password resets, sign-up
confirmations, decisions about a guest's talk). The kinds:

- "new_case": a new case is out (notices.mail_case_published)
- "reminders": homework due soon, to those who have not written (notices.mail_reminder)
- "feedback": the batched "responses to your homework" mail: comments, replies, staff
  feedback, featured picks (notices.mail_activity_digest)
- "sharing": guest-sharing reminders, to members on the day and to the guest before the talk
  (talk_notices.mail_talk_today, mail_talk_guest_reminder), and the "session cancelled" notice to
  members (sharing.mail_slot_cancelled; the guest whose talk it was always gets it)
- "digests": summaries for hosts and assistants: the case queue is running dry
  (notices.mail_queue_dry), who a participation sweep removed (mail_removals_to_staff)
- "announcements": staff's announcements (公告) in a cohort (reach/announcements.announce);
  they also stay pinned on the cohort home and in the messages, whatever this says

No row means "instant", with one exception: for someone who is only a guest (嘉宾: every
active membership has role guest), "new_case" is "off" until they choose otherwise; and a
guest of a cohort hears of its new cases only if they chose to (`case_announcement_readers`):
external guests come for the sharing, not for every case.

Mails kept for the daily digest are outbox rows with outcome "held"
(see domain.daily_digest). They exist only while their kind is "daily": changing the kind to
"instant" or "off" releases them to the outbox, which then sends them one by one or drops
them, so a preference change applies to mail already queued and nothing held is ever lost.
"""
from peewee import JOIN

from learnclub.db import write_transaction
from learnclub.domain.errors import DomainError, untranslated
from learnclub.models import MailPreference, Membership, OutboxMessage, User
from learnclub.models.cohorts import MembershipStatus, Role
from learnclub.models.mail import OutboxOutcome

KINDS = ("new_case", "reminders", "feedback", "sharing", "digests", "announcements")
MODES = ("instant", "daily", "off")
DEFAULT_MODE = "instant"
ALL = "all"  #: in an unsubscribe link: every kind at once
#: what a guest gets unless they chose otherwise: mail about sharing, not every new case
GUEST_DEFAULTS = {"new_case": "off"}


def _only_guest(user):
    """Whether every active membership of the person is as a guest (and there is one)."""
    roles = {m.role for m in Membership.select(Membership.role).where(
        (Membership.user == user) & (Membership.status == MembershipStatus.ACTIVE))}
    return roles == {Role.GUEST}


def defaults_for(user):
    """{kind: mode} where the person chose nothing: "instant", except GUEST_DEFAULTS for
    someone who is only a guest."""
    modes = dict.fromkeys(KINDS, DEFAULT_MODE)
    return {**modes, **GUEST_DEFAULTS} if _only_guest(user) else modes


def case_announcement_readers(cohort):
    """Who is mailed when a case of `cohort` comes out: its active members, except guests who
    have not chosen "new_case" mail (right away or daily). One query."""
    chose = MailPreference.select(MailPreference.user).where(
        (MailPreference.kind == "new_case") & (MailPreference.mode != "off"))
    return list(User.select().join(Membership, on=(Membership.user == User.id)).where(
        (Membership.cohort == cohort) & (Membership.status == MembershipStatus.ACTIVE)
        & ((Membership.role != Role.GUEST) | User.id.in_(chose))))


def preferences_of(user):
    """{kind: mode} for every kind, the default where the person chose nothing."""
    modes = defaults_for(user)
    for row in MailPreference.select().where(MailPreference.user == user):
        if row.kind in modes:
            modes[row.kind] = row.mode
    return modes


def readers(user_ids):
    """{user id: (user, {kind: mode})} for the given people, in one query (for the outbox)."""
    if not user_ids:
        return {}
    rows = (User.select(User, MailPreference.kind.alias("pref_kind"),
                        MailPreference.mode.alias("pref_mode"))
            .join(MailPreference, JOIN.LEFT_OUTER).where(User.id.in_(list(user_ids)))
            .objects())
    found = {}
    for row in rows:
        _user, modes = found.setdefault(row.id, (row, dict.fromkeys(KINDS, DEFAULT_MODE)))
        if row.pref_kind in modes:
            modes[row.pref_kind] = row.pref_mode
    return found


def decide(message, prefs):
    """What the outbox does with a claimed mail: "send", "hold" (for the digest) or "drop"."""
    if not message.kind or message.user_id is None or message.kind not in KINDS:
        return "send"
    mode = prefs.get(message.kind, DEFAULT_MODE)
    return {"daily": "hold", "off": "drop"}.get(mode, "send")


def set_preferences(user, modes, *, now, tr=untranslated):
    """Store the modes given ({kind: mode}, kinds left out stay as they are) and release held
    mails of kinds no longer "daily" back to the outbox. Returns the modes now in force."""
    for kind, mode in modes.items():
        if kind not in KINDS:
            raise DomainError(tr("There is no such kind of mail."), field=kind)
        if mode not in MODES:
            raise DomainError(tr("Choose right away, daily digest or off."), field=kind)
    with write_transaction():
        for kind, mode in modes.items():
            (MailPreference.insert(user=user, kind=kind, mode=mode)
             .on_conflict(conflict_target=[MailPreference.user, MailPreference.kind],
                          update={MailPreference.mode: mode})
             .execute())
        released = [kind for kind, mode in modes.items() if mode != "daily"]
        if released:
            OutboxMessage.update(outcome=OutboxOutcome.PENDING, claimed_until=None,
                                 next_attempt_at=now).where(
                (OutboxMessage.user == user) & OutboxMessage.kind.in_(released)
                & (OutboxMessage.outcome == OutboxOutcome.HELD)).execute()
    return preferences_of(user)


def kinds_named(kind):
    """The kinds an unsubscribe link names: one, or all of them for ALL."""
    return KINDS if kind == ALL else (kind,)


def is_off(user, kind):
    """Whether every kind the link names is already off for this person."""
    modes = preferences_of(user)
    return all(modes.get(k) == "off" for k in kinds_named(kind))


def unsubscribe(user, kind, *, now, tr=untranslated):
    """Turn one kind off, or every kind with ALL. Returns the modes they had before (for undo)."""
    kinds = kinds_named(kind)
    before = preferences_of(user)
    set_preferences(user, dict.fromkeys(kinds, "off"), now=now, tr=tr)
    return {k: before[k] for k in kinds}
