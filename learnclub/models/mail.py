"""The outbox: every mail is a row first, sent by a job, at most once per key."""
from peewee import CharField, ForeignKeyField, IntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class OutboxMessage(BaseModel):
    #: what this message is about, e.g. "application:12:admitted"; a second enqueue is a no-op
    key = CharField(max_length=200, unique=True)
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    to_addr = CharField(max_length=320)
    subject = CharField(max_length=500)
    body = TextField()
    created_at = UTCDateTimeField()
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    next_attempt_at = UTCDateTimeField(index=True)
    #: a sender holds the row until this instant, so two schedulers never send it twice
    claimed_until = UTCDateTimeField(null=True)
    sent_at = UTCDateTimeField(null=True, index=True)
