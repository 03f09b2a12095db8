"""The in-app inbox (消息): one row per event and recipient, recorded where the event's mail is
queued. It stores the kind and the parameters, never a translated text: the reader's language
is applied when the message is shown (domain/reach/inbox.py)."""
from peewee import CharField, ForeignKeyField, TextField

from learnclub.db import BaseModel
from learnclub.models.cohorts import Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class InboxMessage(BaseModel):
    #: what this message is about, per recipient, e.g. "feedback:12:5"; a second record is a no-op
    key = CharField(max_length=200, unique=True)
    recipient = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    cohort = ForeignKeyField(Cohort, null=True, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=32)  #: a domain.reach.inbox.Kind
    params = TextField(default="{}")  #: JSON: the names and excerpts the text is made from
    link = CharField(max_length=500, default="")  #: a path inside the app, "" = none
    created_at = UTCDateTimeField()
    read_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "inbox_message"
        indexes = ((("recipient", "read_at"), False), (("recipient", "id"), False))
