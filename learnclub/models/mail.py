"""The outbox: every mail and chat post is a row first, sent by a job, at most once per key."""
from enum import StrEnum

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.chat import ChatHook
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class OutboxOutcome(StrEnum):
    """How an outbox row was settled; stored as its value."""

    PENDING = ""
    HELD = "held"  #: kept for the daily digest
    SENT = "sent"
    OFF = "off"  #: the person turned this kind of mail off
    DIGEST = "digest"  #: sent inside a daily digest
    SKIPPED = "skipped"  #: no longer wanted when its turn came (e.g. homework written since)


class OutboxMessage(BaseModel):
    #: what this message is about, e.g. "application:12:admitted"; a second enqueue is a no-op
    key = CharField(max_length=200, unique=True)
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    #: set for a post into a chat group; then `body` is the platform's JSON, unsigned
    hook = ForeignKeyField(ChatHook, null=True, on_delete="CASCADE")
    #: a mail's preference kind ("" = always sent, e.g. removal notices), a post's event
    kind = CharField(max_length=32, default="")
    to_addr = CharField(max_length=320)
    subject = CharField(max_length=500)
    body = TextField()
    #: the same mail as HTML, sent as the alternative to `body`; None: text only (posts, and
    #: mails queued before migration 0012)
    html_body = TextField(null=True)
    #: extra headers as JSON, see domain.reach.outbox.cohort_headers; None: none (posts, and
    #: mails queued before migration 0024)
    headers = TextField(null=True)
    created_at = UTCDateTimeField()
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    next_attempt_at = UTCDateTimeField(index=True)
    #: a sender holds the row until this instant, so two schedulers never send it twice
    claimed_until = UTCDateTimeField(null=True)
    #: when the message was settled: sent, dropped by preference or folded into a digest
    sent_at = UTCDateTimeField(null=True, index=True)
    outcome = CharField(max_length=16, default="")  #: an OutboxOutcome


class MailPreference(BaseModel):
    """How someone wants one kind of mail: right away, in a daily digest, or not at all."""

    user = ForeignKeyField(User, backref="mail_preferences", on_delete="CASCADE")
    kind = CharField(max_length=32)  #: see domain.mail_preferences.KINDS
    mode = CharField(max_length=16)  #: "instant", "daily" or "off"

    class Meta:
        indexes = ((("user", "kind"), True),)
