"""The daily digest: the mails someone asked to get once a day, bundled into one mail.

Once per local day, from 08:00 in the person's zone (the zone of the cohort of their earliest
active membership, else the default zone), everything held for them goes out in one mail,
keyed `daily-digest:user:<id>:<local date>`; the held rows are marked "digest" in the same
transaction, by compare-and-set. Two runs or two processes make one digest and mark each row
once; a mail held after today's digest waits for tomorrow's.
"""
from zoneinfo import ZoneInfo

from learnclub.db import write_transaction
from learnclub.domain.accounts.profiles import zones_of
from learnclub.domain.reach.mail_templates import SIGNATURE, render_mail
from learnclub.domain.reach.outbox import enqueue_mail
from learnclub.models import OutboxMessage, User
from learnclub.models.mail import OutboxOutcome

DIGEST_HOUR = 8


def digest_day(now, zone):
    """The local date whose digest is due at `now` in `zone`, or None before 08:00 there."""
    local = now.astimezone(ZoneInfo(zone))
    return local.date() if local.hour >= DIGEST_HOUR else None


def digest_key(user_id, day):
    return f"daily-digest:user:{user_id}:{day.isoformat()}"


def send_daily_digests(*, now, default_zone="Asia/Shanghai"):
    """Queue one digest per person whose 08:00 has come and who has held mail and no digest
    today; mark the held mails as sent in it. Returns how many digests were queued."""
    # the account is gone: nobody to bundle for, so nothing to send
    OutboxMessage.update(outcome=OutboxOutcome.OFF, sent_at=now).where(
        OutboxMessage.user.is_null() & (OutboxMessage.outcome == OutboxOutcome.HELD)).execute()
    held = list(OutboxMessage.select(OutboxMessage, User).join(User)
                .where(OutboxMessage.outcome == OutboxOutcome.HELD)
                .order_by(OutboxMessage.user, OutboxMessage.id))
    by_user = {}
    for message in held:
        by_user.setdefault(message.user_id, []).append(message)
    zones = zones_of(by_user, default_zone)
    queued = 0
    for user_id, messages in by_user.items():
        day = digest_day(now, zones[user_id])
        if day is not None and _queue_digest(messages, key=digest_key(user_id, day), now=now):
            queued += 1
    return queued


class _TakenElsewhere(Exception):
    """A parallel run or a preference change got to the held mails first: roll back."""


def _queue_digest(messages, *, key, now):
    """One digest for these held mails, unless today's exists or another run took them."""
    user = messages[0].user
    try:
        with write_transaction():
            if OutboxMessage.select().where(OutboxMessage.key == key).exists():
                return False
            marked = OutboxMessage.update(outcome=OutboxOutcome.DIGEST, sent_at=now,
                                          claimed_until=None).where(
                OutboxMessage.id.in_([m.id for m in messages])
                & (OutboxMessage.outcome == OutboxOutcome.HELD)).execute()
            if marked != len(messages):
                raise _TakenElsewhere
            subject, body, html = digest_mail(user, messages)
            enqueue_mail(key, to_addr=user.email, user=user, subject=subject, body=body,
                         html=html, now=now)
    except _TakenElsewhere:
        return False
    return True


def digest_mail(user, messages):
    """(subject, text, HTML) of one digest in the reader's language: each mail's subject,
    then its text (indented under it in the text part)."""
    return render_mail("daily_digest", user.locale, mails=[
        {"heading": " ".join(message.subject.splitlines()),
         "text": message.body.removesuffix(SIGNATURE).strip("\n")} for message in messages])

