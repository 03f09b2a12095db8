"""The outbox rules: enqueue once per key, claim before sending, retry with backoff."""
from datetime import timedelta

from learnclub.models import OutboxMessage

CLAIM_FOR = timedelta(minutes=5)
MAX_ATTEMPTS = 8


def enqueue_mail(key, *, to_addr, subject, body, now, user=None):
    """Add a message to the outbox unless one with this key exists (then nothing changes)."""
    (OutboxMessage.insert(
        key=key[:200], user=user, to_addr=to_addr, subject=subject[:500], body=body,
        created_at=now, next_attempt_at=now,
    ).on_conflict_ignore().execute())


def due_messages(*, now, limit=50):
    """Unsent messages whose next attempt is due and that nobody holds."""
    return list(OutboxMessage.select().where(
        OutboxMessage.sent_at.is_null()
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


def mark_sent(message, *, now):
    OutboxMessage.update(sent_at=now, claimed_until=None, last_error="").where(
        OutboxMessage.id == message.id).execute()


def mark_failed(message, error, *, now):
    """Record the error and schedule the next try: 1, 2, 4, … minutes, capped at 6 hours."""
    attempts = message.attempts + 1
    delay = timedelta(minutes=min(2 ** (attempts - 1), 360))
    OutboxMessage.update(last_error=str(error)[:2000], claimed_until=None,
                         next_attempt_at=now + delay).where(
        OutboxMessage.id == message.id).execute()
