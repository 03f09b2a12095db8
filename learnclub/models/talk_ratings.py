"""After a guest sharing session is held, the members who were there rate it (1–5 and one
line), and staff may keep a private note on it ("below the bar"). The rules are
domain/sharing/ratings.py."""
from peewee import BooleanField, CharField, Check, ForeignKeyField, SmallIntegerField

from learnclub.db import BaseModel
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User
from learnclub.models.sharing import Talk


class TalkRating(BaseModel):
    """One member's rating of one held talk; changed in place within the window, never
    duplicated (the unique index on talk and rater)."""

    talk = ForeignKeyField(Talk, backref="ratings", on_delete="CASCADE")
    rater = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    score = SmallIntegerField(constraints=[Check("score BETWEEN 1 AND 5")])  #: 1–5
    line = CharField(max_length=200, default="")  #: one line, may be empty
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    class Meta:
        table_name = "talk_rating"
        indexes = ((("talk", "rater"), True),)


class TalkNote(BaseModel):
    """Staff's private note on a held talk: never shown to the guest nor to members."""

    talk = ForeignKeyField(Talk, unique=True, backref="+", on_delete="CASCADE")
    below_bar = BooleanField(default=False)  #: the host judged the session below the bar
    note = CharField(max_length=500, default="")
    author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    updated_at = UTCDateTimeField()

    class Meta:
        table_name = "talk_note"
