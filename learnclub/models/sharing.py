"""Weekly guest sharing (嘉宾分享): the weeks on the calendar, the talks guests propose for
them, and the numbered archive (第N期) the transcripts go into."""
from enum import StrEnum

from peewee import SQL, CharField, ForeignKeyField, IntegerField, SmallIntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.cohorts import Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class TalkStatus(StrEnum):
    """Where a proposed talk stands; stored as its value."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    CONFIRMED = "confirmed"
    HELD = "held"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


class SlotStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


#: talk states that hold a slot: at most one talk per slot may be in one of them
TAKING_STATES = (TalkStatus.ACCEPTED, TalkStatus.CONFIRMED, TalkStatus.HELD)
TALK_STATES = tuple(TalkStatus)


class ShareSlot(BaseModel):
    """One session on the calendar: generated from the cohort's weekly rule or added once."""

    cohort = ForeignKeyField(Cohort, backref="share_slots", on_delete="CASCADE")
    kind = CharField(max_length=16, default="weekly")  #: "weekly" or "one_off"
    #: weekly slots: the ISO week (cohort's local calendar) of the rule they stand for, e.g.
    #: "2026-W49"; kept when the slot moves or is cancelled, so the week is never generated
    #: again. None for one-off slots.
    week = CharField(max_length=10, null=True)
    starts_at = UTCDateTimeField()
    minutes = SmallIntegerField(default=60)
    status = CharField(max_length=16, default="open")  #: "open" or "cancelled"
    #: the ICS SEQUENCE: bumped on every change calendar clients must pick up
    sequence = IntegerField(default=0)
    uid = CharField(max_length=100, unique=True)  #: the ICS UID, stable for the slot's life
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    class Meta:
        table_name = "share_slot"
        indexes = ((("cohort", "week"), True),)

    @classmethod
    def upcoming(cls, cohort, now):
        """Slots that have not started yet, cancelled ones included, in time order."""
        return (cls.select().where((cls.cohort == cohort) & (cls.starts_at > now))
                .order_by(cls.starts_at, cls.id))


#: two open slots of a cohort never start at the same instant (cancelled ones may)
ShareSlot.add_index(ShareSlot.cohort, ShareSlot.starts_at, unique=True,
                    where=SQL("status = 'open'"), name="share_slot_open_starts_at")


class Talk(BaseModel):
    """A guest's talk: proposed for preferred weeks, given one slot, held, then archived."""

    cohort = ForeignKeyField(Cohort, backref="talks", on_delete="CASCADE")
    guest = ForeignKeyField(User, backref="talks", on_delete="CASCADE")
    topic = CharField(max_length=300)
    abstract_md = TextField(default="")
    title_snapshot = CharField(max_length=300, default="")  #: the guest's title at proposal
    bio_snapshot = TextField(default="")  #: the guest's short bio at proposal
    status = CharField(max_length=16, default="submitted")  #: one of TALK_STATES
    #: set when accepted; kept after a withdrawal or cancellation, as history
    slot = ForeignKeyField(ShareSlot, null=True, backref="talks", on_delete="SET NULL")
    transcript_md = TextField(default="")
    recording_url = CharField(max_length=500, default="")
    number = IntegerField(null=True)  #: 第N期, from ArchiveCounter at first publication
    published_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    class Meta:
        indexes = ((("cohort", "number"), True),)

    @classmethod
    def holding(cls, slot):
        """The talk that has the slot (accepted, confirmed or held), if any."""
        return cls.get_or_none((cls.slot == slot) & cls.status.in_(TAKING_STATES))

    @classmethod
    def proposed_for(cls, slot):
        """Submitted talks that list the slot among their preferred weeks."""
        return (cls.select().join(TalkPreference, on=(TalkPreference.talk == cls.id))
                .where((TalkPreference.slot == slot) & (cls.status == "submitted"))
                .order_by(cls.created_at, cls.id))


#: one guest per week, guaranteed by the database (SQLite and PostgreSQL alike)
Talk.add_index(Talk.slot, unique=True,
               where=SQL("status IN ('accepted', 'confirmed', 'held')"),
               name="talk_one_per_slot")


class TalkPreference(BaseModel):
    """A week the guest would like, in order: rank 1 is the first choice."""

    talk = ForeignKeyField(Talk, backref="preferences", on_delete="CASCADE")
    slot = ForeignKeyField(ShareSlot, backref="preferences", on_delete="CASCADE")
    rank = SmallIntegerField()

    class Meta:
        table_name = "talk_preference"
        indexes = ((("talk", "slot"), True), (("talk", "rank"), True))


class TalkRevision(BaseModel):
    """The transcript of a talk as it was before an edit after publication."""

    talk = ForeignKeyField(Talk, backref="revisions", on_delete="CASCADE")
    transcript_md = TextField()
    created_at = UTCDateTimeField()

    class Meta:
        table_name = "talk_revision"


class ArchiveCounter(BaseModel):
    """The last archive number a cohort gave out. Only ever goes up: numbers are never
    reused, whatever happens to the talks that carry them."""

    cohort = ForeignKeyField(Cohort, unique=True, on_delete="CASCADE")
    last_number = IntegerField(default=0)

    class Meta:
        table_name = "archive_counter"


class CalendarToken(BaseModel):
    """A member's secret calendar feed link for a private cohort: the token in the URL is the
    permission. Revoked links answer 404; a member has at most one live link per cohort.
    Only the secret's sha256 is stored (like API tokens): the link is shown once, when made."""

    cohort = ForeignKeyField(Cohort, backref="calendar_tokens", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="calendar_tokens", on_delete="CASCADE")
    token = CharField(max_length=64, unique=True)  #: sha256 (hex) of the secret in the link
    created_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "calendar_token"
        indexes = ((("cohort", "user"), False),)
