"""The outbox rules: enqueue once per key, claim before sending, retry with backoff.

Mails and chat-group posts share it: a post is a row with a `hook`, a mail one without.
"""
import json
from datetime import timedelta

from learnclub.models import Membership, OutboxMessage, User
from learnclub.models.cohorts import MembershipStatus, Role

CLAIM_FOR = timedelta(minutes=5)
MAX_ATTEMPTS = 8

#: key pattern -> check(message, now=...) -> bool: is a queued mail still wanted when sent?
#: (registered by the areas that queue such mails, e.g. participation.reminders)
RECHECKS = {}


def recheck(pattern):
    """Register a check run just before sending each mail whose key matches `pattern` (a
    compiled regular expression); a mail no longer wanted is settled as "skipped"."""
    def register(check):
        RECHECKS[pattern] = check
        return check
    return register


def still_wanted(message, *, now):
    """False if a registered check says this mail has become moot (e.g. a reminder to write
    homework that has been written since it was queued)."""
    return all(check(message, now=now) for pattern, check in RECHECKS.items()
               if pattern.match(message.key))


def enqueue_mail(key, *, to_addr, subject, body, now, user=None, kind="", html=None,
                 headers=None):
    """Add a mail to the outbox unless one with this key exists (then nothing changes).

    `body` is the text; `html`, if given, the same mail as HTML (sent as its alternative).
    `kind` names the preference that governs it (see domain.mail_preferences); "" means the
    mail always goes (membership decisions, password resets). `headers`: see cohort_headers.
    """
    (OutboxMessage.insert(
        key=key[:200], user=user, kind=kind, to_addr=to_addr, subject=subject[:500], body=body,
        html_body=html, headers=json.dumps(headers) if headers else None, created_at=now,
        next_attempt_at=now,
    ).on_conflict_ignore().execute())


def cohort_headers(cohort, *, reply_to_host=False):
    """What a mail of `cohort` is stored with, for its extra headers: {"list": [slug, name]}
    (sent as List-Id, see outbound.mail) and, for a mail whose text asks its reader to reply
    to the host, {"Reply-To": the email of the cohort's first active host} (if it has one).
    None for a cohort that is not stored (no slug): nothing to name the list by."""
    if not getattr(cohort, "slug", None):
        return None
    headers = {"list": [cohort.slug, cohort.name]}
    if reply_to_host:
        host = (User.select(User.email).join(Membership, on=(Membership.user == User.id))
                .where((Membership.cohort == cohort) & (Membership.role == Role.HOST)
                       & (Membership.status == MembershipStatus.ACTIVE))
                .order_by(Membership.joined_at, Membership.id).first())
        if host is not None and host.email:
            headers["Reply-To"] = host.email
    return headers


def enqueue_post(key, *, hook, event, subject, body, now):
    """Add a chat-group post (the platform's JSON body, unsigned) unless its key exists."""
    (OutboxMessage.insert(
        key=key[:200], hook=hook, kind=event, to_addr="", subject=subject[:500], body=body,
        created_at=now, next_attempt_at=now,
    ).on_conflict_ignore().execute())


def due_messages(*, now, limit=50, posts=False, skip_hooks=()):
    """Unsent mails (or, with posts=True, chat posts) that are due and that nobody holds;
    posts to the robots `skip_hooks` (ids) left out."""
    channel = OutboxMessage.hook.is_null(False) if posts else OutboxMessage.hook.is_null()
    if skip_hooks:
        channel &= OutboxMessage.hook.not_in(list(skip_hooks))
    return list(OutboxMessage.select().where(
        channel
        & OutboxMessage.sent_at.is_null()
        & (OutboxMessage.outcome != "held")
        & (OutboxMessage.next_attempt_at <= now)
        & (OutboxMessage.attempts < MAX_ATTEMPTS)
        & (OutboxMessage.claimed_until.is_null() | (OutboxMessage.claimed_until < now))
    ).order_by(OutboxMessage.id).limit(limit))


def claim_message(message, *, now):
    """Take the message for sending; False if another sender took it first (compare-and-set)."""
    taken = (OutboxMessage.update(claimed_until=now + CLAIM_FOR,
                                  attempts=OutboxMessage.attempts + 1)
             .where((OutboxMessage.id == message.id)
                    & OutboxMessage.sent_at.is_null()
                    & (OutboxMessage.attempts == message.attempts)
                    & (OutboxMessage.claimed_until.is_null()
                       | (OutboxMessage.claimed_until < now)))
             .execute())
    return taken == 1


def mark_sent(message, *, now, outcome="sent"):
    """Settle a message: "sent", or "off" (its reader unsubscribed), "digest" (bundled) or
    "skipped" (no longer wanted when its turn came, see `still_wanted`)."""
    OutboxMessage.update(sent_at=now, claimed_until=None, last_error="", outcome=outcome).where(
        OutboxMessage.id == message.id).execute()


def hold_message(message):
    """Keep a mail back for its reader's daily digest (see domain.mail_preferences)."""
    OutboxMessage.update(outcome="held", claimed_until=None).where(
        OutboxMessage.id == message.id).execute()


def mark_failed(message, error, *, now):
    """Record the error and schedule the next try: 1, 2, 4, … minutes, capped at 6 hours."""
    attempts = message.attempts + 1
    delay = timedelta(minutes=min(2 ** (attempts - 1), 360))
    OutboxMessage.update(last_error=str(error)[:2000], claimed_until=None,
                         next_attempt_at=now + delay).where(
        OutboxMessage.id == message.id).execute()
